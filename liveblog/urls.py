from django.urls import path

import articles.urls  # noqa: F401  (registers the uslug converter)

from . import feeds, views

app_name = "liveblog"
urlpatterns = [
    path("artikel/<uslug:slug>/live/", views.poll, name="poll"),
    path(
        "artikel/<uslug:slug>/live/<int:page>/",
        views.LiveBlogPageView.as_view(),
        name="page",
    ),
    path("artikel/<uslug:slug>/live/nieuw/", views.new_updates, name="new"),
    path("artikel/<uslug:slug>/live/feed/", feeds.LiveBlogFeed(), name="feed"),
    path("artikel/<uslug:slug>/live/atom/", feeds.LiveBlogAtomFeed(), name="atom"),
    path("live/update/<int:pk>/", views.update_permalink, name="update"),
]
