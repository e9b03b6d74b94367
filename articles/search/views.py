"""The search page: /zoeken/?q=..., best matches first."""

from django.utils.http import urlencode
from django.views import generic

from ..views import ArticleListMixin
from . import search_articles
from .query import MAX_QUERY_LENGTH, clean_query
from .snippets import highlight_title, snippet


class SearchView(ArticleListMixin, generic.ListView):
    """Search published articles: /zoeken/?q=..., best matches first."""

    template_name = "articles/search.html"
    # Every query is a page of its own and would crowd out the pages everyone
    # reads: the page cache keeps none (newsroom/pagecache.py).
    page_cache_query = False

    def get(self, request, *args, **kwargs):
        self.query = clean_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return search_articles(self.query)

    def paginate_queryset(self, queryset, page_size):
        # A page number past the end or not a number shows the nearest page, not a
        # 404: the number often comes from an old link after the results changed.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for article in context["object_list"]:
            article.search_title = highlight_title(article, self.query)
            article.search_snippet = snippet(article, self.query)
        context.update(
            query=self.query,
            max_query_length=MAX_QUERY_LENGTH,
            page_query=urlencode({"q": self.query.text}) + "&",
        )
        return context
