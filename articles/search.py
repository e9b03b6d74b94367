"""Full-text search over published articles.

On PostgreSQL this is its own full-text search with the Dutch configuration (stemming:
"datacenters" finds "datacenter"): the title weighs most (A), then the lead (B), then
the body (C), ranked with ts_rank over the stored search_document column and its GIN
index (migration 0008_search_document). On SQLite it is FTS5 (the index and its
triggers: articles/fulltext.py): every word must match, as a prefix once a Dutch
plural ending is cut off, ranked with bm25 with the title weighing most, then the lead,
then the body. Only an SQLite built without FTS5 falls back to a substring match over
the same fields.
"""

import html
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
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
    Case,
    DateTimeField,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from . import fulltext
from .models import Article

SEARCH_CONFIG = "dutch"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
SNIPPET_CHARS = 240
SEARCH_CANDIDATES = 500
# SQLite: the candidates come from the newest POOL_FACTOR * SEARCH_CANDIDATES matches
# by id (see _sqlite_candidates).
POOL_FACTOR = 2
# bm25() weights of the FTS5 columns on SQLite: title, lead, body.
FTS_WEIGHTS = (10.0, 4.0, 1.0)

# Private-use characters mark the matches in PostgreSQL's headline; the text is then
# escaped as a whole and only these become <mark>, so nothing else can turn into HTML.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
_WORD = re.compile(r"\w+")
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|hr|h[1-6]|li|ul|ol|blockquote|figure|figcaption|table|caption|"
    r"thead|tbody|tr|th|td)\b[^>]*>",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CleanQuery:
    text: str
    truncated: bool = False

    def __bool__(self):
        return bool(self.text)

    @property
    def terms(self):
        """Return the distinct words of the query, at most MAX_TERMS of them."""
        terms = []
        for word in _WORD.findall(self.text.lower()):
            if len(word) > 1 and word not in terms:
                terms.append(word)
        return terms[:MAX_TERMS]


def clean_query(raw):
    """Return the query a reader typed, safe to search for and to show again.

    Control characters go (PostgreSQL refuses NUL outright), runs of white space become
    one space, and a query longer than MAX_QUERY_LENGTH is cut at a word boundary.
    """
    text = "".join(
        " " if unicodedata.category(char).startswith(("C", "Z")) else char
        for char in str(raw or "")
    )
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= MAX_QUERY_LENGTH:
        return CleanQuery(text)
    cut = text[: MAX_QUERY_LENGTH + 1].rsplit(" ", 1)[0]
    if len(cut) > MAX_QUERY_LENGTH or len(cut) < MAX_QUERY_LENGTH // 2:
        cut = text[:MAX_QUERY_LENGTH]
    return CleanQuery(cut.strip(), truncated=True)


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
        return _postgres_search(articles, query)
    if connection.vendor == "sqlite" and fulltext.is_ready(connection):
        return _sqlite_search(articles, query)
    # An SQLite without FTS5 (migration 0009 then made no index), or another
    # database: substring matching, slow on a large archive but correct.
    return _fallback_search(articles, query)


class Results(Sequence):
    """Search results: the matching articles' ids, best first, and the rows of
    a slice of them read when asked for, in that order (for the paginator)."""

    def __init__(self, ids, rows):
        """rows(ids) returns the articles with those ids, in any order."""
        self.ids = ids
        self.rows = rows

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self.ids[index]
        if not ids:
            return []
        # An article taken offline or deleted between the two queries is left out
        # (the public rule tested on each row, as the article page does).
        found = {
            article.pk: article for article in self.rows(ids) if article.is_published()
        }
        return [found[pk] for pk in ids if pk in found]


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


def _postgres_search(articles, query):
    ts_query = _ts_query(query)
    # Ranked are the newest SEARCH_CANDIDATES matches: a common word matches most of
    # the archive, and ranking all of it would cost a hundred times more. Rare
    # words match fewer articles than that: all of them are ranked.
    matches = articles.alias(document=SearchDocument()).filter(document=ts_query)
    newest_first = F("published_at")
    if _index_first(articles, matches):
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
    lead and the body's text, the matches between _START and _STOP."""
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
        start_sel=_START,
        stop_sel=_STOP,
        max_words=40,
        min_words=20,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def _index_first(articles, matches):
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


def _stem(term):
    """Cut a Dutch plural ending, so that "datacenters" also finds "datacenter"."""
    if len(term) > 5 and term.endswith("en"):
        return term[:-2]
    if len(term) > 4 and term.endswith("s"):
        return term[:-1]
    return term


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
        stems.append(_stem(term).replace('"', '""'))
    return stems


# A stem the tokenizer keeps as it is: lower-case ASCII letters and digits.
_PLAIN_STEM = re.compile(r"[a-z0-9]+")


