"""Public pages run a fixed number of queries, however many articles there are."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

START = datetime(2025, 7, 10, 20, 0, tzinfo=UTC)
PAGES = [
    "/",
    "/artikel/hoofdartikel/",
    "/rubriek/rubriek-a/",
    "/tag/marokko/",
    "/auteur/vaste-auteur/",
    "/archief/",
    "/archief/2025/",
    "/archief/2025/07/",
    "/archief/2025/07/10/",
    "/feed/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
]


@pytest.fixture
def newsroom():
    """Build sections, authors and a main article; return a function that adds more."""
    sections = [make_section(name=f"Rubriek {letter}") for letter in "ABC"]
    regular = make_author(name="Vaste Auteur")
    photographer = make_author(name="Fotograaf")
    make_article(
        title="Hoofdartikel",
        section=sections[0],
        tags=["Marokko", "Economie"],
        authors=[regular, (photographer, "foto")],
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
                tags=["Marokko", f"onderwerp-{created}"],
                authors=[regular, (make_author(), "foto")],
                # All on 10 July 2025 (Amsterdam), so the day archive grows too.
                published_at=START - timedelta(minutes=10 * created),
                lead_image=make_image() if created % 4 == 0 else None,
            )
            created += 1

    return grow_to


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_page_queries_do_not_grow_with_articles(
    client, newsroom, url, django_assert_num_queries
):
    newsroom(3)
    few = count_queries(client, url)

    newsroom(25)
    assert Article.objects.published().count() == 25
    cache.clear()
    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200


def test_front_page_query_budget(client, newsroom, django_assert_max_num_queries):
    newsroom(25)
    cache.clear()
    # Sections for the menu, lead, latest, section blocks, each with bylines and tags
    # prefetched; a little room for the ticker and the session.
    with django_assert_max_num_queries(12):
        client.get("/")
