"""Full-text search over published articles.

On PostgreSQL this is its own full-text search with the Dutch configuration (stemming:
"datacenters" finds "datacenter"): the title weighs most (A), then the lead (B), then
the body (C), ranked with ts_rank over the stored search_document column and its GIN
index (migration 0008_search_document). On SQLite it is FTS5 (the index and its
triggers: fulltext.py): every word must match, as a prefix once a Dutch
plural ending is cut off, ranked with bm25 with the title weighing most, then the lead,
then the body. Only an SQLite built without FTS5 falls back to a substring match over
the same fields.
"""

from django.db import connection

from ..models import Article
from . import fulltext, postgres, sqlite
from .query import MAX_QUERY_LENGTH, CleanQuery, clean_query, fallback_search
from .snippets import highlight_title, snippet

__all__ = [
    "MAX_QUERY_LENGTH",
    "CleanQuery",
    "clean_query",
    "highlight_title",
    "search_articles",
    "snippet",
]


def search_articles(query):
    """Return the published articles matching query (a CleanQuery), best first.

    With PostgreSQL or SQLite's FTS5, a Results sequence: the ranked ids of the
    newest SEARCH_CANDIDATES matches, read in one query, whose rows are read a page
    at a time (a slice is one query). Counting them costs nothing, and neither the
    count nor the page runs the search again. Elsewhere a queryset.
    """
    # With the body, which for_listing() leaves out: snippets are made from it.
    articles = Article.objects.for_listing().defer(None)
    if not query:
        return articles.none()
    if connection.vendor == "postgresql":
        return postgres.search(articles, query)
    if connection.vendor == "sqlite" and fulltext.is_ready(connection):
        return sqlite.search(articles, query)
    # An SQLite without FTS5 (migration 0009 then made no index), or another
    # database: substring matching, slow on a large archive but correct.
    return fallback_search(articles, query)
