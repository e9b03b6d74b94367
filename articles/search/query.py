"""A reader's query, cleaned, and the results of searching for it, whatever the
database."""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
SEARCH_CANDIDATES = 500
_WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")


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
    text = SPACE.sub(" ", text).strip()
    if len(text) <= MAX_QUERY_LENGTH:
        return CleanQuery(text)
    cut = text[: MAX_QUERY_LENGTH + 1].rsplit(" ", 1)[0]
    if len(cut) > MAX_QUERY_LENGTH or len(cut) < MAX_QUERY_LENGTH // 2:
        cut = text[:MAX_QUERY_LENGTH]
    return CleanQuery(cut.strip(), truncated=True)


def strip_plural(term):
    """Cut a Dutch plural ending, so that "datacenters" also finds "datacenter"."""
    if len(term) > 5 and term.endswith("en"):
        return term[:-2]
    if len(term) > 4 and term.endswith("s"):
        return term[:-1]
    return term


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


def fallback_search(articles, query):
    stems = [strip_plural(term) for term in query.terms]
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
