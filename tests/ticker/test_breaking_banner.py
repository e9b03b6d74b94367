"""The breaking-news banner over HTTP: rendered into pages while breaking news runs
(for readers without JavaScript too), and the cheap check that open pages make."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_article, make_ticker_item

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2025, 7, 10, 14, 0, tzinfo=AMSTERDAM)
BREAKING = reverse("ticker:breaking")


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def banner_items(html):
    return re.findall(
        r'<li class="breaking-banner__item" data-id="(\d+)">.*?'
        r'class="breaking-banner__headline"[^>]*>([^<]*)<',
        html,
        re.S,
    )


def test_pages_carry_the_banner_only_while_breaking_news_runs(client, clock):
    make_ticker_item(headline="Gewoon bericht", published_at=T0 - timedelta(hours=1))
    page = client.get("/").content.decode()
    assert 'aria-live="polite"' in page
    assert 'data-breaking-src="/ticker/breaking/"' in page
    assert banner_items(page) == []

    article = make_article(title="Zware aardbeving in de Rif")
    item = make_ticker_item(
        headline="Aardbeving voelbaar in Al Hoceima",
        is_breaking=True,
        article=article,
        published_at=T0 - timedelta(minutes=2),
        expires_at=T0 + timedelta(hours=1),
    )
    page = client.get("/").content.decode()
    assert banner_items(page) == [(str(item.pk), "Aardbeving voelbaar in Al Hoceima")]
    # Above the header, with a link to the story and a Dutch close button that
    # breaking.js shows (it can only work with JavaScript).
    assert page.index("breaking-banner__item") < page.index('class="site-header"')
    assert f'href="{article.get_absolute_url()}"' in page.split("data-ticker ")[0]
    assert re.search(r"<button[^>]*data-breaking-close hidden>.*Sluiten", page)
    assert page.index("ticker/breaking.js") < page.index('class="site-header"')

    clock.move_to(T0 + timedelta(hours=1, seconds=1))  # expired
    assert banner_items(client.get("/").content.decode()) == []


def test_the_check_is_a_small_fragment_and_a_304_while_nothing_changes(
    client, clock, django_assert_num_queries
):
    make_ticker_item(headline="Gewoon bericht", published_at=T0 - timedelta(hours=1))
    empty = client.get(BREAKING)
    assert empty.status_code == 200
    assert banner_items(empty.content.decode()) == []
    assert len(empty.content) < 100
    assert "public" in empty["Cache-Control"]
    assert "max-age=2" in empty["Cache-Control"]
    assert empty["X-Robots-Tag"] == "noindex"
    etag = empty["ETag"]

    with django_assert_num_queries(0):
        again = client.get(BREAKING, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""

    # A new ordinary item changes the list, not the banner: still 304.
    make_ticker_item(headline="Nog een bericht", published_at=T0 - timedelta(minutes=1))
    assert client.get(BREAKING, headers={"if-none-match": etag}).status_code == 304
    assert "Nog een bericht" in client.get(reverse("ticker:live")).content.decode()

    item = make_ticker_item(headline="Breaking: grens dicht", is_breaking=True)
    changed = client.get(BREAKING, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert banner_items(changed.content.decode()) == [
        (str(item.pk), "Breaking: grens dicht")
    ]

    item.is_breaking = False
    item.save()
    assert banner_items(client.get(BREAKING).content.decode()) == []


def test_the_page_cache_answers_the_check_too(client, clock, page_cache):
    item = make_ticker_item(headline="Breaking: grens dicht", is_breaking=True)
    first = client.get(BREAKING)
    assert first.status_code == 200
    assert first["Content-Length"] == str(len(first.content))
    again = client.get(BREAKING, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=2"
    # The banner is in cached pages until the item changes.
    assert "Breaking: grens dicht" in client.get("/").content.decode()
    item.is_breaking = False
    item.save()
    assert banner_items(client.get("/").content.decode()) == []


def test_breaking_news_reaches_cached_pages_without_re_rendering_them(
    client, clock, page_cache, django_assert_num_queries
):
    make_article(title="Een gewoon stuk")
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"

    item = make_ticker_item(headline="Breaking: grens dicht", is_breaking=True)
    client.get(BREAKING)  # the ticker's state, built once
    # The banner is part of the ticker fragment, joined when the page is served:
    # the page itself stays cached and costs no query.
    with django_assert_num_queries(0):
        page = client.get("/")
    assert page["X-Page-Cache"] == "hit"
    assert banner_items(page.content.decode()) == [
        (str(item.pk), "Breaking: grens dicht")
    ]
