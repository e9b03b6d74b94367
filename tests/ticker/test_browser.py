"""The ticker in real Chromium: live updates without reload, the pause button, motion.

Set TICKER_SCREENSHOTS=/some/dir to keep the screenshots of the front page (360 px
and 1280 px wide) that the layout test takes.
"""

import os
import time
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser import NARROW, WIDE, log_in, open_page
from tests.factories import make_article, make_ticker_item, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLL_SECONDS = 2
HEADLINES = [
    "Marokko bevestigt in Dakar zijn steun voor de Palestijnse zaak en Al-Quds",
    "Washington legt vanaf augustus nieuwe tarieven op aan zes landen",
    "Nederlandse economie vertoont gematigde groei, maar tekort loopt op",
    "Marokko behoudt 12e plaats op FIFA-ranglijst en blijft leider in Afrika",
    "Marokko consolideert positie als wereldwijde toeristische bestemming",
    "Nvidia passeert grens van $ 4 biljoen, gedreven door kunstmatige intelligentie",
]
SCROLL = "document.querySelector('[data-ticker-viewport]').scrollLeft"


@pytest.fixture
def site(live_server, settings):
    settings.TICKER_POLL_SECONDS = POLL_SECONDS
    settings.TICKER_BREAKING_POLL_SECONDS = POLL_SECONDS
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    now = timezone.now()
    article = make_article(title="Marokko krijgt AI-datacenter")
    for minutes, headline in enumerate(HEADLINES):
        make_ticker_item(
            headline=headline,
            published_at=now - timedelta(minutes=10 * minutes + 1),
            article=article if minutes == 0 else None,
        )
    return live_server.url


def open_ticker_page(new_page, url, *, width=WIDE, reduced_motion="no-preference"):
    """Open url as a reader; the page's errors are in page.errors (no console)."""
    page, errors = open_page(
        new_page, url, width=width, console=False, reduced_motion=reduced_motion
    )
    page.mouse.move(width / 2, 700)  # keep the pointer off the ticker
    page.errors = errors
    return page


def distance_moved(page, seconds=0.8):
    start = page.evaluate(SCROLL)
    page.wait_for_timeout(seconds * 1000)
    return abs(page.evaluate(SCROLL) - start)


def logged_in_admin(new_context, live_server_url):
    editor = make_user("eindredacteur", is_superuser=True)
    return log_in(new_context(), editor, live_server_url).new_page()


def test_an_item_added_in_the_admin_appears_on_an_open_page_without_reload(
    new_page, new_context, site
):
    reader = open_ticker_page(new_page, site + "/")
    reader.wait_for_selector(".ticker.is-moving")
    reader.evaluate("window.notReloaded = true")

    admin = logged_in_admin(new_context, site)
    admin.goto(site + reverse("admin:ticker_tickeritem_add"))
    admin.fill("#id_headline", "Koning opent nieuwe haven in Nador")
    admin.click("input[name=_save]")
    admin.wait_for_url("**/ticker/tickeritem/")
    saved = time.monotonic()

    reader.locator("[data-ticker-list]").get_by_text(
        "Koning opent nieuwe haven in Nador"
    ).wait_for(state="attached", timeout=(POLL_SECONDS * 1.1 + 2) * 1000)
    waited = time.monotonic() - saved

    assert waited <= POLL_SECONDS * 1.1 + 1
    assert reader.evaluate("window.notReloaded") is True
    assert reader.errors == []


def test_the_pause_button_is_the_first_tab_stop_and_stops_the_motion(new_page, site):
    page = open_ticker_page(new_page, site + "/")
    page.wait_for_selector(".ticker.is-moving")
    assert distance_moved(page) > 5

    # Tab until focus enters the ticker: the first stop there is the pause button.
    for _ in range(5):
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "document.activeElement.closest('[data-ticker]') !== null"
        )
        if inside:
            break
    assert page.evaluate("document.activeElement.hasAttribute('data-ticker-toggle')")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Pauzeer"
    assert distance_moved(page) == 0  # focus inside stops the motion

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Speel af"
    page.keyboard.press("Shift+Tab")  # focus leaves the ticker
    assert not page.evaluate("document.activeElement.closest('[data-ticker]')")
    assert distance_moved(page, 1.5) == 0  # and the motion does not restart

    page.reload()  # the reader's choice holds on the next page too
    page.wait_for_selector("[data-ticker-toggle]:not([hidden])")
    assert distance_moved(page) == 0

    page.focus("[data-ticker-toggle]")
    page.keyboard.press("Space")
    page.focus(".site-logo")
    assert distance_moved(page) > 5
    assert page.errors == []


def test_while_paused_new_items_wait_behind_a_reveal_button(new_page, site):
    page = open_ticker_page(new_page, site + "/")
    page.click("[data-ticker-toggle]")
    page.focus(".site-logo")
    before = page.inner_text("[data-ticker-list]")

    make_ticker_item(headline="Stil binnengekomen", published_at=timezone.now())
    reveal = page.locator("[data-ticker-reveal]")
    reveal.wait_for(state="visible", timeout=(POLL_SECONDS * 1.1 + 2) * 1000)

    assert reveal.inner_text() == "1 nieuw bericht"
    assert page.inner_text("[data-ticker-list]") == before
    assert distance_moved(page) == 0

    reveal.click()
    assert page.inner_text("[data-ticker-list]").count("Stil binnengekomen") == 1
    assert reveal.is_hidden()
    assert page.evaluate("document.activeElement.textContent") == HEADLINES[0]


