"""PostgreSQL's own full-text search with the Dutch configuration (stemming:
"datacenters" finds "datacenter"): the title weighs most (A), then the lead (B), then
the body (C), ranked with ts_rank over the stored search_document column and its GIN
index (migration 0008_search_document)."""

import json
from datetime import timedelta

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    DateTimeField,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    TextField,
    Value,
)
from django.db.models.functions import Concat

from ..models import Article
from .query import SEARCH_CANDIDATES, Results
from .snippets import START, STOP

SEARCH_CONFIG = "dutch"


def search_vector():
    """Return the weighted document; PostgreSQL stores this very expression in the
    search_document column."""
    # The parser of PostgreSQL's full-text search skips HTML tags and entities, so the
    # body is indexed as it is stored, tags stripped by the parser itself.
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("lead", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


class SearchDocument(Expression):
    """The stored, indexed search_document column (PostgreSQL only).

    Migration 0008_search_document adds it as a generated column holding
    search_vector(), so neither matching nor ranking computes it again per row. It
    is not a model field: it exists on one vendor only, and no other query needs to
    read it.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        # The query's own alias for the articles table (U0 inside a subquery).
        alias = compiler.query.get_initial_alias()
        column = connection.ops.quote_name("search_document")
        return f"{compiler.quote_name_unless_alias(alias)}.{column}", []


def _ts_query(query):
    # websearch_to_tsquery accepts anything a reader types ("quotes", or, -minus) and
    # never raises a syntax error.
    return SearchQuery(query.text, search_type="websearch", config=SEARCH_CONFIG)


def search(articles, query):
    ts_query = _ts_query(query)
    # Ranked are the newest SEARCH_CANDIDATES matches: a common word matches most of
    # the archive, and ranking all of it would cost a hundred times more. Rare
    # words match fewer articles than that: all of them are ranked.
    matches = articles.alias(document=SearchDocument()).filter(document=ts_query)
    newest_first = F("published_at")
    if index_first(articles, matches):
        # An order no index gives makes the planner use the search index.
        newest_first = ExpressionWrapper(
            F("published_at") + Value(timedelta(0)), output_field=DateTimeField()
        )
    newest = matches.order_by(newest_first.desc(), "-pk").values("pk")[
        :SEARCH_CANDIDATES
    ]
    ranked = list(
        Article.objects.filter(pk__in=newest)
        .annotate(rank=SearchRank(SearchDocument(), ts_query))
        .order_by("-rank", "-published_at", "-pk")
        .values_list("pk", flat=True)
    )

    def rows(ids):
        # The snippet is PostgreSQL's headline, made for these articles only: it
        # costs as much as reading the whole text.
        return (
            Article.objects.for_cards()
            .filter(pk__in=ids)
            .annotate(headline=_headline(ts_query))
            .order_by()
        )

    return Results(ranked, rows)


def _headline(ts_query):
    """Return PostgreSQL's passage around the query's words, for snippet(): the
    lead and the body's text, the matches between START and STOP."""
    plain_body = Func(
        F("body"),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return SearchHeadline(
        Concat("lead", Value(" "), plain_body, output_field=TextField()),
        ts_query,
        config=SEARCH_CONFIG,
        start_sel=START,
        stop_sel=STOP,
        max_words=40,
        min_words=20,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def index_first(articles, matches):
    """Return whether the newest matches are found faster from the search index
    than by walking the publication index (PostgreSQL).

    Left alone, PostgreSQL walks the publication index from the newest article and
    tests each one's document until SEARCH_CANDIDATES match, reading about
    SEARCH_CANDIDATES * published / matches documents: cheap for a common word, but
    for one in a few percent of the archive tens of thousands (60 ms at 100,000
    articles for "filmmaker", against 9 ms for sorting what the search index finds).
    The planner prices each test as nearly free. Sorting the index's matches reads
    each match once, at about three quarters of a test's cost (measured): it wins
    while matches² < 4/3 * SEARCH_CANDIDATES * published. Both counts are the
    planner's estimates: planned, not run.
    """
    found = _estimated_rows(matches)
    return found * found * 3 < 4 * SEARCH_CANDIDATES * _estimated_rows(articles)


def _estimated_rows(queryset):
    """Return how many rows PostgreSQL's planner expects queryset to find: planned,
    not run."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # psycopg returns the JSON parsed or as text
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]
