"""Precise invalidation: a change drops only the pages that show what changed, nothing
readers cannot see drops anything, time works on a warm cache, the ticker is joined
to pages rather than dropping them, and a dropped page is rendered once however many
readers ask at the same moment.
"""

import threading
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles import views as article_views
from articles.models import Article, PreviewLink
from newsroom import pagecache
from tests.factories import (
    make_article,
    make_author,
    make_section,
    make_ticker_item,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2025, 7, 10, 14, 0, tzinfo=AMSTERDAM)


def state(response):
    return response.headers.get("X-Page-Cache")


@pytest.fixture
def site():
    """Two unrelated published articles, A and B, in sections, tags and bylines of
    their own, and the pages that show them."""
    economy, sport = make_section(name="Economie"), make_section(name="Sport")
    samira, youssef = make_author(name="Samira"), make_author(name="Youssef")
    a = make_article(
        title="Haven groeit", section=economy, tags=["Haven"], authors=[samira]
    )
    b = make_article(
        title="Raja wint", section=sport, tags=["Voetbal"], authors=[youssef]
    )
    return {
        "a": a,
        "b": b,
        "a_pages": [
            a.get_absolute_url(),
            "/",
            "/rubriek/economie/",
            "/tag/haven/",
            "/auteur/samira/",
            "/feed/",
            "/feed/atom/",
            "/rubriek/economie/feed/",
            "/sitemap.xml",
            "/sitemap-articles.xml",
            "/sitemap-news.xml",
            timezone_archive_day(a),
        ],
        "b_pages": [
            b.get_absolute_url(),
            "/rubriek/sport/",
            "/tag/voetbal/",
            "/auteur/youssef/",
        ],
    }


def timezone_archive_day(article):
    day = article.published_at.astimezone(AMSTERDAM)
    return f"/archief/{day:%Y}/{day.month}/{day.day}/"


def warm_all(client, urls):
    for url in urls:
        client.get(url)
        assert state(client.get(url)) == "hit", url


def assert_warm(client, urls):
    for url in urls:
        assert state(client.get(url)) == "hit", url


# Nothing readers cannot see drops anything.


def test_a_draft_save_drops_no_page(client, site):
    pages = site["a_pages"] + site["b_pages"]
    warm_all(client, pages)

    draft = make_article(title="Nog geheim", status=Article.Status.DRAFT)
    draft.lead = "Nog steeds geheim."
    draft.save()

    assert_warm(client, pages)


def test_a_review_save_drops_no_page(client, site):
    pages = site["a_pages"] + site["b_pages"]
    warm_all(client, pages)

    review = make_article(
        title="Ter beoordeling", status=Article.Status.REVIEW, section=site["a"].section
    )
    review.tags.add("Haven")
    review.title = "Nog ter beoordeling"
    review.save()

    assert_warm(client, pages)


def test_a_preview_link_drops_no_page(client, site):
    pages = site["a_pages"] + site["b_pages"]
    warm_all(client, pages)
    draft = make_article(title="Voorproefje", status=Article.Status.DRAFT)

    link = PreviewLink.objects.create(article=draft)
    assert client.get(f"/voorbeeld/{link.token}/").status_code == 200

    assert_warm(client, pages)


def test_hidden_and_scheduled_ticker_items_drop_no_page(client, site):
    pages = [*site["a_pages"], *site["b_pages"], "/laatste-nieuws/"]
    warm_all(client, pages)

    make_ticker_item(headline="Verborgen", is_visible=False)
    make_ticker_item(headline="Straks", published_at=timezone.now() + timedelta(days=9))

    assert_warm(client, [url for url in pages if url != "/"])


def test_a_visible_ticker_item_reaches_warm_pages_without_a_render(client, site):
    pages = site["a_pages"][:5] + site["b_pages"]
    warm_all(client, pages)

    make_ticker_item(headline="Storm op zee")

    for url in pages:
        response = client.get(url)
        assert state(response) == "hit", url
        assert "Storm op zee" in response.text, url
    # The list of ticker items is a page of its own, and shows it at once.
    assert "Storm op zee" in client.get("/laatste-nieuws/").text


