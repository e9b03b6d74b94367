"""Tell open pages and the page cache when a live blog or one of its updates changed."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import cache
from .models import LiveBlog, LiveBlogUpdate, recount


@receiver(post_save, sender=LiveBlogUpdate, dispatch_uid="liveblog_update_saved")
@receiver(post_delete, sender=LiveBlogUpdate, dispatch_uid="liveblog_update_deleted")
def update_changed(sender, instance, using=None, **kwargs):
    # The counter is the poll endpoint's ETag: every change, deletes included.
    recount(instance.liveblog_id, using=using)
    cache.liveblog_changed(instance.liveblog_id, using=using)


@receiver(post_save, sender=LiveBlog, dispatch_uid="liveblog_saved")
@receiver(post_delete, sender=LiveBlog, dispatch_uid="liveblog_deleted")
def liveblog_changed(sender, instance, using=None, **kwargs):
    cache.liveblog_changed(instance.pk, using=using)
