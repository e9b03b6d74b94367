from django.contrib.sitemaps import Sitemap

from .models import Article, Section


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
        return Section.objects.all()