def test_a_joined_ticker_changes_the_etag_of_a_warm_page(client, site):
    first = client.get("/")
    make_ticker_item(headline="Nieuw bericht")

    again = client.get("/", headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert state(again) == "hit"
    assert "Nieuw bericht" in again.text
    assert again["ETag"] != first["ETag"]


# A change drops the pages of what changed, and only those.


def test_publishing_an_article_drops_its_pages_and_not_the_others(client, site):
    a = site["a"]
    a.status = Article.Status.DRAFT
    a.save()
    # A tag only drafts carry does not exist for readers (a 404, never kept).
    tag_page = "/tag/haven/"
    assert client.get(tag_page).status_code == 404
    warm_all(
        client, site["b_pages"] + [u for u in site["a_pages"][1:] if u != tag_page]
    )

    a.status = Article.Status.PUBLISHED
    a.save()

    for url in site["a_pages"]:
        assert state(client.get(url)) == "miss", url
    assert "Haven groeit" in client.get("/").text
    assert_warm(client, site["b_pages"])


@pytest.mark.parametrize("change", ["update", "unpublish", "kill"])
def test_changing_a_public_article_drops_its_pages_only(client, site, change):
    a = site["a"]
    warm_all(client, site["a_pages"] + site["b_pages"])

    if change == "update":
        a.title = "Haven groeit verder"
    elif change == "unpublish":
        a.status = Article.Status.DRAFT
    else:
        a.status = Article.Status.KILLED
        a.kill_reason = "Onjuist."
    a.save()

    for url in site["a_pages"][1:]:
        assert state(client.get(url)) == "miss", url
    assert_warm(client, site["b_pages"])


def test_an_update_keeps_the_pages_of_articles_in_its_section_tag_and_byline(
    client, site
):
    # Article pages print their section's, tags' and authors' names: they go when
    # a name changes, not whenever another article of that section changes.
    a = site["a"]
    c = make_article(
        title="Haven krimpt",
        section=a.section,
        tags=["Haven"],
        authors=list(site["a"].authors.all()),
    )
    lists = ["/rubriek/economie/", "/tag/haven/", "/auteur/samira/"]
    warm_all(client, [c.get_absolute_url(), *lists])

    a.title = "Haven groeit verder"
    a.save()

    assert_warm(client, [c.get_absolute_url()])
    for url in lists:
        response = client.get(url)
        assert state(response) == "miss", url
        assert "Haven groeit verder" in response.text, url


def test_renaming_an_author_drops_the_article_pages_that_print_the_name(client, site):
    warm_all(
        client,
        [site["a"].get_absolute_url(), "/auteur/samira/", site["b"].get_absolute_url()],
    )

    author = site["a"].authors.get()
    author.name = "Samira El Amrani"
    author.save()

    for url in (site["a"].get_absolute_url(), "/auteur/samira/"):
        response = client.get(url)
        assert state(response) == "miss", url
        assert "Samira El Amrani" in response.text, url
    assert_warm(client, [site["b"].get_absolute_url()])


def test_pages_whose_related_cards_show_an_article_drop_with_it(client, site):
    a, b = site["a"], site["b"]
    Article.objects.filter(pk=b.pk).update(related_ids=[a.pk])
    pagecache.invalidate()
    warm_all(client, site["b_pages"])

    a.title = "Haven groeit hard"
    a.save()

    response = client.get(b.get_absolute_url())
    assert state(response) == "miss"
    assert "Haven groeit hard" in response.text
    assert_warm(client, site["b_pages"][1:])


def test_renaming_a_section_drops_the_pages_that_show_it(client, site):
    warm_all(client, site["a_pages"][:3] + site["b_pages"])

    section = site["a"].section
    section.name = "Geld"
    section.save()

    response = client.get(site["a"].get_absolute_url())
    assert state(response) == "miss"
    assert "Geld" in response.text
    # The header's menu on every page names it.
    assert "Geld" in client.get(site["b"].get_absolute_url()).text


def test_renaming_a_tag_drops_its_pages_and_not_the_others(client, site):
    warm_all(client, site["a_pages"][:1] + site["b_pages"])

    tag = site["a"].tags.get()
    tag.name = "Zeehaven"
    tag.save()

    response = client.get(site["a"].get_absolute_url())
    assert state(response) == "miss"
    assert "Zeehaven" in response.text
    assert_warm(client, site["b_pages"])


def test_pages_name_their_tags_for_the_edge(client, site):
    a = site["a"]
    response = client.get(a.get_absolute_url())

    keys = response["Surrogate-Key"].split()
    assert {f"article-{a.pk}", f"section-name-{a.section_id}", "all", "nav"} <= set(
        keys
    )
    assert response["Cache-Tag"].split(",") == keys
    front = client.get("/")["Surrogate-Key"].split()
    assert {"front", f"article-{a.pk}", f"article-{site['b'].pk}"} <= set(front)


# Time, on a warm cache.


def test_a_scheduled_article_goes_live_on_a_warm_cache_and_scheduling_drops_nothing(
    client, settings, django_assert_num_queries, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 24 * 60 * 60
    with time_machine.travel(T0, tick=False) as clock:
        other = make_article(title="Al online", published_at=T0 - timedelta(hours=1))
        pages = ["/", other.get_absolute_url()]
        warm_all(client, pages)

        make_article(title="Embargo tot drie uur", published_at=T0 + timedelta(hours=1))
        # Scheduling is not something readers see: the pages stay.
        # The schedule is asked again (and the ticker, whose links follow articles).
        with django_assert_max_num_queries(2):
            assert state(client.get("/")) == "hit"
        assert_warm(client, pages)

        clock.move_to(T0 + timedelta(minutes=59, seconds=59))
        with django_assert_num_queries(0):
            assert state(client.get("/")) == "hit"

        clock.move_to(T0 + timedelta(hours=1))
        after = client.get("/")
        assert state(after) == "miss"
        assert "Embargo tot drie uur" in after.text
        assert state(client.get("/")) == "hit"


# No stampede.


def slow_front_page(renders, seconds=0.5):
    original = article_views.FrontPageView.get_context_data

    def counted(self, **kwargs):
        renders.append(threading.get_ident())
        threading.Event().wait(seconds)
        return original(self, **kwargs)

    return mock.patch.object(article_views.FrontPageView, "get_context_data", counted)


def ask_at_once(url, readers=2):
    responses = [None] * readers

    def ask(n):
        try:
            responses[n] = Client().get(url)
        finally:
            connection.close()  # each thread has a connection of its own

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.django_db(transaction=True)
def test_concurrent_misses_of_one_page_render_it_once(site):
    renders = []
    with slow_front_page(renders):
        responses = ask_at_once("/", readers=3)

    assert len(renders) == 1
    assert [response.status_code for response in responses] == [200] * 3
    assert len({response.content for response in responses}) == 1
    assert sorted(state(response) for response in responses) == ["hit", "hit", "miss"]


@pytest.mark.django_db(transaction=True)
def test_a_dropped_popular_page_is_rendered_once_while_readers_get_the_old_copy(
    site,
):
    client = Client()
    client.get("/")
    site["a"].title = "Haven groeit nog meer"
    site["a"].save()

    renders = []
    with slow_front_page(renders):
        responses = ask_at_once("/", readers=3)

    assert len(renders) == 1
    assert sorted(state(response) for response in responses) == [
        "miss",
        "stale",
        "stale",
    ]
    for response in responses:
        if state(response) == "stale":
            assert "max-age=0," in response["Cache-Control"]
    assert "Haven groeit nog meer" in client.get("/").text
