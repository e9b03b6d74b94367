"""The breaking-news banner in real Chromium: a breaking item saved in the admin is
on an open page within 10 seconds, with the real check interval, and a reader can
close it for good.

Set BANNER_SCREENSHOTS=/some/dir to keep screenshots of the banner (390 and 1280 px).
"""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.browser import WIDE, log_in
from tests.factories import make_ticker_item, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 390
PROMISE_SECONDS = 10
HEADLINE = "Aardbeving van 5,8 voelbaar in Al Hoceima en Nador"


@pytest.fixture
def site(live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    now = timezone.now()
    for minutes in range(4):
        make_ticker_item(
            headline=f"Gewoon nieuws nummer {minutes}",
            published_at=now - timedelta(minutes=10 * minutes + 1),
        )
    return live_server.url


def open_reader(new_page, url, *, width=WIDE, reduced_motion="no-preference"):
    page = new_page(width=width, height=800, reduced_motion=reduced_motion)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.errors = errors
    return page


def shoot(page, name):
    folder = os.environ.get("BANNER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_a_breaking_item_saved_in_the_admin_is_a_banner_within_ten_seconds(
    new_page, new_context, site
):
    # The real intervals: a page without breaking news polls the list every 30 s.
    assert settings.TICKER_POLL_SECONDS == 30
    assert settings.TICKER_BREAKING_CHECK_SECONDS * 1.1 + 2 < PROMISE_SECONDS
    reader = open_reader(new_page, site + "/")
    banner = reader.locator("[data-breaking-banner] [data-id]")
    assert banner.count() == 0
    assert reader.get_attribute("[data-breaking-banner]", "aria-live") == "polite"
    # Wait until the page is some way into its first interval.
    reader.wait_for_timeout(2500)
    reader.evaluate("window.notReloaded = true")

    editor = make_user("eindredacteur", is_superuser=True)
    admin = log_in(new_context(), editor, site).new_page()
    admin.goto(site + reverse("admin:ticker_tickeritem_add"))
    admin.fill("#id_headline", HEADLINE)
    admin.check("#id_is_breaking")
    admin.click("input[name=_save]")
    admin.wait_for_url("**/ticker/tickeritem/")
    saved = time.monotonic()

    banner.get_by_text(HEADLINE).wait_for(
        state="visible", timeout=PROMISE_SECONDS * 1000
    )
    waited = time.monotonic() - saved
    assert waited < PROMISE_SECONDS
    assert reader.evaluate("window.notReloaded") is True
    # Above the page, not in the moving line: before the ticker and the header.
    assert reader.evaluate(
        "document.querySelector('[data-breaking-banner]').compareDocumentPosition("
        "document.querySelector('.site-header')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    box = banner.first.bounding_box()
    assert box["y"] < 5 and box["height"] > 30
    # The ticker list was told to refresh too, within the same promise rather than
    # at its 30 s poll. (Polled from here: wait_for_function evaluates a string,
    # which the CSP refuses.)
    refreshed = (
        "document.querySelector('.ticker').textContent.includes("
        f"{HEADLINE!r}) || !document.querySelector('[data-ticker-reveal]').hidden"
    )
    deadline = saved + PROMISE_SECONDS
    while not reader.evaluate(refreshed) and time.monotonic() < deadline:
        reader.wait_for_timeout(100)
    assert reader.evaluate(refreshed)
    shoot(reader, "banner-1280")

    close = banner.get_by_role("button", name="Sluiten")
    assert close.is_visible()
    close.click()
    assert banner.count() == 1 and not banner.first.is_visible()
    assert reader.evaluate("document.activeElement.id") == "inhoud"

    reader.reload()
    reader.wait_for_load_state("load")
    # Rendered by the server (the item is live), hidden again for this reader.
    assert reader.locator("[data-breaking-banner] [data-id]").count() == 1
    assert not reader.locator("[data-breaking-banner] [data-id]").first.is_visible()
    reader.wait_for_timeout(PROMISE_SECONDS * 1000 * 0.7)  # a check or more later
    assert not reader.locator("[data-breaking-banner] [data-id]").first.is_visible()
    assert reader.errors == []


def test_the_banner_is_still_for_readers_who_prefer_less_motion(new_page, site):
    make_ticker_item(headline=HEADLINE, is_breaking=True)
    for width in (PHONE, WIDE):
        reader = open_reader(new_page, site + "/", width=width, reduced_motion="reduce")
        item = reader.locator("[data-breaking-banner] [data-id]").first
        assert item.is_visible()
        assert item.evaluate("node => getComputedStyle(node).animationName") == "none"
        # The whole headline is readable, on a phone too.
        headline = item.locator(".breaking-banner__headline")
        assert headline.evaluate("node => node.scrollWidth <= node.clientWidth + 1")
        assert item.bounding_box()["width"] <= width
        shoot(reader, f"banner-{width}")
        assert reader.errors == []
