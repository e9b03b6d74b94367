"""Tell the page cache which pages a change that readers can see drops.

An article's pages are worked out from the database before and after the change:
a draft, an article in review, a scheduled or an expired one has none, so saving it
drops nothing (a new embargo only tells the page cache's clock). Names (sections,
authors, tags) drop the pages that print them; an image, the pages of the public
articles that lead with it. A model of these apps not handled below drops every
page, so a model added later is never forgotten. Writes that send no signals
(queryset.update(), bulk_create()) call `newsroom.cachetags.invalidate()`.
"""

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from images.models import Image
from newsroom import cachetags

from .models import (
    Article,
    ArticleAuthor,
    ArticleBylinesTags,
    ArticleUpdate,
    Author,
    PreviewLink,
    Section,
    SlugRedirect,
)
from .pagetags import name_tag, public_tags

PUBLIC_APPS = frozenset({"articles", "images", "taggit"})
# Rows readers never see, or that only change along with rows handled below.
PRIVATE_MODELS = frozenset({PreviewLink, ArticleBylinesTags, SlugRedirect})
HANDLED_MODELS = frozenset(
    {Article, ArticleAuthor, ArticleUpdate, Author, Image, Section, Tag, TaggedItem}
)


def article_changed(article_id, before, using):
    """Drop the pages that showed the article (before) or show it now."""
    cachetags.changed(before | public_tags(article_id, using), using=using)


def scheduled(article):
    now = timezone.now()
    return article.status == Article.Status.PUBLISHED and any(
        moment is not None and moment > now
        for moment in (article.published_at, article.expires_at)
    )


@receiver(pre_save, sender=Article, dispatch_uid="pagecache_article_saving")
def article_saving(sender, instance, using=None, raw=False, **kwargs):
    before, was_scheduled = set(), False
    if instance.pk is not None and not raw:
        before = public_tags(instance.pk, using)
        old = sender.objects.using(using).filter(pk=instance.pk)
        old = old.only("status", "published_at", "expires_at").first()
        was_scheduled = old is not None and scheduled(old)
    instance.page_tags_before_save = (before, was_scheduled)


@receiver(post_save, sender=Article, dispatch_uid="pagecache_article_saved")
def article_saved(sender, instance, using=None, raw=False, **kwargs):
    before, was_scheduled = getattr(instance, "page_tags_before_save", (set(), False))
    article_changed(instance.pk, before, using)
    if was_scheduled or scheduled(instance):
        cachetags.clock_changed(using=using)


@receiver(pre_delete, sender=Article, dispatch_uid="pagecache_article_deleting")
def article_deleting(sender, instance, using=None, **kwargs):
    instance.page_tags_before_delete = public_tags(instance.pk, using)


@receiver(post_delete, sender=Article, dispatch_uid="pagecache_article_deleted")
def article_deleted(sender, instance, using=None, **kwargs):
    tags = getattr(instance, "page_tags_before_delete", set())
    cachetags.changed(tags, using=using)
    if scheduled(instance):
        cachetags.clock_changed(using=using)


def article_tags_changed(sender, instance, action, pk_set=None, using=None, **kwargs):
    """A byline or tag link of an article added, removed or cleared."""
    if not isinstance(instance, Article):
        return
    if action == "pre_clear":
        instance.page_tags_before_clear = public_tags(instance.pk, using)
    elif action == "post_clear":
        before = getattr(instance, "page_tags_before_clear", set())
        article_changed(instance.pk, before, using)
    elif action in ("post_add", "post_remove"):
        tags = public_tags(instance.pk, using)
        if tags and sender is TaggedItem:
            tags |= {f"tag-{pk}" for pk in pk_set or ()}
        elif tags and sender is ArticleAuthor:
            tags |= {f"author-{pk}" for pk in pk_set or ()}
        cachetags.changed(tags, using=using)


m2m_changed.connect(
    article_tags_changed, sender=TaggedItem, dispatch_uid="pagecache_tags_changed"
)
m2m_changed.connect(
    article_tags_changed, sender=ArticleAuthor, dispatch_uid="pagecache_bylines"
)


@receiver(post_save, sender=ArticleAuthor, dispatch_uid="pagecache_byline_saved")
@receiver(post_delete, sender=ArticleAuthor, dispatch_uid="pagecache_byline_deleted")
@receiver(post_save, sender=ArticleUpdate, dispatch_uid="pagecache_update_saved")
@receiver(post_delete, sender=ArticleUpdate, dispatch_uid="pagecache_update_deleted")
def article_part_changed(sender, instance, using=None, **kwargs):
    tags = public_tags(instance.article_id, using)
    if tags and sender is ArticleAuthor:
        tags.add(f"author-{instance.author_id}")
    cachetags.changed(tags, using=using)


@receiver(post_save, sender=TaggedItem, dispatch_uid="pagecache_tag_link_saved")
@receiver(post_delete, sender=TaggedItem, dispatch_uid="pagecache_tag_link_deleted")
def tag_link_changed(sender, instance, using=None, **kwargs):
    # Links written one by one (a revision restored) rather than through the manager.
    if instance.content_type.model_class() is not Article:
        return
    tags = public_tags(instance.object_id, using)
    if tags:
        tags.add(f"tag-{instance.tag_id}")
    cachetags.changed(tags, using=using)


@receiver(post_save, sender=Section, dispatch_uid="pagecache_section_saved")
@receiver(post_delete, sender=Section, dispatch_uid="pagecache_section_deleted")
def section_changed(sender, instance, using=None, **kwargs):
    # Every page's header lists the sections.
    tag = f"section-{instance.pk}"
    tags = [tag, name_tag(tag), "nav", "feed", "sitemap"]
    cachetags.changed(tags, using=using)


@receiver(post_save, sender=Author, dispatch_uid="pagecache_author_saved")
@receiver(post_delete, sender=Author, dispatch_uid="pagecache_author_deleted")
def author_changed(sender, instance, using=None, **kwargs):
    tag = f"author-{instance.pk}"
    cachetags.changed([tag, name_tag(tag), "feed", "sitemap"], using=using)


@receiver(post_save, sender=Tag, dispatch_uid="pagecache_tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="pagecache_tag_deleted")
def tag_changed(sender, instance, using=None, **kwargs):
    tag = f"tag-{instance.pk}"
    cachetags.changed([tag, name_tag(tag), "feed", "sitemap"], using=using)


@receiver(post_save, sender=Image, dispatch_uid="pagecache_image_saved")
@receiver(pre_delete, sender=Image, dispatch_uid="pagecache_image_deleting")
def image_changed(sender, instance, using=None, **kwargs):
    # Only the public articles that lead with it show it; an unused image, none.
    leading = Article.objects.using(using).published().filter(lead_image=instance.pk)
    ids = list(leading.values_list("pk", flat=True))
    if ids:
        cachetags.changed([*(f"article-{pk}" for pk in ids), "feed"], using=using)


@receiver(post_save, dispatch_uid="pagecache_row_saved")
@receiver(post_delete, dispatch_uid="pagecache_row_deleted")
def other_row_changed(sender, using=None, **kwargs):
    if (
        sender._meta.app_label in PUBLIC_APPS
        and sender not in HANDLED_MODELS
        and sender not in PRIVATE_MODELS
    ):
        cachetags.invalidate(using=using)


@receiver(post_migrate, dispatch_uid="pagecache_migrated")
def migrated(sender, using=None, **kwargs):
    # A release runs migrate: pages rendered by the previous code must go.
    if sender.name == "articles":
        cachetags.invalidate(using=using)
