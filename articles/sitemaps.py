from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .models import Article, Author, Section

# Google News takes the articles of the last two days, at most a thousand.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    changefreq = "hourly"
    limit = 5000

    def items(self):
        # Newest first, in the order of the publication index: sorting the archive
        # by id would read all of it for every page of the sitemap.
        return (
            Article.objects.published()
            .only("slug", "published_at", "public_updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        # Only a significant update or correction counts; typo fixes do not.
        return item.modified_at

    def get_latest_lastmod(self):
        # Django's default asks every item for its lastmod: the whole archive, on
        # every request for sitemap.xml. Two index seeks give the same answer: the
        # newest publication, and the newest update of a public article (among the
        # last few updated, in the order of their own index).
        newest = (
            Article.objects.published()
            .order_by("-published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        updated = (
            Article.objects.filter(
                status=Article.Status.PUBLISHED, public_updated_at__isnull=False
            )
            .order_by("-public_updated_at")
            .only("status", "published_at", "expires_at", "public_updated_at")
        )
        latest_update = next(
            (a.public_updated_at for a in updated[:20] if a.is_published()), None
        )
        return max(filter(None, [newest, latest_update]), default=None)


def newest_published(**lookups):
    """Return a subquery: the publication time of the newest public article matching
    lookups (with OuterRef), found by an index seek rather than a MAX over all."""
    return Subquery(
        Article.objects.filter(**lookups)
        .published()
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.annotate(
            newest=newest_published(section=OuterRef("pk"))
        ).order_by("order", "name")

    def lastmod(self, item):
        return item.newest


class TagSitemap(Sitemap):
    """Tags that have published articles: an empty tag page is not worth a visit."""

    changefreq = "daily"
    limit = 5000

    def items(self):
        # Per tag: is there one public article? Stops at the first; a semi-join over
        # every tag link of every article would not.
        public = Article.objects.filter(tags=OuterRef("pk")).published()
        return Tag.objects.filter(Exists(public)).order_by("name")

    def location(self, item):
        return reverse("articles:tag", kwargs={"slug": item.slug})


class AuthorSitemap(Sitemap):
    """Authors with published articles."""

    changefreq = "daily"

    def items(self):
        return (
            Author.objects.annotate(
                newest=newest_published(bylines__author=OuterRef("pk"))
            )
            .filter(newest__isnull=False)
            .order_by("name")
        )

    def lastmod(self, item):
        return item.newest


class NewsSitemap(Sitemap):
    """The published articles of the last 48 hours, for Google News.

    Rendered with articles/sitemap_news.xml, which adds the news: elements.
    """

    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("slug", "title", "published_at", "public_updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return item.modified_at


sitemaps = {
    "articles": ArticleSitemap,
    "news": NewsSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
