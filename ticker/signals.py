"""Drop the cached ticker whenever something it shows may have changed; drop the
pages that list ticker items only when readers could see the item."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .live import invalidate
from .models import TickerItem


def shown(item):
    return item is not None and item.reader_state() == TickerItem.State.LIVE


@receiver(pre_save, sender=TickerItem, dispatch_uid="ticker_item_saving")
def ticker_item_saving(sender, instance, using=None, raw=False, **kwargs):
    before = None
    if instance.pk is not None and not raw:
        before = sender.objects.using(using).filter(pk=instance.pk).first()
    instance.shown_before_save = shown(before)


@receiver(post_save, sender=TickerItem, dispatch_uid="ticker_item_saved")
def ticker_item_saved(sender, instance, using=None, **kwargs):
    before = getattr(instance, "shown_before_save", True)
    # A hidden or scheduled item changes no page; the bar rebuilds all the same,
    # and a scheduled one appears on time through the state's own next change.
    invalidate(using=using, pages=before or shown(instance))


@receiver(post_delete, sender=TickerItem, dispatch_uid="ticker_item_deleted")
def ticker_item_deleted(sender, instance, using=None, **kwargs):
    invalidate(using=using, pages=shown(instance))


# An article's slug or publication decides an item's link. Article saves are rare
# next to page views, so rebuilding (one query) beats working out whether it matters.
@receiver(post_save, sender="articles.Article", dispatch_uid="ticker_article_saved")
@receiver(post_delete, sender="articles.Article", dispatch_uid="ticker_article_deleted")
def ticker_article_changed(sender, instance, using=None, **kwargs):
    linked = TickerItem.objects.using(using).filter(article_id=instance.pk)
    invalidate(using=using, pages=linked.exists())