def test_with_reduced_motion_nothing_moves(new_page, site):
    page = open_ticker_page(new_page, site + "/", reduced_motion="reduce")
    page.wait_for_selector(".ticker.ticker--js")

    assert distance_moved(page, 1.5) == 0
    assert page.evaluate(SCROLL) == 0
    assert page.is_hidden("[data-ticker-toggle]")  # nothing to pause
    assert page.evaluate("document.getAnimations().length") == 0
    assert page.locator(".ticker__list--clone").count() == 0

    # Live updates still arrive, behind the reveal button.
    make_ticker_item(headline="Ook zonder beweging", published_at=timezone.now())
    page.locator("[data-ticker-reveal]").wait_for(
        state="visible", timeout=(POLL_SECONDS * 1.1 + 2) * 1000
    )


def test_layout_on_a_phone_and_a_desktop(new_page, site, tmp_path):
    keep = os.environ.get("TICKER_SCREENSHOTS")
    for width in (NARROW, WIDE):
        page = open_ticker_page(new_page, site + "/", width=width)
        page.wait_for_selector(".ticker.ticker--js")
        page.click("[data-ticker-toggle]")  # a still picture
        page.evaluate("document.querySelector('[data-ticker-viewport]').scrollLeft = 0")
        bar = page.locator("[data-ticker]").bounding_box()
        assert bar["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The bar is not sticky: scrolled away, it covers nothing.
        assert (
            page.evaluate(
                "getComputedStyle(document.querySelector('.ticker')).position"
            )
            == "static"
        )
        archive = page.context.new_page()
        archive.goto(site + reverse("ticker:archive"))
        for target in [tmp_path, Path(keep)] if keep else [tmp_path]:
            page.screenshot(path=str(Path(target) / f"ticker-{width}.png"))
            archive.screenshot(path=str(Path(target) / f"archive-{width}.png"))
        assert page.errors == []


# Counts the page's polls of the ticker, at the page's (fake) clock.
COUNT_POLLS = """
window.tickerPolls = [];
window.tickerSettled = 0;
const pageFetch = window.fetch;
window.fetch = function (url) {
  const answer = pageFetch.apply(this, arguments);
  // The list's own path only: not the breaking-news check below it (/ticker/breaking/).
  if (new URL(String(url), location.href).pathname === %r) {
    window.tickerPolls.push(Date.now());
    answer.finally(() => { window.tickerSettled += 1; });
  }
  return answer;
};
"""


STEP = 0.25


def advance(page, seconds):
    """Run the page's clock on by seconds, STEP at a time, letting each poll the
    timers start finish (in real time) before the clock moves on. A poll's next
    timer starts at the end of its step: up to STEP late."""
    for _ in range(round(seconds / STEP)):
        page.clock.run_for(int(STEP * 1000))
        page.wait_for_function(
            "window.tickerSettled === window.tickerPolls.length", polling=20
        )


def test_polling_revalidates_stops_while_hidden_and_backs_off_on_errors(new_page, site):
    live = reverse("ticker:live")
    # bypass_csp: the site's policy rightly refuses the test's evaluated checks.
    page = new_page(width=WIDE, height=800, bypass_csp=True)
    # The page's timers run on a clock the test moves: no wall-clock timing.
    start = time.time()
    page.clock.install(time=start)
    page.clock.pause_at(start + 1)
    page.add_init_script(COUNT_POLLS % live)
    # What the server answered, as the network saw it: the page's own fetch() sees
    # a 304 as the 200 it revalidated.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    urls, answers = {}, []
    network.on(
        "Network.requestWillBeSentExtraInfo",
        lambda event: urls.setdefault(
            event["requestId"], event["headers"].get("If-None-Match")
        ),
    )
    network.on(
        "Network.requestWillBeSent",
        lambda event: (
            answers.append(event["requestId"])
            if event["request"]["url"].endswith(live)
            else None
        ),
    )
    statuses = {}
    network.on(
        "Network.responseReceivedExtraInfo",
        lambda event: statuses.setdefault(event["requestId"], event["statusCode"]),
    )
    page.goto(site + "/")

    advance(page, POLL_SECONDS * 2.5)
    # Unchanged: the browser asks with the ETag it holds and gets a 304.
    polls = [(statuses.get(request), urls.get(request)) for request in answers]
    assert len(polls) == 2
    assert polls[0] == (200, None)
    status, etag = polls[1]
    assert etag and etag.startswith('"')
    assert status == 304

    page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    before = page.evaluate("window.tickerPolls.length")
    advance(page, POLL_SECONDS * 5)
    assert page.evaluate("window.tickerPolls.length") == before  # hidden: no polls

    page.route("**" + live, lambda route: route.fulfill(status=503))
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    advance(page, POLL_SECONDS * 0.5)
    failed_from = page.evaluate("window.tickerPolls.length") - 1
    advance(page, POLL_SECONDS * 7.5)
    failures = page.evaluate("window.tickerPolls")[failed_from:]
    # Polls at 0, about +2*2 s and +2*4 s (each +-10 %): the gaps double.
    gaps = [(later - earlier) / 1000 for earlier, later in pairwise(failures)]
    assert len(failures) == 3
    assert POLL_SECONDS * 2 * 0.9 <= gaps[0] <= POLL_SECONDS * 2 * 1.1 + STEP
    assert POLL_SECONDS * 4 * 0.9 <= gaps[1] <= POLL_SECONDS * 4 * 1.1 + STEP
