"""CPU per request, measured in this process in turns (A B B A), so that a shared
machine's changing speed hits both sides alike: a live blog's first page with 2,000
updates against an ordinary article page and against 20 updates; the poll 304
against the ticker's."""

import statistics
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_article, make_author, make_section
from tests.liveblog.helpers import make_liveblog, make_updates

pytestmark = pytest.mark.django_db

ROUNDS = 12


def cpu_per_request(client, url, headers=None, repeat=5):
    started = time.process_time()
    for _ in range(repeat):
        response = client.get(url, headers=headers or {})
        assert response.status_code in (200, 304)
    return (time.process_time() - started) / repeat


def in_turns(client, a, b, *, a_headers=None, b_headers=None):
    """Return the median CPU seconds per request of a and of b, measured A B B A."""
    first, second = [], []
    for _ in range(ROUNDS):
        first.append(cpu_per_request(client, a, a_headers))
        second.append(cpu_per_request(client, b, b_headers))
        second.append(cpu_per_request(client, b, b_headers))
        first.append(cpu_per_request(client, a, a_headers))
    return statistics.median(first), statistics.median(second)


@pytest.fixture
def site():
    section = make_section(name="Nieuws")
    author = make_author(name="Samira El Idrissi")
    body = "".join(
        f"<p>Alinea {n} van een gewoon artikel over de haven.</p>" for n in range(12)
    )
    article = make_article(
        title="Gewoon artikel",
        section=section,
        authors=[author],
        body=body,
        tags=["haven"],
    )
    small = make_liveblog(
        article=make_article(title="Klein liveblog", section=section, authors=[author])
    )
    make_updates(small, 20)
    large = make_liveblog(
        article=make_article(title="Groot liveblog", section=section, authors=[author])
    )
    make_updates(large, 2000, start=timezone.now() - timedelta(days=2))
    return article, small, large


def test_first_page_of_2000_updates_within_the_article_budget_plus_half(site):
    article, small, large = site
    client = Client()
    article_cpu, large_cpu = in_turns(
        client, article.get_absolute_url(), large.article.get_absolute_url()
    )
    small_cpu, large_again = in_turns(
        client, small.article.get_absolute_url(), large.article.get_absolute_url()
    )
    print(
        f"\narticle {article_cpu * 1000:.2f} ms, live blog 20: {small_cpu * 1000:.2f} "
        f"ms, 2,000: {large_cpu * 1000:.2f} / {large_again * 1000:.2f} ms"
    )

    assert large_cpu <= 1.5 * article_cpu
    # Flat: 2,000 updates cost about what 20 do.
    assert large_again <= 1.2 * small_cpu


@pytest.mark.usefixtures("page_cache")
def test_poll_304_costs_no_more_than_the_tickers(site):
    _article, _small, large = site
    client = Client()
    poll = f"/artikel/{large.article.slug}/live/"
    ticker = "/ticker/"
    poll_etag = client.get(poll)["ETag"]
    ticker_etag = client.get(ticker)["ETag"]
    assert client.get(poll, headers={"If-None-Match": poll_etag}).status_code == 304

    poll_cpu, ticker_cpu = in_turns(
        client,
        poll,
        ticker,
        a_headers={"If-None-Match": poll_etag},
        b_headers={"If-None-Match": ticker_etag},
    )
    print(f"\npoll 304 {poll_cpu * 1e6:.0f} µs, ticker 304 {ticker_cpu * 1e6:.0f} µs")
    # Both are answered by a middleware of their own without a query: the poll
    # reads its tags' versions (liveblog/middleware.py), the ticker its state.
    assert poll_cpu <= 1.5 * ticker_cpu
