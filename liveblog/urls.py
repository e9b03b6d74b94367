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
    path(f"artikel/<uslug:slug>/live/{views.NEW}", views.new_updates, name="new"),
    path(f"artikel/<uslug:slug>/live/{views.FEED}", feeds.LiveBlogFeed(), name="feed"),
    path(
        f"artikel/<uslug:slug>/live/{views.ATOM}",
        feeds.LiveBlogAtomFeed(),
        name="atom",
    ),
    path("live/update/<int:pk>/", views.update_permalink, name="update"),
]
