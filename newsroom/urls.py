import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from articles.sitemaps import NewsSitemap, article_sitemap, sitemaps
from newsroom import views
from newsroom.cachetags import tagged

# Every sitemap lists articles, sections, tags or authors: one tag for them all.
sitemap_index = tagged("sitemap")(sitemap_views.index)
sitemap = tagged("sitemap")(sitemap_views.sitemap)

admin.site.site_header = f"{settings.NEWSROOM_SITE_NAME} — redactie"
admin.site.site_title = f"{settings.NEWSROOM_SITE_NAME} redactie"
admin.site.index_title = "Redactie"

urlpatterns = [
    # HealthCheckMiddleware answers these first; the routes give them their names.
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("feed/atom/", LatestArticlesAtomFeed(), name="feed_atom"),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemaps"},
        name="sitemap",
    ),
    # Before the generic route below: the article sitemap is written out in Python,
    # the news sitemap has its own template.
    path("sitemap-articles.xml", article_sitemap, name="sitemap_articles"),
    path(
        "sitemap-news.xml",
        sitemap,
        {
            "sitemaps": {"news": NewsSitemap},
            "template_name": "articles/sitemap_news.xml",
        },
        name="sitemap_news",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": sitemaps},
        name="sitemaps",
    ),
    path("api/v1/", include("api.urls")),
    path("", include("ticker.urls")),
    path("", include("liveblog.urls")),
    path("", include("articles.urls")),
]

if settings.MEDIA_URL.startswith("/"):
    # Uploads from MEDIA_ROOT, with safe headers (in production nginx may serve them
    # instead, see docs/deploy.md). Media on object storage has an absolute MEDIA_URL.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            views.serve_media,
            name="media",
        ),
    ]
