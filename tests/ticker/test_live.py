"""The ticker's cached state: one query cold, none warm, and never stale past a change.

The clock is frozen with time_machine; the local-memory cache follows it, so "warm"
means what it means in production.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_ticker_item
from ticker import live
from ticker.models import TickerItem

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2025, 7, 10, 14, 0, tzinfo=AMSTERDAM)
LIVE = reverse("ticker:live")


def headlines(response):
    return re.findall(r'class="ticker__headline"[^>]*>([^<]*)<', response.text)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shared_cache(settings):
    # As with Redis: changes from any process reach this cache, so nothing but the
    # ticker's own next change limits how long the state may be kept.
    settings.CACHE_IS_SHARED = True


def test_cold_endpoint_costs_one_query_and_warm_none(
    client, clock, django_assert_num_queries
):
    make_ticker_item(headline="Eerste", published_at=T0 - timedelta(minutes=3))
    make_ticker_item(headline="Later", published_at=T0 + timedelta(hours=1))
    make_ticker_item(
        headline="Loopt af",
        published_at=T0 - timedelta(hours=1),
        expires_at=T0 + timedelta(hours=2),
    )
    make_ticker_item(headline="Naar artikel", article=make_article())
    cache.clear()

    with django_assert_num_queries(1):
        cold = client.get(LIVE)
    with django_assert_num_queries(0):
        warm = client.get(LIVE)

    assert cold.status_code == warm.status_code == 200
    assert cold.content == warm.content
    assert headlines(warm) == ["Eerste", "Naar artikel", "Loopt af"]


def test_the_tag_on_every_page_costs_nothing_once_warm(django_assert_num_queries):
    make_ticker_item(headline="Op elke pagina")
    with django_assert_num_queries(1):
        cold = render_to_string("ticker/breaking_news.html")
    with django_assert_num_queries(0):
        warm = render_to_string("ticker/breaking_news.html")

    assert cold == warm
    assert "Op elke pagina" in warm
    assert 'aria-labelledby="ticker-titel"' in warm


def test_page_and_endpoint_share_one_cache_entry(client, django_assert_num_queries):
    make_ticker_item(headline="Gedeeld")
    client.get(reverse("articles:index"))

    with django_assert_num_queries(0):
        response = client.get(LIVE)

    assert headlines(response) == ["Gedeeld"]


def test_only_the_newest_n_items_are_shown(client, settings):
    settings.TICKER_ITEMS = 3
    for minutes in range(6):
        make_ticker_item(
            headline=f"{minutes} minuten geleden",
            published_at=live.timezone.now() - timedelta(minutes=minutes),
        )

    assert headlines(client.get(LIVE)) == [
        "0 minuten geleden",
        "1 minuten geleden",
        "2 minuten geleden",
    ]


def test_scheduled_item_appears_on_time_with_a_warm_cache(
    client, clock, shared_cache, django_assert_num_queries
):
    make_ticker_item(headline="Nu", published_at=T0 - timedelta(minutes=1))
    make_ticker_item(headline="Om drie uur", published_at=T0 + timedelta(hours=1))
    assert headlines(client.get(LIVE)) == ["Nu"]

    clock.move_to(T0 + timedelta(minutes=59, seconds=59))
    with django_assert_num_queries(0):
        assert headlines(client.get(LIVE)) == ["Nu"]

    clock.move_to(T0 + timedelta(hours=1))
    assert headlines(client.get(LIVE)) == ["Om drie uur", "Nu"]


def test_expiring_item_leaves_on_time_with_a_warm_cache(
    client, clock, shared_cache, django_assert_num_queries
):
    make_ticker_item(headline="Blijft", published_at=T0 - timedelta(hours=1))
    make_ticker_item(
        headline="Tot kwart over",
        published_at=T0 - timedelta(minutes=5),
        expires_at=T0 + timedelta(minutes=15),
    )
    assert headlines(client.get(LIVE)) == ["Tot kwart over", "Blijft"]

    clock.move_to(T0 + timedelta(minutes=14, seconds=59))
    with django_assert_num_queries(0):
        assert headlines(client.get(LIVE)) == ["Tot kwart over", "Blijft"]

    clock.move_to(T0 + timedelta(minutes=15))
    assert headlines(client.get(LIVE)) == ["Blijft"]


def test_a_scheduled_item_beyond_the_limit_still_ends_the_cache_on_time(
    client, clock, shared_cache, settings
):
    settings.TICKER_ITEMS = 1
    make_ticker_item(headline="Nu", published_at=T0 - timedelta(minutes=1))
    make_ticker_item(headline="Eerst", published_at=T0 + timedelta(minutes=10))
    make_ticker_item(headline="Daarna", published_at=T0 + timedelta(minutes=20))
    client.get(LIVE)

    clock.move_to(T0 + timedelta(minutes=10))
    assert headlines(client.get(LIVE)) == ["Eerst"]
    clock.move_to(T0 + timedelta(minutes=20))
    assert headlines(client.get(LIVE)) == ["Daarna"]


def test_a_link_appears_when_its_embargoed_article_goes_public(
    client, clock, shared_cache
):
    article = make_article(title="Onder embargo", published_at=T0 + timedelta(hours=2))
    make_ticker_item(headline="Vooraankondiging", article=article)
    assert article.get_absolute_url() not in client.get(LIVE).text

    clock.move_to(T0 + timedelta(hours=2))
    assert f'href="{article.get_absolute_url()}"' in client.get(LIVE).text


def test_the_date_is_added_once_the_item_is_not_from_today(client, clock, shared_cache):
    make_ticker_item(
        headline="Avondnieuws",
        published_at=datetime(2025, 7, 10, 23, 50, tzinfo=AMSTERDAM),
    )
    clock.move_to(datetime(2025, 7, 10, 23, 55, tzinfo=AMSTERDAM))
    assert ">23:50</time>" in client.get(LIVE).text

    clock.move_to(datetime(2025, 7, 11, 0, 0, tzinfo=AMSTERDAM))
    assert ">10 jul 23:50</time>" in client.get(LIVE).text


def test_an_item_from_another_year_shows_the_year(client, clock):
    make_ticker_item(
        headline="Oud", published_at=datetime(2024, 12, 31, 9, 5, tzinfo=AMSTERDAM)
    )

    assert ">31 dec 2024 09:05</time>" in client.get(LIVE).text


def test_a_per_process_cache_asks_the_database_again_within_the_poll_interval(
    client, clock, settings, django_assert_num_queries
):
    settings.CACHE_IS_SHARED = False
    settings.TICKER_POLL_SECONDS = 30
    make_ticker_item(headline="Oud", published_at=T0 - timedelta(hours=1))
    assert headlines(client.get(LIVE)) == ["Oud"]
    # Another worker process adds an item: this process's cache hears nothing of it.
    TickerItem.objects.bulk_create([TickerItem(headline="Elders", published_at=T0)])

    clock.move_to(T0 + timedelta(seconds=29))
    with django_assert_num_queries(0):
        assert headlines(client.get(LIVE)) == ["Oud"]

    clock.move_to(T0 + timedelta(seconds=30))
    assert headlines(client.get(LIVE)) == ["Elders", "Oud"]


def test_a_per_process_cache_is_asked_again_faster_while_breaking_news_runs(
    client, clock, settings
):
    settings.CACHE_IS_SHARED = False
    settings.TICKER_BREAKING_POLL_SECONDS = 10
    make_ticker_item(headline="Breaking", is_breaking=True)
    client.get(LIVE)
    TickerItem.objects.bulk_create([TickerItem(headline="Elders", published_at=T0)])

    clock.move_to(T0 + timedelta(seconds=10))
    assert "Elders" in headlines(client.get(LIVE))


def test_a_shared_cache_is_kept_until_something_changes(
    client, clock, shared_cache, django_assert_num_queries
):
    make_ticker_item(headline="Rustig", published_at=T0 - timedelta(hours=1))
    client.get(LIVE)

    clock.move_to(T0 + live.MAX_LIFETIME - timedelta(minutes=1))
    with django_assert_num_queries(0):
        assert headlines(client.get(LIVE)) == ["Rustig"]

    # Not longer, though: a change whose invalidation never reached the cache (an
    # import while Redis was away) shows within MAX_LIFETIME.
    clock.move_to(T0 + live.MAX_LIFETIME + timedelta(minutes=1))
    with django_assert_num_queries(1):
        assert headlines(client.get(LIVE)) == ["Rustig"]


@pytest.mark.parametrize("change", ["save", "hide", "delete", "create"])
def test_saving_hiding_deleting_or_adding_an_item_invalidates_at_once(
    client, shared_cache, change
):
    item = make_ticker_item(headline="Eerst")
    assert headlines(client.get(LIVE)) == ["Eerst"]

    if change == "save":
        item.headline = "Gecorrigeerd"
        item.save()
        expected = ["Gecorrigeerd"]
    elif change == "hide":
        item.is_visible = False
        item.save()
        expected = []
    elif change == "delete":
        item.delete()
        expected = []
    else:
        make_ticker_item(headline="Nieuw", published_at=live.timezone.now())
        expected = ["Nieuw", "Eerst"]

    assert headlines(client.get(LIVE)) == expected


def test_changing_a_linked_article_slug_updates_the_link(client, shared_cache):
    article = make_article(title="Oude titel")
    make_ticker_item(article=article)
    client.get(LIVE)

    article.slug = "nieuwe-slug"
    article.save()

    assert 'href="/artikel/nieuwe-slug/"' in client.get(LIVE).text


def test_unpublishing_a_linked_article_drops_the_link(client, shared_cache):
    article = make_article()
    make_ticker_item(headline="Met link", article=article)
    assert f'href="{article.get_absolute_url()}"' in client.get(LIVE).text

    article.status = Article.Status.DRAFT
    article.save()

    assert article.get_absolute_url() not in client.get(LIVE).text
    assert headlines(client.get(LIVE)) == ["Met link"]


def test_a_state_built_while_an_item_changed_is_thrown_away(shared_cache):
    make_ticker_item(headline="Voor")
    # A request reads the generation and queries the old ticker...
    stale = live.build_state(
        live.timezone.now(), generation=cache.get(live.GENERATION_KEY)
    )
    # ...an editor saves meanwhile...
    make_ticker_item(headline="Na", published_at=live.timezone.now())
    # ...and the request stores its (old) result after the invalidation.
    cache.set(live.STATE_KEY, stale)

    state = live.get_state()

    assert "Na" in state.html
    assert state.etag != stale.etag


def test_etag_follows_content_and_last_modified_does_not_go_back(
    client, clock, shared_cache
):
    item = make_ticker_item(headline="Een")
    first = client.get(LIVE)
    cache.delete(live.STATE_KEY)
    clock.shift(5)
    same = client.get(LIVE)

    assert same["ETag"] == first["ETag"]
    assert same["Last-Modified"] == first["Last-Modified"]

    item.headline = "Twee"
    item.save()
    changed = client.get(LIVE)

    assert changed["ETag"] != first["ETag"]
    assert changed["Last-Modified"] != first["Last-Modified"]
