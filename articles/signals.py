"""Tell the page cache when something readers see has changed.

Every model of these apps shows on public pages (articles, sections, authors, bylines,
update logs, images, tags, ticker items) except the ones listed as private, so a model
added later invalidates pages without anyone remembering to say so. Writes that send
no signals (queryset.update(), bulk_create()) call `newsroom.pagecache.invalidate()`
themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from newsroom import pagecache

PUBLIC_APPS = frozenset({"articles", "taggit", "ticker"})
# Rows readers never see: a preview link opens an unpublished article, never cached.
PRIVATE_MODELS = frozenset({"articles.previewlink"})


def shows_on_pages(model):
    meta = model._meta
    return meta.app_label in PUBLIC_APPS and meta.label_lower not in PRIVATE_MODELS


@receiver(post_save, dispatch_uid="pagecache_row_saved")
@receiver(post_delete, dispatch_uid="pagecache_row_deleted")
def row_changed(sender, using=None, **kwargs):
    if shows_on_pages(sender):
        pagecache.invalidate(using=using)


@receiver(m2m_changed, dispatch_uid="pagecache_relation_changed")
def relation_changed(sender, action, using=None, **kwargs):
    # sender is the through model: taggit's TaggedItem, ArticleAuthor.
    if action.startswith("post_") and shows_on_pages(sender):
        pagecache.invalidate(using=using)


@receiver(post_migrate, dispatch_uid="pagecache_migrated")
def migrated(sender, using=None, **kwargs):
    # A release runs migrate: pages rendered by the previous code must go.
    if sender.name == "articles":
        pagecache.invalidate(using=using)