def _fts_query_sql(query):
    """Return SQL (and its parameters) that gives fts_query(query), except that a
    word no other indexed word starts with is matched as that word alone ("..."
    without *), which finds the same articles, ranked the same (SQLite).

    FTS5 reads a prefix's documents whole, merged from every word it covers, before
    it returns any: 2 ms for "regering"* at 100,000 articles, twice more in bm25(),
    against 0.2 ms for the newest thousand of "regering". The index's vocabulary
    (articles/fulltext.py) answers in one lookup: is the first indexed word after
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


# The newest SEARCH_CANDIDATES published matches (SQLite): see _sqlite_candidates().
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


def _sqlite_candidates(articles, query):
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
    _fts_query_sql), looked up in FTS5 one by one (a prefix FTS5 would read whole
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
    terms, terms_params = _fts_query_sql(query)
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


def _sqlite_search(articles, query):
    if not fts_query(query):
        return articles.none()
    # As on PostgreSQL: rank the newest SEARCH_CANDIDATES matches only. The
    # candidates are published articles: filtering on that again would make SQLite
    # walk the index of all published articles instead of looking up these.
    return Results(
        _sqlite_candidates(articles, query),
        lambda ids: Article.objects.for_cards().defer(None).filter(pk__in=ids),
    )


def _fallback_search(articles, query):
    stems = [_stem(term) for term in query.terms]
    if not stems:
        return articles.none()
    matches = Q()
    score = Value(0)
    for stem in stems:
        in_title = Q(title__icontains=stem)
        in_lead = Q(lead__icontains=stem)
        in_body = Q(body__icontains=stem)
        matches &= in_title | in_lead | in_body
        score += (
            Case(When(in_title, then=4), default=0, output_field=IntegerField())
            + Case(When(in_lead, then=2), default=0, output_field=IntegerField())
            + Case(When(in_body, then=1), default=0, output_field=IntegerField())
        )
    return (
        articles.filter(matches)
        .annotate(rank=score)
        .order_by("-rank", "-published_at", "-pk")
    )


class _FoldTable(dict):
    """str.translate() table that drops a letter's diacritics: "ë" becomes "e"."""

    def __missing__(self, code):
        char = chr(code)
        base, *marks = unicodedata.normalize("NFD", char)
        folded = base if marks and all(map(unicodedata.combining, marks)) else char
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def _fold(text):
    """Return text without diacritics, as the FTS5 tokenizer folds it, one character
    for one: a match's position in it is its position in text."""
    return text.translate(_FOLD)


def _term_pattern(query):
    stems = sorted({_fold(_stem(term)) for term in query.terms}, key=len, reverse=True)
    if not stems:
        return None
    # A word that starts with a term counts: "datacenter" marks "datacenters" too.
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE
    )


def _mark(text, pattern):
    """Return text escaped, with the matches of pattern in <mark>."""
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(_fold(text)):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def highlight_title(article, query):
    """Return the title, escaped, with the words of the query in <mark>."""
    return mark_safe(_mark(article.title, _term_pattern(query)))


def snippet(article, query):
    """Return a short passage of the article around the query's words, escaped, with
    those words in <mark>."""
    headline = getattr(article, "headline", None)
    # PostgreSQL's headline, also when empty (no lead or body): the page's rows
    # are read without their body then.
    if headline is not None:
        return mark_safe(_from_headline(headline))
    return mark_safe(_python_snippet(article, query))


def _from_headline(headline):
    text = _SPACE.sub(" ", html.unescape(headline)).strip()
    parts, last = [], 0
    for match in _MARKED.finditer(text):
        parts.append(escape(_unmarked(text[last : match.start()])))
        parts.append(f"<mark>{escape(_unmarked(match.group(1)))}</mark>")
        last = match.end()
    parts.append(escape(_unmarked(text[last:])))
    return "".join(parts)


def _unmarked(text):
    return text.replace(_START, "").replace(_STOP, "")


def _python_snippet(article, query):
    # The lead is plain text; only the body is HTML, whose paragraphs, headings,
    # list items and line breaks end in a space, not glued to the next.
    body = html.unescape(strip_tags(_BLOCK_TAG.sub(" ", article.body)))
    text = _SPACE.sub(" ", f"{article.lead} {body}").strip()
    pattern = _term_pattern(query)
    first = pattern.search(_fold(text)) if pattern else None
    start = 0
    if first and first.start() > SNIPPET_CHARS // 3:
        start = text.rfind(" ", 0, first.start() - SNIPPET_CHARS // 4) + 1
    end = start + SNIPPET_CHARS
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    passage = text[start:end].strip()
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return f"{escape(prefix)}{_mark(passage, pattern)}{escape(suffix)}"
