"""Two editors on one article in real Chromium (two browser contexts): each sees the
other, and after an edit conflict nothing either of them wrote is silently lost."""

import os

import pytest

from articles.models import Article
from tests.browser import WIDE, log_in
from tests.editing.helpers import close_page
from tests.factories import make_article, make_member, make_ticker_item
from ticker.models import TickerItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("EDITING_SCREENSHOTS")
PHONE = 390


@pytest.fixture
def desk(new_context, live_server, settings):
    """Return a function that opens an admin page for a new newsroom member."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.EDITING_HEARTBEAT_SECONDS = 1
    problems = []
    pages = []

    def open_as(username, first_name, path, width=WIDE):
        user = make_member(username, "eindredacteur", first_name=first_name)
        context = log_in(new_context(width=width, height=900), user, live_server.url)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error"
                and not message.location["url"].endswith("favicon.ico")
                else None
            ),
        )
        page.goto(live_server.url + path)
        pages.append(page)
        return page

    open_as.problems = problems
    yield open_as
    for page in pages:
        close_page(page)


def save(page):
    with page.expect_navigation():
        page.locator("input[name=_save]").first.click()


def type_in_body(page, text):
    page.locator(".field-body .tiptap").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)


def test_two_editors_one_article_nothing_silently_lost(desk):
    article = make_article(
        title="Oude kop",
        lead="Oude intro.",
        body="<p>Eerste alinea.</p>",
        status=Article.Status.DRAFT,
        published_at=None,
    )
    path = f"/beheer/articles/article/{article.pk}/change/"
    fatima = desk("fatima", "Fatima", path)
    omar = desk("omar", "Omar", path)

    # Omar is told at once that Fatima has it open; she learns of him within the
    # heartbeat (one second here).
    assert "Fatima bewerkt dit artikel ook" in omar.inner_text(".edit-presence")
    fatima.get_by_text("Omar bewerkt dit artikel ook").wait_for(timeout=5000)

    # Fatima rewrites the intro and adds a paragraph; she saves first.
    fatima.fill("#id_lead", "Intro van Fatima.")
    type_in_body(fatima, "Alinea van Fatima.")
    save(fatima)
    assert fatima.url.endswith("/beheer/articles/article/")

    # Omar's open form hears of it with the next heartbeat.
    omar.get_by_text("Fatima heeft dit artikel om").wait_for(timeout=5000)

    # Omar, on his old copy, changes the title and the body, and saves.
    omar.fill("#id_title", "Kop van Omar")
    type_in_body(omar, "Alinea van Omar.")
    save(omar)

    article.refresh_from_db()
    assert article.title == "Oude kop"  # nothing of his saved yet
    assert article.lead == "Intro van Fatima."
    panel = omar.locator(".edit-conflict")
    assert panel.is_visible()
    assert omar.input_value("#id_lead") == "Intro van Fatima."  # rebuilt on hers
    assert omar.input_value("#id_title") == "Kop van Omar"  # his own kept
    body_row = panel.locator("[data-conflict-field=body]")
    assert "Alinea van Fatima." in body_row.inner_text()
    assert "<p>" not in body_row.inner_text()
    assert panel.locator("[data-conflict-field=title] input[value=mine]").is_checked()
    if SCREENSHOTS:
        omar.screenshot(path=f"{SCREENSHOTS}/conflict-{WIDE}.png", full_page=True)

    # Saving without deciding on the body, which both changed, is refused.
    save(omar)
    article.refresh_from_db()
    assert article.title == "Oude kop"
    assert "Kies hierboven" in omar.inner_text(".field-body")

    # He keeps his body text, knowingly replacing hers; her intro stays.
    omar.locator("[data-conflict-field=body] input[value=mine]").check()
    save(omar)

    assert omar.url.endswith("/beheer/articles/article/")
    article.refresh_from_db()
    assert article.title == "Kop van Omar"
    assert article.lead == "Intro van Fatima."
    assert "Alinea van Omar." in article.body
    assert "Alinea van Fatima." not in article.body
    assert desk.problems == []


def test_conflict_page_on_a_phone_and_ticker_items(desk):
    item = make_ticker_item(headline="Oude kop van het bericht")
    path = f"/beheer/ticker/tickeritem/{item.pk}/change/"
    fatima = desk("fatima", "Fatima", path)
    omar = desk("omar", "Omar", path, width=PHONE)
    assert "Fatima bewerkt dit tickerbericht ook" in omar.inner_text(".edit-presence")

    fatima.fill("#id_headline", "Kop van Fatima")
    save(fatima)
    # Saved and gone: she no longer counts as having it open, and Omar is told.
    omar.get_by_text("Fatima heeft dit tickerbericht om").wait_for(timeout=5000)
    assert omar.locator(".edit-presence__people li").count() == 0
    omar.fill("#id_headline", "Kop van Omar")
    save(omar)

    assert TickerItem.objects.get().headline == "Kop van Fatima"
    overflow = omar.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if SCREENSHOTS:
        omar.screenshot(path=f"{SCREENSHOTS}/conflict-{PHONE}.png", full_page=True)
    omar.locator("[data-conflict-field=headline] input[value=theirs]").check()
    assert "edit-conflict--replaced" in omar.locator(".field-headline").get_attribute(
        "class"
    )
    save(omar)

    assert TickerItem.objects.get().headline == "Kop van Fatima"
    assert overflow <= 0
    assert desk.problems == []
