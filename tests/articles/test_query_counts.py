"""Public pages run a fixed number of queries, however many articles there are, and
none of them counts or sorts the whole archive."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Section
from articles.pagination import ArticlePaginator
from articles.search import postgres, sqlite
from articles.views import ArticleListMixin, TaggedArticleListView
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_section,
    make_ticker_item,
)

pytestmark = pytest.mark.django_db

START = datetime(2025, 7, 10, 20, 0, tzinfo=UTC)
PAGES = [
    "/",
    "/artikel/hoofdartikel/",
    "/rubriek/rubriek-a/",
    "/tag/marokko/",
    "/tag/marokko/?page=2",
    "/auteur/vaste-auteur/",
    "/archief/",
    "/archief/2025/",
    "/archief/2025/07/",
    "/archief/2025/07/10/",
    "/zoeken/?q=artikel",
    "/feed/",
    "/feed/atom/",
    "/rubriek/rubriek-a/feed/",
    "/tag/marokko/feed/",
    "/auteur/vaste-auteur/atom/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
    "/sitemap-sections.xml",
    "/sitemap-tags.xml",
    "/sitemap-authors.xml",
    "/ticker/",
    "/laatste-nieuws/",
]


@pytest.fixture
def newsroom():
    """Build sections, authors and a main article; return a function that adds more,
    each with four tags and three bylines, some with a lead image."""
    sections = [make_section(name=f"Rubriek {letter}") for letter in "ABC"]
    regular = make_author(name="Vaste Auteur")
    photographer = make_author(name="Fotograaf")
    editor = make_author(name="Eindredacteur")
    make_article(
        title="Hoofdartikel",
        section=sections[0],
        tags=["Marokko", "Economie", "Rabat", "Handel"],
        authors=[regular, (photographer, "foto"), (editor, "redactie")],
        published_at=START,
        lead_image=make_image(),
        featured=True,
    )
    created = 1

    def grow_to(total):
        nonlocal created
        while created < total:
            make_article(
                section=sections[created % 3],
                tags=[
                    "Marokko",
                    "Economie",
                    f"onderwerp-{created}",
                    f"plaats-{created}",
                ],
                authors=[regular, (make_author(), "foto"), (editor, "redactie")],
                # All on 10 July 2025 (Amsterdam), so the day archive grows too.
                published_at=START - timedelta(minutes=10 * created),
                lead_image=make_image() if created % 4 == 0 else None,
            )
            make_ticker_item(headline=f"Tickerbericht {created}")
            created += 1

    return grow_to


def queries_for(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("url", PAGES)
def test_page_queries_do_not_grow_with_articles(
    client, newsroom, url, django_assert_num_queries
):
    newsroom(3)
    few = len(queries_for(client, url.replace("page=2", "page=1")))

    newsroom(45)
    assert Article.objects.published().count() == 45
    cache.clear()
    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Ticker, the latest ids with the lead's, sections with their newest ids
        # (also the menu), every card of the page.
        ("/", 4),
        # Ticker, article (with section, image, and its bylines and tags stored
        # with it), related (never stored here: ranked live, as a save ranks:
        # the window before and after, their tags, then the cards), menu. The
        # update log only for an article that had a public update.
        ("/artikel/hoofdartikel/", 7),
        # Section, capped count, page, ticker, menu.
        ("/rubriek/rubriek-a/", 5),
        ("/tag/marokko/", 5),
        ("/auteur/vaste-auteur/", 5),
        # Items with their bylines and tags; a feed has no ticker or menu.
        ("/feed/", 1),
    ],
)
def test_page_query_budget(client, newsroom, url, expected):
    newsroom(30)

    assert len(queries_for(client, url)) == expected


def test_article_page_with_stored_related_articles_keeps_its_budget(client, newsroom):
    newsroom(30)
    call_command("refresh_article_cache", stdout=io.StringIO(), stderr=io.StringIO())

    queries = queries_for(client, "/artikel/hoofdartikel/")

    # Four: the related articles now the stored ids that are public.
    assert len(queries) == 4
    assert not any("COUNT(" in sql.upper() for sql in queries)


@pytest.mark.parametrize("url", ["/rubriek/rubriek-a/", "/tag/marokko/", "/archief/"])
def test_lists_never_count_the_whole_archive(client, newsroom, url):
    newsroom(12)

    counts = [sql for sql in queries_for(client, url) if "COUNT(" in sql.upper()]

    assert counts
    # Counted as far as the pages a reader can reach from this one.
    assert all("LIMIT" in sql.upper() for sql in counts)


def test_search_reads_a_bounded_number_of_candidates(client, newsroom, monkeypatch):
    for backend in (postgres, sqlite):
        monkeypatch.setattr(backend, "SEARCH_CANDIDATES", 7)
    newsroom(12)

    sqls = queries_for(client, "/zoeken/?q=artikel")
    html = client.get("/zoeken/?q=artikel").content.decode()

    # The newest candidates are ranked, and counted in Python, whatever the archive.
    assert any("LIMIT 7" in sql.upper() for sql in sqls)
    assert not any(
        "COUNT(" in sql.upper() and "LIMIT" not in sql.upper() for sql in sqls
    )
    assert "7 resultaten voor" in html


def test_archive_lists_years_with_one_query_each(client, newsroom):
    newsroom(3)
    one_year = len(queries_for(client, "/archief/"))
    Article.objects.filter(title="Hoofdartikel").update(
        published_at=START - timedelta(days=800)
    )

    two_years = len(queries_for(client, "/archief/"))
    html = client.get("/archief/").content.decode()

    # One index seek per year listed, however many articles each year has.
    assert two_years == one_year + 1
    assert 'href="/archief/2023/"' in html and 'href="/archief/2025/"' in html
    assert 'href="/archief/2024/"' not in html  # a year without articles


def test_front_page_blocks_keep_four_newest_per_section(client, newsroom):
    newsroom(20)
    expired = Article.objects.filter(section__name="Rubriek B").first()
    expired.expires_at = START
    expired.save()

    context = client.get("/").context_data
    sections = dict(context["sections"])

    assert len(sections) == 3
    for section, articles in sections.items():
        newest = (
            Article.objects.published()
            .filter(section=section)
            .exclude(pk=context["lead"].pk)
            .order_by("-published_at", "-pk")[:4]
        )
        assert articles == list(newest)
    assert expired not in sections[Section.objects.get(name="Rubriek B")]


def test_paginator_counts_only_as_far_as_the_reader_can_go(newsroom):
    newsroom(30)
    articles = Article.objects.for_listing()

    near = ArticlePaginator(articles, 2, page_hint=1)
    far = ArticlePaginator(articles, 2, page_hint=14)
    everything = ArticlePaginator(articles, 2, page_hint=None)

    # Page 1: ten pages ahead are counted (22 articles), and there are more.
    assert near.count == 22 and near.truncated
    assert list(near.get_elided_page_range(1, on_each_side=2, on_ends=1)) == [
        1,
        2,
        3,
        near.ELLIPSIS,
    ]
    assert list(near.get_elided_page_range(6, on_each_side=2, on_ends=1)) == [
        1,
        near.ELLIPSIS,
        4,
        5,
        6,
        7,
        8,
        near.ELLIPSIS,
    ]
    # Near the end the count is exact and the last page is named.
    assert far.count == 30 and not far.truncated and far.num_pages == 15
    assert everything.count == 30


def test_deep_pages_and_the_end_of_a_list(client, newsroom, monkeypatch):
    monkeypatch.setattr(ArticlePaginator, "LOOK_AHEAD", 1)
    newsroom(45)  # 3 pages of 20 on the tag page

    first = client.get("/tag/marokko/")
    last = client.get("/tag/marokko/?page=3")

    assert first.context_data["paginator"].truncated
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert not last.context_data["paginator"].truncated
    assert len(last.context_data["object_list"]) == 5
    assert client.get("/tag/marokko/?page=4").status_code == 404
    assert client.get("/tag/marokko/?page=last").context_data["page_obj"].number == 3


def test_search_says_more_than_when_the_count_stops(client, newsroom, monkeypatch):
    monkeypatch.setattr(ArticlePaginator, "LOOK_AHEAD", 1)
    newsroom(45)

    html = client.get("/zoeken/", {"q": "artikel"}).content.decode()

    assert "Meer dan 40 resultaten voor <q>artikel</q>" in html


def test_tag_page_counts_only_the_public_articles_with_the_tag(client, monkeypatch):
    monkeypatch.setattr(ArticlePaginator, "LOOK_AHEAD", 1)
    monkeypatch.setattr(TaggedArticleListView, "paginate_by", 2)
    now = timezone.now()
    for _ in range(5):
        make_article(tags=["Rabat"])
    make_article(tags=["Rabat"], status=Article.Status.DRAFT)
    make_article(tags=["Rabat"], published_at=now + timedelta(hours=2))
    make_article(
        tags=["Rabat"],
        published_at=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )
    make_article(tags=["Casablanca"])

    first = client.get("/tag/rabat/")
    last = client.get("/tag/rabat/?page=last")

    # Page 1 counts two pages ahead (4 of 6 rows), and says there are more.
    assert first.context_data["paginator"].truncated
    assert last.context_data["paginator"].count == 5
    assert last.context_data["page_obj"].number == 3
    assert client.get("/tag/rabat/?page=4").status_code == 404


@pytest.mark.parametrize("url", ["/rubriek/rubriek-a/", "/archief/", "/tag/marokko/"])
def test_deep_pages_show_the_same_articles_in_the_same_order(
    client, newsroom, monkeypatch, url
):
    newsroom(45)
    monkeypatch.setattr(ArticleListMixin, "paginate_by", 4)
    shallow = [
        [a.pk for a in client.get(url, {"page": page}).context_data["object_list"]]
        for page in (2, 3, 4)
    ]

    # From the second page on, ids first (a section and the archive; not tags).
    monkeypatch.setattr(ArticlePaginator, "DEEP_OFFSET", 4)
    with CaptureQueriesContext(connection) as queries:
        deep = [
            [a.pk for a in client.get(url, {"page": page}).context_data["object_list"]]
            for page in (2, 3, 4)
        ]

    assert deep == shallow and all(deep)
    listed_ids_first = any(
        'SELECT "articles_article"."id" AS "pk" FROM' in q["sql"]
        and "OFFSET" in q["sql"]
        for q in queries.captured_queries
    )
    assert listed_ids_first == (url != "/tag/marokko/")
