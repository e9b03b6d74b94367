"""CompiledQuery: compiled once, run with each call's own values."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Section
from newsroom.compiled import CompiledQuery
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


def page_query(slug):
    return (
        Article.objects.select_related("section", "lead_image")
        .with_credits()
        .filter(slug=slug)
    )


def test_each_call_gets_its_own_values_with_one_query_each():
    section = make_section(name="Economie")
    first = make_article(
        title="Eerste", section=section, authors=[make_author(name="Nadia")]
    )
    second = make_article(title="Tweede", lead_image=make_image(alt="Haven"))
    by_slug = CompiledQuery(page_query)

    with CaptureQueriesContext(connection) as queries:
        found = [by_slug(first.slug), by_slug(second.slug), by_slug("bestaat-niet")]

    assert len(queries) == 3
    # Compiled once: the later queries are the first one's SQL.
    assert queries[0]["sql"].replace(first.slug, "?") == queries[1]["sql"].replace(
        second.slug, "?"
    )
    [one], [two], none = found
    assert none == []
    assert (one.pk, one.title, one.section.name) == (first.pk, "Eerste", "Economie")
    assert [byline.author.name for byline in one.byline] == ["Nadia"]
    assert (two.pk, two.section, two.lead_image.alt) == (second.pk, None, "Haven")
    # What select_related() joined is on the instance: reading it is no query.
    with CaptureQueriesContext(connection) as queries:
        shown = (one.section, two.lead_image, one.byline, one.tag_list)
    assert len(queries) == 0
    assert shown[0] == section


def test_the_same_instances_as_the_queryset():
    articles = [make_article(section=make_section()) for _ in range(4)]
    ids = [article.pk for article in articles]
    cards = CompiledQuery(
        lambda *ids: Article.objects.filter(pk__in=ids).for_cards().order_by("pk")
    )

    for chosen in (ids, ids[:1], ids[2:], ids[::-1], ids[:2]):
        compiled = cards(*chosen)
        plain = list(Article.objects.filter(pk__in=chosen).for_cards().order_by("pk"))
        assert compiled == plain
        assert [a.section.name for a in compiled] == [a.section.name for a in plain]
        assert [a.get_deferred_fields() for a in compiled] == [
            a.get_deferred_fields() for a in plain
        ]


def test_no_values_for_an_in_lookup_is_no_query():
    cards = CompiledQuery(lambda *ids: Article.objects.filter(pk__in=ids))

    with CaptureQueriesContext(connection) as queries:
        assert cards() == []
    assert len(queries) == 0


@pytest.mark.parametrize(
    "build",
    [
        # The value reaches the SQL changed ("%value%") or twice.
        lambda title: Article.objects.filter(title__contains=title),
        lambda title: (
            Article.objects.filter(title=title) | Article.objects.filter(lead=title)
        ),
    ],
)
def test_a_value_that_does_not_reach_the_sql_once_as_is_is_refused(build):
    with pytest.raises(ImproperlyConfigured, match="instead of once"):
        CompiledQuery(build)("iets")


@pytest.mark.parametrize("value", [True, None, 1.5, b"slug"])
def test_only_str_and_int_values(value):
    with pytest.raises(TypeError, match="str and int"):
        CompiledQuery(lambda v: Article.objects.filter(pk=v))(value)


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_it_on_its_own_connection():
    # Compiled here, run there: a gunicorn thread, or a test server's.
    article = make_article(title="Gedeeld")
    by_slug = CompiledQuery(page_query)
    assert by_slug(article.slug) == [article]
    found, errors = [], []

    def run():
        try:
            found.extend(by_slug(article.slug))
        except Exception as error:  # reported below, with its type
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()

    assert errors == []
    assert [a.title for a in found] == ["Gedeeld"]


def test_an_integer_field_of_any_range_takes_its_values():
    # A stand-in outside a small integer field's range would make Django answer
    # "nothing" without asking the database: compiled, every call would be empty.
    second = make_section(name="Tweede", order=2)
    make_section(name="Derde", order=3)
    by_order = CompiledQuery(lambda order: Section.objects.filter(order=order))

    assert by_order(2) == [second]
    assert [s.name for s in by_order(3)] == ["Derde"]
    assert by_order(4) == []
