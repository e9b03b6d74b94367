"""The public side: the bar on every page, the live endpoint, the archive and the feed,
through the full middleware stack."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_ticker_item, make_user
from ticker.views import ARCHIVE_PAGE_SIZE

pytestmark = pytest.mark.django_db

LIVE = reverse("ticker:live")
ARCHIVE = reverse("ticker:archive")
FEED = reverse("ticker:feed")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> Proef'
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def ticker_bar(html):
    match = re.search(r'<section class="ticker[^"]*".*?</section>', html, re.S)
    assert match, "no ticker bar in the page"
    return match.group(0)


# The bar on every page


@pytest.mark.parametrize(
    "url", [reverse("articles:index"), ARCHIVE, "/bestaat-niet/"], ids=str
)
def test_every_public_page_has_the_ticker_region(client, url):
    make_ticker_item(headline="Op elke pagina")

    bar = ticker_bar(client.get(url).text)

    assert 'aria-labelledby="ticker-titel"' in bar
    assert '<h2 class="ticker__title" id="ticker-titel">Laatste nieuws</h2>' in bar
    assert "Op elke pagina" in bar
    assert 'role="marquee"' not in bar and "aria-live" not in bar


def test_without_javascript_the_bar_is_a_list_of_links(client):
    article = make_article(title="Het artikel")
    make_ticker_item(headline="Met link", article=article)
    make_ticker_item(headline="Zonder link")

    bar = ticker_bar(client.get("/").text)

    assert '<ol class="ticker__list"' in bar
    assert (
        f'<a class="ticker__headline" href="{article.get_absolute_url()}">Met link</a>'
        in bar
    )
    assert '<span class="ticker__headline">Zonder link</span>' in bar
    assert f'href="{ARCHIVE}">Alle berichten</a>' in bar


def test_the_pause_button_comes_first_in_the_bar(client):
    make_ticker_item()

    bar = ticker_bar(client.get("/").text)

    focusable = re.findall(r"<(button|a)\b", bar)
    assert focusable[0] == "button"
    assert re.search(r"<button[^>]*data-ticker-toggle[^>]*>.*Pauzeer", bar)


def test_no_inline_script_or_style_only_static_files(client):
    make_ticker_item()
    html = client.get("/").text

    bar = ticker_bar(html)
    assert "style=" not in bar
    assert re.search(r'<script src="/static/ticker/ticker\.js" defer></script>', html)
    assert '<link rel="stylesheet" href="/static/ticker/ticker.css">' in html


def test_time_is_shown_in_the_site_time_zone_and_breaking_is_marked(client):
    with time_machine.travel(datetime(2025, 1, 15, 18, 0, tzinfo=AMSTERDAM)):
        make_ticker_item(
            headline="Groot nieuws",
            is_breaking=True,
            published_at=datetime(2025, 1, 15, 16, 7, tzinfo=UTC),
        )
        bar = ticker_bar(client.get("/").text)

    assert ">17:07</time>" in bar
    assert '<strong class="ticker__flag">Breaking</strong>' in bar
    assert "ticker__item--breaking" in bar


def test_with_nothing_to_show_the_bar_is_hidden_but_keeps_polling(client):
    bar = ticker_bar(client.get("/").text)

    assert re.search(r"<section[^>]* hidden>", bar)
    assert f'data-ticker-src="{LIVE}"' in bar


def test_poll_intervals_come_from_settings(client, settings):
    settings.TICKER_POLL_SECONDS = 45
    settings.TICKER_BREAKING_POLL_SECONDS = 15

    bar = ticker_bar(client.get("/").text)

    assert 'data-poll-seconds="45"' in bar
    assert 'data-breaking-poll-seconds="15"' in bar


# Escaping everywhere


def test_a_hostile_headline_is_text_on_the_page_in_the_endpoint_and_in_the_feed(
    client,
):
    make_ticker_item(headline=HOSTILE)

    for url in ("/", LIVE, ARCHIVE):
        body = client.get(url).text
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body, url

    feed = client.get(FEED)
    assert b"<script>" not in feed.content and b"<img" not in feed.content
    [entry] = feedparser.parse(feed.content).entries
    assert entry.title == HOSTILE


def test_a_javascript_url_stored_behind_the_validation_is_never_linked(client):
    # Only possible by going around the model and its constraint.
    item = make_ticker_item(headline="Geen link")
    item.url = "javascript:alert(1)"
    assert item.get_link() == ""


# The live endpoint


def test_endpoint_is_a_small_fragment_with_strong_validators_and_public_caching(
    client, settings
):
    settings.TICKER_POLL_SECONDS = 30
    make_ticker_item(headline="Kort bericht")

    with time_machine.travel(timezone.now(), tick=False):
        response = client.get(LIVE)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.text.startswith('<ol class="ticker__list"')
    assert "<html" not in response.text and "Kort bericht" in response.text
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])  # strong: no W/
    assert response["Last-Modified"].endswith(" GMT")
    assert response["Cache-Control"] in {"public, max-age=30", "max-age=30, public"}
    assert response["X-Robots-Tag"] == "noindex"


VALIDATOR_HEADERS = [
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "X-Robots-Tag",
    "X-Frame-Options",
]


def validator_headers(response):
    return {name: response.get(name) for name in VALIDATOR_HEADERS}


@pytest.mark.parametrize("name", ["ticker:live", "ticker:breaking"])
def test_the_fast_path_304_says_what_the_view_says(client, name):
    make_ticker_item(headline="Breekt door", is_breaking=True)
    with time_machine.travel(timezone.now(), tick=False):
        full = client.get(reverse(name))
        # The middleware answers an If-None-Match before the view runs.
        fast = client.get(reverse(name), headers={"If-None-Match": full["ETag"]})

    assert (full.status_code, fast.status_code) == (200, 304)
    assert validator_headers(fast) == validator_headers(full)
    assert fast["Cache-Control"] == "public, max-age=" + (
        "2" if name == "ticker:breaking" else "10"
    )


def test_the_views_own_304_says_what_the_fast_path_says(client):
    make_ticker_item(headline="Een")
    with time_machine.travel(timezone.now(), tick=False):
        full = client.get(LIVE)
        fast = client.get(LIVE, headers={"If-None-Match": full["ETag"]})
        # Only the view answers If-Modified-Since.
        by_date = client.get(LIVE, headers={"If-Modified-Since": full["Last-Modified"]})

    assert (fast.status_code, by_date.status_code) == (304, 304)
    assert validator_headers(by_date) == validator_headers(fast)
    assert by_date["Last-Modified"] == full["Last-Modified"]


def test_etag_round_trip_gives_304_until_the_ticker_changes(client):
    make_ticker_item(headline="Een")
    first = client.get(LIVE)

    again = client.get(LIVE, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "max-age=" in again["Cache-Control"]

    since = client.get(LIVE, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304

    make_ticker_item(headline="Twee", published_at=timezone.now())
    changed = client.get(LIVE, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "Twee" in changed.text


def test_head_works_and_other_methods_are_refused(client):
    make_ticker_item()

    assert client.head(LIVE).status_code == 200
    assert client.post(LIVE).status_code == 405
    assert client.put(LIVE).status_code == 405


@pytest.mark.parametrize("logged_in", [False, True], ids=["reader", "editor"])
def test_endpoint_sets_no_cookie_and_does_not_vary_on_cookie(client, logged_in):
    make_ticker_item()
    if logged_in:
        client.force_login(make_user())
    client.cookies.load({"csrftoken": "x" * 32})

    for response in (
        client.get(LIVE),
        client.get(LIVE, headers={"If-None-Match": client.get(LIVE)["ETag"]}),
    ):
        assert "Set-Cookie" not in response.headers
        assert not response.cookies
        assert "cookie" not in response.get("Vary", "").lower()
        assert "private" not in response["Cache-Control"]


def test_max_age_is_shorter_while_breaking_news_runs(client, settings):
    settings.TICKER_POLL_SECONDS = 30
    settings.TICKER_BREAKING_POLL_SECONDS = 10
    make_ticker_item(is_breaking=True)

    with time_machine.travel(timezone.now(), tick=False):
        response = client.get(LIVE)

    assert "max-age=10" in response["Cache-Control"]
    assert 'data-breaking="1"' in response.text


def test_max_age_never_outlasts_the_next_scheduled_change(client, settings):
    settings.TICKER_POLL_SECONDS = 30
    settings.CACHE_IS_SHARED = True
    with time_machine.travel(
        datetime(2025, 7, 10, 12, 0, tzinfo=AMSTERDAM), tick=False
    ):
        make_ticker_item()
        make_ticker_item(published_at=timezone.now() + timedelta(seconds=12))

        response = client.get(LIVE)

    assert "max-age=12" in response["Cache-Control"]


def test_max_age_counts_down_with_a_per_process_cache(client, settings):
    settings.TICKER_POLL_SECONDS = 30
    settings.CACHE_IS_SHARED = False
    make_ticker_item()
    start = datetime(2025, 7, 10, 12, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(start, tick=False) as clock:
        client.get(LIVE)
        clock.shift(20)
        response = client.get(LIVE)

    # The state may be 20 s old: a CDN must not keep it past the 30 s budget.
    assert "max-age=10" in response["Cache-Control"]


# The "Laatste nieuws" page


def test_archive_lists_everything_that_ran_by_day_newest_first(client):
    now = datetime(2025, 7, 10, 15, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(now, tick=False):
        make_ticker_item(headline="Vandaag verlopen", expires_at=now)
        make_ticker_item(headline="Vandaag", published_at=now - timedelta(minutes=1))
        make_ticker_item(headline="Gisteren", published_at=now - timedelta(days=1))
        make_ticker_item(headline="Vorige week", published_at=now - timedelta(days=7))
        make_ticker_item(headline="Verborgen", is_visible=False)
        make_ticker_item(headline="Ingepland", published_at=now + timedelta(hours=1))
        html = client.get(ARCHIVE).text

    main = html[html.index("<main") :]
    assert re.findall(r'<h2 class="block-title"[^>]*>([^<]*)', main) == [
        "Vandaag ",
        "Gisteren ",
        "Donderdag 3 juli 2025",
    ]
    order = ["Vandaag", "Vandaag verlopen", "Gisteren", "Vorige week"]
    positions = [main.index(f">{headline}<") for headline in order]
    assert positions == sorted(positions)
    assert "Verborgen" not in main and "Ingepland" not in main
    assert f'href="{FEED}"' in main


def test_archive_is_paginated(client):
    now = timezone.now()
    for minutes in range(ARCHIVE_PAGE_SIZE + 1):
        make_ticker_item(
            headline=f"Bericht {minutes}", published_at=now - timedelta(minutes=minutes)
        )

    first = client.get(ARCHIVE)
    second = client.get(ARCHIVE, {"page": 2})

    assert first.context_data["page_obj"].paginator.num_pages == 2
    assert (
        ">Bericht 0<" in first.text
        and f">Bericht {ARCHIVE_PAGE_SIZE}<"
        not in (first.text[first.text.index("<main") :])
    )
    assert f">Bericht {ARCHIVE_PAGE_SIZE}<" in second.text
    assert client.get(ARCHIVE, {"page": 9}).status_code == 404


def test_archive_query_count_does_not_grow_with_items(
    client, django_assert_num_queries
):
    make_ticker_item(article=make_article())
    client.get(ARCHIVE)  # warms the ticker
    # The page count, the items with their links, the section navigation.
    with django_assert_num_queries(3):
        client.get(ARCHIVE)

    for _ in range(30):
        make_ticker_item(article=make_article())
    client.get(ARCHIVE)
    with django_assert_num_queries(3):
        client.get(ARCHIVE)


def test_archive_is_advertised_with_its_feed(client):
    html = client.get("/").text

    assert re.search(
        rf'<link rel="alternate" type="application/rss\+xml" title="[^"]*laatste '
        rf'nieuws" href="{FEED}">',
        html,
    )


# The feed


def test_feed_lists_ticker_items_with_their_links(client):
    article = make_article(title="Achtergrond")
    make_ticker_item(headline="Met artikel", article=article)
    unlinked = make_ticker_item(
        headline="Zonder link", is_breaking=True, published_at=timezone.now()
    )
    make_ticker_item(headline="Extern", url="https://example.org/bron")
    make_ticker_item(headline="Verborgen", is_visible=False)

    feed = feedparser.parse(client.get(FEED).content)

    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Breaking: Zonder link"
    assert set(titles) == {"Breaking: Zonder link", "Met artikel", "Extern"}
    links = {entry.title: entry.link for entry in feed.entries}
    assert links["Met artikel"] == f"http://testserver{article.get_absolute_url()}"
    assert links["Extern"] == "https://example.org/bron"
    assert links["Breaking: Zonder link"] == (
        f"http://testserver{ARCHIVE}#bericht-{unlinked.pk}"
    )
    assert feed.entries[0].id == f"newsroom:ticker:{unlinked.pk}"


def test_feed_costs_one_query(client, django_assert_num_queries):
    for _ in range(5):
        make_ticker_item(article=make_article())

    with django_assert_num_queries(1):
        response = client.get(FEED)

    assert response.status_code == 200
