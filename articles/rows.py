"""The article page's two queries in SQL written once per process, run with raw().

Turning a queryset into SQL is most of what a simple query costs Django: for the
article page's own row (53 columns over four tables) and its related cards, about
0.45 ms of CPU each, a third of the page. Both have a fixed shape, so their SQL is
written once from the models' fields (Model._meta) and run with Model.objects.raw(),
which converts the article's columns as a queryset would.

The joined rows (section, lead image, stored bylines and tags) come back as extra
columns and become instances through Model.from_db(), each value converted by its
own field (from_db_value(), to_python()). Only fields whose value needs nothing
more are read from joined tables: not dates, which SQLite returns as text and only
the database backend converts. Such fields stay deferred, loaded on first use like
any other.
"""

import functools
from dataclasses import dataclass

from django.db import connections, models, router

from images.models import Image

from .models import CARD_DEFERRED, Article, ArticleBylinesTags, Section

# Converted by the database backend, not by the field: never read from a join.
BACKEND_CONVERTED = {
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "TimeField",
    "UUIDField",
}


@dataclass(frozen=True)
class Join:
    """A row joined to the article: the attribute that holds it, its model, and the
    columns that match (the article's, the joined table's)."""

    name: str
    model: type[models.Model]
    article_column: str
    column: str
    # An app's row that most articles lack (a live blog's): None when there is none,
    # so that asking for it costs no query.
    optional: bool = False


JOINS = {
    "section": Join("section", Section, "section_id", "id"),
    "lead_image": Join("lead_image", Image, "lead_image_id", "id"),
    "bylines_tags": Join("bylines_tags", ArticleBylinesTags, "id", "article_id"),
}


class JoinedQuery:
    """Articles with rows of other tables joined, selected by a WHERE clause with
    %s placeholders; call it with the values to get a list of articles.

    model: another model's rows instead (a live blog's updates, liveblog/views.py),
    with Join instances for joins."""

    def __init__(self, where, *, joins, deferred=(), model=Article):
        self.where = where
        self.model = model
        self.joins = [JOINS[join] if isinstance(join, str) else join for join in joins]
        self.fields = [
            field for field in model._meta.concrete_fields if field.name not in deferred
        ]

    def add_join(self, join):
        """Bring another app's row along (liveblog/apps.py): call from
        AppConfig.ready(), before the first query writes the SQL."""
        if join not in self.joins:
            self.joins.append(join)

    def joined_fields(self, join):
        return [
            field
            for field in join.model._meta.concrete_fields
            if field.get_internal_type() not in BACKEND_CONVERTED
        ]

    @functools.cache  # noqa: B019 (one per process: the queries are module constants)
    def sql(self, alias, where):
        """Return the SELECT for a database alias and a WHERE clause."""
        quote = connections[alias].ops.quote_name
        columns = [f"a.{quote(field.column)}" for field in self.fields]
        tables = [quote(self.model._meta.db_table) + " a"]
        for n, join in enumerate(self.joins):
            table = f"j{n}"
            columns += [
                f"{table}.{quote(field.column)} AS {quote(f'{join.name}__{n}_{i}')}"
                for i, field in enumerate(self.joined_fields(join))
            ]
            tables.append(
                f"LEFT OUTER JOIN {quote(join.model._meta.db_table)} {table} "
                f"ON a.{quote(join.article_column)} = {table}.{quote(join.column)}"
            )
        return f"SELECT {', '.join(columns)} FROM {' '.join(tables)} WHERE {where}"

    def __call__(self, *params, where=None):
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        sql = self.sql(alias, where or self.where)
        articles = list(self.model.objects.using(alias).raw(sql, params))
        for n, join in enumerate(self.joins):
            fields = self.joined_fields(join)
            names = [f"{join.name}__{n}_{i}" for i in range(len(fields))]
            for article in articles:
                values = [article.__dict__.pop(name) for name in names]
                if values[fields.index(join.model._meta.pk)] is None:
                    if join.optional:
                        setattr(article, join.name, None)
                    continue  # no joined row: left as it was (None or unset)
                row = join.model.from_db(
                    alias,
                    [field.attname for field in fields],
                    [
                        _convert(field, value, connection)
                        for field, value in zip(fields, values, strict=True)
                    ],
                )
                setattr(article, join.name, row)
        return articles


def _convert(field, value, connection):
    if value is None:
        return None
    if hasattr(field, "from_db_value"):
        value = field.from_db_value(value, None, connection)
    return field.to_python(value)


ARTICLE_PAGE = JoinedQuery(
    "a.slug = %s", joins=["section", "lead_image", "bylines_tags"]
)
CARDS = JoinedQuery("", joins=["section", "lead_image"], deferred=CARD_DEFERRED)
# For a caller that has the sections at hand already (the front page).
CARDS_WITHOUT_SECTION = JoinedQuery("", joins=["lead_image"], deferred=CARD_DEFERRED)


def article_page(slug):
    """Return the article with this slug, with its section, lead image and stored
    bylines and tags, or None."""
    found = ARTICLE_PAGE(slug)
    return found[0] if found else None


def cards(ids, *, section=True, ordered=False):
    """Return the articles with these ids as list cards (section and lead image), as
    Article.objects.filter(pk__in=ids).for_cards(section=...) would: newest first
    with ordered, else in no particular order (the database looks each row up by
    its key rather than walking the publication index)."""
    ids = list(ids)
    if not ids:
        return []
    where = "a.id IN (" + ", ".join(["%s"] * len(ids)) + ")"
    if ordered:
        # Article.Meta.ordering
        where += " ORDER BY a.published_at DESC, a.id DESC"
    return (CARDS if section else CARDS_WITHOUT_SECTION)(*ids, where=where)
