from django.urls import path, register_converter

from . import feeds, views
from .search.views import SearchView


class UnicodeSlugConverter:
    """Like Django's slug converter, but also letters of other scripts (Arabic)."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"
urlpatterns = [
    path("", views.FrontPageView.as_view(), name="index"),
    path("artikel/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("voorbeeld/<str:token>/", views.PreviewLinkView.as_view(), name="preview"),
    path("rubriek/<uslug:slug>/", views.SectionDetailView.as_view(), name="section"),
    path("rubriek/<uslug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("rubriek/<uslug:slug>/atom/", feeds.SectionAtomFeed(), name="section_atom"),
    path("tag/<uslug:slug>/", views.TaggedArticleListView.as_view(), name="tag"),
    path("tag/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<uslug:slug>/atom/", feeds.TagAtomFeed(), name="tag_atom"),
    path("auteur/<uslug:slug>/", views.AuthorDetailView.as_view(), name="author"),
    path("auteur/<uslug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("auteur/<uslug:slug>/atom/", feeds.AuthorAtomFeed(), name="author_atom"),
    path("zoeken/", SearchView.as_view(), name="search"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("archief/", views.ArticleArchiveView.as_view(), name="archive"),
    path(
        "archief/<int:year>/",
        views.ArticleYearArchiveView.as_view(),
        name="archive_year",
    ),
    path(
        "archief/<int:year>/<int:month>/",
        views.ArticleMonthArchiveView.as_view(),
        name="archive_month",
    ),
    path(
        "archief/<int:year>/<int:month>/<int:day>/",
        views.ArticleDayArchiveView.as_view(),
        name="archive_day",
    ),
]
