"""RSS 2.0 and Atom feeds of one live blog's updates, newest first."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles.html import sanitize_html

from . import cache
from .views import published_liveblog

FEED_ITEMS = 50


class LiveBlogFeed(Feed):
    language = "nl"

    def get_object(self, request, slug):
        liveblog = published_liveblog(slug)
        cache.tag_page(request, liveblog)
        return liveblog

    def title(self, obj):
        return _("%(title)s: live updates") % {"title": obj.article.title}

    def link(self, obj):
        return obj.article.get_absolute_url()

    def description(self, obj):
        return obj.article.lead or obj.article.title

    def author_name(self, obj):
        return settings.NEWSROOM_SITE_NAME

    def items(self, obj):
        return (
            obj.updates.visible()
            .select_related("author")
            .order_by("-published_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        text = sanitize_html(item.body)
        if item.quote:
            text += f"<blockquote><p>{escape(item.quote)}</p></blockquote>"
        return text

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.edited_at or item.published_at

    def item_author_name(self, item):
        return item.author.name if item.author else None

    def item_guid(self, item):
        return f"newsroom:liveblog-update:{item.pk}"

    item_guid_is_permalink = False


class LiveBlogAtomFeed(LiveBlogFeed):
    feed_type = Atom1Feed
    subtitle = LiveBlogFeed.description
