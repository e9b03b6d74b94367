"""RSS 2.0 and Atom feeds: the whole site, and per section, tag and author."""

import copy
import io

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Enclosure
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from taggit.models import Tag

from newsroom.feedgen import XmlSafeAtomFeed, XmlSafeRssFeed
from newsroom.text import xml_safe

from . import pagetags
from .models import Article, Author, Section
from .templatetags.article_tags import share_image

FEED_ITEMS = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"


class BufferedWriteMixin:
    """Write the whole document into memory, then into the response at once.

    The XML generator writes every tag, attribute and text node on its own: some
    1,500 writes for thirty items, each through an encoding wrapper into the
    HttpResponse, about a sixth of the feed's time.
    """

    def write(self, outfile, encoding):
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())


class MediaRssFeed(BufferedWriteMixin, XmlSafeRssFeed):
    """RSS 2.0 with Media RSS: readers show the lead image with its alt text."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        image = item.get("image")
        if image:
            attributes = {
                "url": image.url,
                "type": image.content_type,
                "medium": "image",
                "width": str(image.width),
                "height": str(image.height),
            }
            handler.startElement("media:content", attributes)
            if image.alt:
                handler.addQuickElement(
                    "media:description", xml_safe(image.alt), {"type": "plain"}
                )
            if image.credit:
                handler.addQuickElement("media:credit", xml_safe(image.credit))
            handler.endElement("media:content")


class LatestArticlesFeed(Feed):
    """The newest published articles of the whole site, as RSS 2.0."""

    feed_type = MediaRssFeed
    language = "nl"

    def title(self, obj=None):
        return settings.NEWSROOM_SITE_NAME

    def link(self, obj=None):
        return reverse("articles:index")

    def description(self, obj=None):
        return settings.NEWSROOM_SITE_TAGLINE

    def author_name(self, obj=None):
        # Atom wants an author for every entry; entries without a byline take this.
        return settings.NEWSROOM_SITE_NAME

    def __call__(self, request, *args, **kwargs):
        # One instance in the URLconf serves every request, and the item methods need
        # this one's host for absolute URLs: each request gets its own copy.
        feed = copy.copy(self)
        feed.request = request
        pagetags.add_tags(request, "feed")
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_queryset(self, obj):
        return Article.objects.for_listing().with_bylines_tags()

    def items(self, obj=None):
        items = list(self.get_queryset(obj)[:FEED_ITEMS])
        pagetags.tag_cards(self.request, items)
        return items

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
        names = [byline.author.name for byline in item.byline]
        # "A, B en C", as the article page's byline has it.
        return get_text_list(names, _("en")) if names else None

    def item_author_link(self, item):
        bylines = item.byline
        if len(bylines) == 1:
            return self.request.build_absolute_uri(bylines[0].author.get_absolute_url())
        return None

    def item_categories(self, item):
        categories = [tag.name for tag in item.tag_list]
        if item.section:
            categories.insert(0, item.section.name)
        return categories

    def item_guid(self, item):
        # The id stays the same when the title or slug is edited later.
        return f"newsroom:article:{item.pk}"

    item_guid_is_permalink = False

    def item_enclosures(self, item):
        image = self.lead_image(item)
        if image is None:
            return []
        return [Enclosure(image.url, str(image.length), image.content_type)]

    def item_extra_kwargs(self, item):
        return {"image": self.lead_image(item)}

    def lead_image(self, item):
        if not hasattr(item, "_feed_image"):
            item._feed_image = share_image(self.request, item)
        return item._feed_image


class BufferedAtomFeed(BufferedWriteMixin, XmlSafeAtomFeed):
    pass


class AtomMixin:
    feed_type = BufferedAtomFeed

    def subtitle(self, obj=None):
        return self.description(obj)


class LatestArticlesAtomFeed(AtomMixin, LatestArticlesFeed):
    """The newest published articles of the whole site, as Atom."""


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{obj.name} — {settings.NEWSROOM_SITE_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.description or _("Het nieuwste uit de rubriek %(section)s.") % {
            "section": obj.name
        }

    def get_queryset(self, obj):
        return super().get_queryset(obj).filter(section=obj)


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        # Like the tag page: a tag without public articles does not exist for readers.
        public = Article.objects.published().filter(tags=OuterRef("pk"))
        return get_object_or_404(Tag.objects.filter(Exists(public)), slug=slug)

    def title(self, obj):
        return f"{obj.name} — {settings.NEWSROOM_SITE_NAME}"

    def link(self, obj):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def description(self, obj):
        return _("Artikelen over %(tag)s.") % {"tag": obj.name}

    def get_queryset(self, obj):
        return super().get_queryset(obj).filter(tags=obj)


class TagAtomFeed(AtomMixin, TagFeed):
    pass


class AuthorFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj):
        return f"{obj.name} — {settings.NEWSROOM_SITE_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return _("Artikelen van %(author)s.") % {"author": obj.name}

    def get_queryset(self, obj):
        return super().get_queryset(obj).filter(bylines__author=obj)


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass
