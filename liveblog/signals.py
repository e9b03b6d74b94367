"""Tell open pages and the page cache when a live blog or one of its updates changed
(liveblog/cache.py says which pages)."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import cache
from .models import LiveBlog, LiveBlogUpdate, recount


@receiver(pre_save, sender=LiveBlogUpdate, dispatch_uid="liveblog_update_saving")
def update_saving(sender, instance, using=None, raw=False, **kwargs):
    # An update that was visible and is no longer (approval withdrawn) changes pages.
    was_visible = False
    if instance.pk is not None and not raw:
        was_visible = (
            sender.objects.using(using).filter(pk=instance.pk, approved=True).exists()
        )
    instance.was_visible = was_visible


@receiver(post_save, sender=LiveBlogUpdate, dispatch_uid="liveblog_update_saved")
@receiver(post_delete, sender=LiveBlogUpdate, dispatch_uid="liveblog_update_deleted")
def update_changed(sender, instance, using=None, **kwargs):
    # The counter is the poll endpoint's ETag: every change, deletes included.
    recount(instance.liveblog_id, using=using)
    if instance.approved or getattr(instance, "was_visible", False):
        article_id = (
            LiveBlog.objects.using(using)
            .filter(pk=instance.liveblog_id)
            .values_list("article_id", flat=True)
            .first()
        )
        if article_id is not None:
            cache.updates_changed(instance.liveblog_id, article_id, using=using)


@receiver(pre_save, sender=LiveBlog, dispatch_uid="liveblog_saving")
def liveblog_saving(sender, instance, using=None, raw=False, **kwargs):
    before = None
    if instance.pk is not None and not raw:
        before = (
            sender.objects.using(using)
            .filter(pk=instance.pk)
            .values_list("state", flat=True)
            .first()
        )
    instance.state_before_save = before


@receiver(post_save, sender=LiveBlog, dispatch_uid="liveblog_saved")
def liveblog_saved(sender, instance, created, using=None, **kwargs):
    before = getattr(instance, "state_before_save", None)
    # A new live blog turns the article's page into one; a new state changes its
    # label (and the live blog's own pages say it).
    label_changed = created or before != instance.state
    cache.liveblog_changed(instance, label_changed=label_changed, using=using)


@receiver(post_delete, sender=LiveBlog, dispatch_uid="liveblog_deleted")
def liveblog_deleted(sender, instance, using=None, **kwargs):
    cache.liveblog_changed(instance, label_changed=True, using=using)
