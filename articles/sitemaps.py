from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from .models import Article, Author, Section

# Google News takes the articles of the last two days, at most a thousand.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    changefreq = "hourly"
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "public_updated_at")
            .order_by("-pk")
        )

    def lastmod(self, item):
        # Only a significant update or correction counts; typo fixes do not.
        return item.modified_at


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.annotate(
            newest=Max(
                "articles__published_at",
                filter=Q(articles__in=Article.objects.published()),
            )
        ).order_by("order", "name")

    def lastmod(self, item):
        return item.newest


class TagSitemap(Sitemap):
    """Tags that have published articles: an empty tag page is not worth a visit."""

    changefreq = "daily"
    limit = 5000

    def items(self):
        public = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=Article.objects.published().values("pk"),
        )
        return Tag.objects.filter(pk__in=public.values("tag_id")).order_by("name")

    def location(self, item):
        return reverse("articles:tag", kwargs={"slug": item.slug})


class AuthorSitemap(Sitemap):
    """Authors with published articles."""

    changefreq = "daily"

    def items(self):
        return (
            Author.objects.annotate(
                newest=Max(
                    "bylines__article__published_at",
                    filter=Q(bylines__article__in=Article.objects.published()),
                )
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
