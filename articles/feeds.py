from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Rss201rev2Feed

from .models import Article

FEED_ITEMS = 30


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed
    link = reverse_lazy("articles:index")
    language = "nl"

    def title(self):
        return settings.NEWSROOM_SITE_NAME

    def description(self):
        return settings.NEWSROOM_SITE_TAGLINE

    def items(self):
        return Article.objects.for_listing()[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # Only significant updates count; a fixed typo does not make an item new.
        return item.modified_at

    def item_author_name(self, item):
        return ", ".join(byline.author.name for byline in item.bylines.all()) or None

    def item_categories(self, item):
        categories = [tag.name for tag in item.tags.all()]
        if item.section:
            categories.insert(0, item.section.name)
        return categories

    def item_guid(self, item):
        # The id stays the same when the title or slug is edited later.
        return f"newsroom:article:{item.pk}"

    item_guid_is_permalink = False
