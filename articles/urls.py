from django.urls import path, register_converter

from . import views


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
    path("tag/<uslug:slug>/", views.TaggedArticleListView.as_view(), name="tag"),
    path("auteur/<uslug:slug>/", views.AuthorDetailView.as_view(), name="author"),
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
