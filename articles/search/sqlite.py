"""SQLite's FTS5 search (the index and its triggers: fulltext.py): every word must
match, as a prefix once a Dutch plural ending is cut off, ranked with bm25 with the
title weighing most, then the lead, then the body."""

import re

from django.db import connection
from django.db.models.expressions import RawSQL

from ..models import Article
from . import fulltext
from .query import SEARCH_CANDIDATES, Results, strip_plural

# The candidates come from the newest POOL_FACTOR * SEARCH_CANDIDATES matches by id
# (see candidates()).
POOL_FACTOR = 2
# bm25() weights of the FTS5 columns: title, lead, body.
FTS_WEIGHTS = (10.0, 4.0, 1.0)


def fts_query(query):
    """Return the FTS5 query for a CleanQuery: every word must occur (AND), each as a
    prefix of its stem, so "datacenters" finds "datacenter" and "datacenters".

    Each word is an FTS5 string ("..."): quotes, AND, OR, NEAR, *, ^, - or parentheses
    typed by a reader are never FTS5 syntax. Returns "" when no word is left.
    """
    return " AND ".join(f'"{stem}"*' for stem in _fts_stems(query))


def _fts_stems(query):
    stems = []
    for term in query.terms:
        # The tokenizer splits on what is no letter or digit ("_" too): a word of
        # underscores alone would be an empty phrase, which FTS5 refuses.
        if not any(char.isalnum() for char in term):
            continue
        stems.append(strip_plural(term).replace('"', '""'))
    return stems


# A stem the tokenizer keeps as it is: lower-case ASCII letters and digits.
_PLAIN_STEM = re.compile(r"[a-z0-9]+")


def fts_query_sql(query):
    """Return SQL (and its parameters) that gives fts_query(query), except that a
    word no other indexed word starts with is matched as that word alone ("..."
    without *), which finds the same articles, ranked the same (SQLite).

    FTS5 reads a prefix's documents whole, merged from every word it covers, before
    it returns any: 2 ms for "regering"* at 100,000 articles, twice more in bm25(),
    against 0.2 ms for the newest thousand of "regering". The index's vocabulary
    (fulltext.py) answers in one lookup: is the first indexed word after
    the stem itself one that starts with it? Only for a stem the tokenizer leaves as
    it is (plain ASCII); any other stays a prefix. Without the vocabulary, every
    word does.
    """
    stems = _fts_stems(query)
    if not fulltext.has_vocabulary(connection):
        return "%s", [" AND ".join(f'"{stem}"*' for stem in stems)]
    parts, params = [], []
    for stem in stems:
        if not _PLAIN_STEM.fullmatch(stem):
            parts.append("%s")
            params.append(f'"{stem}"*')
            continue
        # "\x01" sorts after the stem and before any longer word (no word holds
        # a control character): the first word after the stem itself.
        parts.append(
            f"%s || CASE WHEN substr((SELECT term FROM {fulltext.VOCABULARY} "
            "WHERE term >= %s LIMIT 1), 1, %s) = %s THEN '*' ELSE '' END"
        )
        params += [f'"{stem}"', f"{stem}\x01", len(stem), stem]
    return " || ' AND ' || ".join(parts), params


# The newest SEARCH_CANDIDATES published matches (SQLite): see candidates().
_CANDIDATES_SQL = """
WITH terms(expression) AS MATERIALIZED (
    SELECT {terms}
),
pool(id) AS MATERIALIZED (
    SELECT rowid FROM {table} WHERE {table} MATCH {match}
    ORDER BY rowid DESC LIMIT {pool}
),
top(id, published_at) AS MATERIALIZED (
    SELECT public.* FROM pool CROSS JOIN ({public}) AS public ON public.pk = pool.id
    ORDER BY 2 DESC, 1 DESC LIMIT {candidates}
),
below(id) AS MATERIALIZED (
    SELECT CASE WHEN count(*) = {pool} THEN min(id) END FROM pool
),
cutoff(published_at) AS MATERIALIZED (
    SELECT CASE WHEN (SELECT id FROM below) IS NULL THEN NULL
        WHEN count(*) = {candidates} THEN min(published_at)
        ELSE '0001-01-01 00:00:00' END FROM top
),
late(id, published_at) AS MATERIALIZED (
    SELECT * FROM ({public_late}) LIMIT {pool} + 1
),
late_match(id) AS MATERIALIZED (
    SELECT late.id FROM (
        SELECT id FROM late LIMIT (CASE WHEN {prefix} THEN 0 ELSE -1 END)
    ) AS late CROSS JOIN {table} ON {table}.rowid = late.id
    WHERE {table} MATCH {match}
    UNION ALL
    SELECT * FROM (
        SELECT rowid FROM {table} WHERE {table} MATCH {match}
        AND rowid >= (SELECT min(id) FROM late) AND rowid < (SELECT id FROM below)
        AND +rowid IN (SELECT id FROM late)
        LIMIT (CASE WHEN {prefix} THEN -1 ELSE 0 END)
    )
),
candidate(id, published_at) AS MATERIALIZED (
    SELECT * FROM (
        SELECT id, published_at FROM top WHERE (SELECT count(*) FROM late) <= {pool}
        UNION ALL
        SELECT id, published_at FROM late WHERE (SELECT count(*) FROM late) <= {pool}
        AND id IN (SELECT id FROM late_match)
        UNION ALL
        SELECT public.* FROM (
            SELECT rowid AS id FROM {table} WHERE {table} MATCH {match}
            LIMIT (CASE WHEN (SELECT count(*) FROM late) > {pool} THEN -1 ELSE 0 END)
        ) AS every CROSS JOIN ({public}) AS public ON public.pk = every.id
    )
    ORDER BY published_at DESC, id DESC LIMIT {candidates}
),
ranked(id, rank) AS MATERIALIZED (
    SELECT rowid, bm25({table}, {weights}) FROM {table}
    WHERE {table} MATCH {match} AND rowid >= (SELECT min(id) FROM candidate)
    AND +rowid IN (SELECT id FROM candidate)
)
SELECT 'time', id, published_at || '' FROM candidate
UNION ALL SELECT 'rank', id, rank FROM ranked
"""


