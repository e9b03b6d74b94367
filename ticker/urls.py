from django.urls import path

from . import views
from .feeds import TickerFeed

app_name = "ticker"
urlpatterns = [
    path("ticker/", views.live, name="live"),
    path("ticker/breaking/", views.breaking, name="breaking"),
    path("laatste-nieuws/", views.TickerArchiveView.as_view(), name="archive"),
    path("laatste-nieuws/feed/", TickerFeed(), name="feed"),
]
