"""Drop the cached ticker whenever something it shows may have changed."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .live import invalidate
from .models import TickerItem


@receiver(post_save, sender=TickerItem, dispatch_uid="ticker_item_saved")
@receiver(post_delete, sender=TickerItem, dispatch_uid="ticker_item_deleted")
# An article's slug or publication decides an item's link. Article saves are rare
# next to page views, so rebuilding (one query) beats working out whether it matters.
@receiver(post_save, sender="articles.Article", dispatch_uid="ticker_article_saved")
@receiver(post_delete, sender="articles.Article", dispatch_uid="ticker_article_deleted")
def ticker_changed(sender, using=None, **kwargs):
    invalidate(using=using)