def candidates(articles, query):
    """Return the ids of the newest SEARCH_CANDIDATES published matches (SQLite).

    FTS5 knows only ids; finding the newest matches by publication time by reading
    every match's row costs as much as there are matches (45 ms for two thirds of
    100,000 articles). In an archive ids grow with time (an article gets its id
    when it is written), so the pool is the newest POOL_FACTOR * SEARCH_CANDIDATES
    matches by id, which FTS5 reads from the end of its doclist, stopping there:
    its newest SEARCH_CANDIDATES published articles by time are the answer, unless
    an article outside the pool is newer. Ids are not quite time: a backdated
    article has a new id and an old date (it is in the pool or rightly too old),
    but an article written long ago and published only now (an embargo, a draft
    that waited) has an old id and a new date. So that none is missed, every
    published article since the cut-off (the SEARCH_CANDIDATES-th newest in the
    pool) with an id below the pool is read from the public index, where only its
    id is compared, and the matches among those few ids are read from FTS5 between
    the lowest of them and the pool, or, where every word is matched exactly (see
    fts_query_sql), looked up in FTS5 one by one (a prefix FTS5 would read whole
    for each). Where ids follow time there are
    none and the search costs the pool, however many articles match; the further
    ids stray from time, the more it reads, but it is never less exact. With more
    such late articles than the pool (ids that run against time, as in demo data
    written newest first) it reads every match's row instead, as before. A pool
    that holds every match (a rare word) is the answer as it is. The rows of ids
    read from FTS5 are joined after the ids (CROSS JOIN keeps that order), each
    looked up by id: given the choice, SQLite, which keeps no statistics, walks
    the index of every published article instead (9 ms at 100,000 articles).
    A query whose LIMIT is 0 never asks FTS5 at all: that is how the branches
    not needed cost nothing.

    bm25() is then computed for the candidates only, in one walk of the doclist
    from the lowest candidate: a late candidate makes that walk long (3 ms for
    "regering" at 100,000 articles), but one lookup each would cost more, as
    bm25() counts every document of each word again for each lookup. One query;
    it returns the candidates' ids, best first, which the page's queries filter
    and order on.
    """
    pool = POOL_FACTOR * SEARCH_CANDIDATES
    terms, terms_params = fts_query_sql(query)
    public, public_params = (
        articles.order_by().values_list("pk", "published_at").query.sql_with_params()
    )
    public_late, late_params = (
        articles.filter(
            published_at__gte=RawSQL("(SELECT published_at FROM cutoff)", []),
            pk__lt=RawSQL("(SELECT id FROM below)", []),
        )
        .order_by()
        .values_list("pk", "published_at")
        .query.sql_with_params()
    )
    sql = _CANDIDATES_SQL.format(
        table=fulltext.TABLE,
        terms=terms,
        match="(SELECT expression FROM terms)",
        prefix="(SELECT instr(expression, '*') FROM terms)",
        pool=int(pool),
        candidates=int(SEARCH_CANDIDATES),
        public=public,
        public_late=public_late,
        weights=", ".join(str(weight) for weight in FTS_WEIGHTS),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [*terms_params, *public_params, *late_params, *public_params]
        )
        rows = cursor.fetchall()
    # Joined here: SQLite would join the two lists without an index, row by row.
    # The times come as text (|| '': no column type to convert by), in the stored
    # format, which sorts as the times do.
    published = {pk: value for kind, pk, value in rows if kind == "time"}
    ranks = {pk: value for kind, pk, value in rows if kind == "rank"}
    # Best first (bm25: lower is better), then newest, as on PostgreSQL: sorted
    # newest first, then by rank, which keeps that order among equals.
    newest = sorted(published, key=lambda pk: (published[pk], pk), reverse=True)
    return sorted(newest, key=ranks.__getitem__)


def search(articles, query):
    if not fts_query(query):
        return articles.none()
    # As on PostgreSQL: rank the newest SEARCH_CANDIDATES matches only. The
    # candidates are published articles: filtering on that again would make SQLite
    # walk the index of all published articles instead of looking up these.
    return Results(
        candidates(articles, query),
        lambda ids: Article.objects.for_cards().defer(None).filter(pk__in=ids),
    )
