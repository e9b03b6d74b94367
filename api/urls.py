from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from newsroom.cachetags import tagged

from . import errors, liveblogs, reference, views

app_name = "api"
urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path(
        "articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail"
    ),
    path("sections/", views.SectionListView.as_view(), name="section-list"),
    path("tags/", views.TagListView.as_view(), name="tag-list"),
    path("authors/", views.AuthorListView.as_view(), name="author-list"),
    path("ticker/", views.TickerView.as_view(), name="ticker"),
    path("liveblogs/", liveblogs.LiveBlogListView.as_view(), name="liveblog-list"),
    path(
        "liveblogs/<int:pk>/updates/",
        liveblogs.LiveBlogUpdateListView.as_view(),
        name="liveblog-updates",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Only a deploy changes it (the page cache starts afresh with each release).
    path("reference/", tagged("api")(reference.reference), name="reference"),
    re_path(r"^.*$", errors.not_found),
]
