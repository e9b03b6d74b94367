from django.contrib.sitemaps import Sitemap

from .models import Article, Section


class ArticleSitemap(Sitemap):
    changefreq = "hourly"
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-pk")

    def lastmod(self, item):
        return item.updated_at


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()
