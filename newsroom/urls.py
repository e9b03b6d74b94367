from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.static import serve

from articles.feeds import LatestArticlesFeed
from articles.sitemaps import ArticleSitemap, SectionSitemap

sitemaps = {"articles": ArticleSitemap, "sections": SectionSitemap}

admin.site.site_header = f"{settings.NEWSROOM_SITE_NAME} — redactie"
admin.site.site_title = f"{settings.NEWSROOM_SITE_NAME} redactie"
admin.site.index_title = "Redactie"

urlpatterns = [
    path("beheer/", admin.site.urls),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemaps"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemaps",
    ),
    path("", include("ticker.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
