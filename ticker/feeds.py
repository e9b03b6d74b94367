from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from newsroom.feedgen import XmlSafeRssFeed

from .models import TickerItem

FEED_ITEMS = 30


class TickerFeed(Feed):
    feed_type = XmlSafeRssFeed
    link = reverse_lazy("ticker:archive")
    language = "nl"

    def __call__(self, request, *args, **kwargs):
        from .views import tag_ticker_page

        tag_ticker_page(request)
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("%(site_name)s: laatste nieuws") % {
            "site_name": settings.NEWSROOM_SITE_NAME
        }

    def description(self):
        return _("De korte berichten uit de nieuwsticker, de nieuwste eerst.")

    def items(self):
        return TickerItem.objects.public().with_links()[:FEED_ITEMS]

    def item_title(self, item):
        if item.is_breaking:
            return _("Breaking: %(headline)s") % {"headline": item.headline}
        return item.headline

    def item_description(self, item):
        return item.headline

    def item_link(self, item):
        # An item without a link points at its place on the "Laatste nieuws" page.
        return item.get_link() or f"{reverse('ticker:archive')}#bericht-{item.pk}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [_("Breaking")] if item.is_breaking else []

    def item_guid(self, item):
        return f"newsroom:ticker:{item.pk}"

    item_guid_is_permalink = False
