"""The body editor in real Chromium: on every admin page that shows it, under the
strict CSP, and in Dutch."""

import os

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.browser import WIDE, log_in
from tests.editing.helpers import close_page
from tests.factories import make_article, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("EDITING_SCREENSHOTS")

# Playwright adds this before any of the page's own scripts, whatever its CSP says.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def editor_page(new_context, live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    user = make_member("omar", "eindredacteur", first_name="Omar")

    def open_page(path, width=WIDE):
        context = log_in(new_context(width=width, height=900), user, live_server.url)
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: console_error(message, problems))
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        try:
            page.locator(".field-body .tiptap").wait_for(timeout=10_000)
        except PlaywrightTimeoutError:
            problems.append("the editor did not appear")
        return page, problems

    return open_page


def console_error(message, problems):
    # The admin has no icon; Chromium asks for one anyway.
    if message.type == "error" and not message.location["url"].endswith("favicon.ico"):
        problems.append(message.text)


def saved_twice():
    article = make_article(title="Eerste kop", body="<p>Eerste tekst.</p>")
    for title in ["Tweede kop", "Derde kop"]:
        with reversion.create_revision():
            article.title = title
            article.save()
    return article


def rich_text_pages():
    article = saved_twice()
    old = Version.objects.get_for_object(article).last()
    deleted = make_article(title="Per ongeluk weg")
    with reversion.create_revision():
        deleted.save()
    deleted_pk = deleted.pk
    deleted.delete()
    gone = Version.objects.get_deleted(Article).get(object_id=str(deleted_pk))
    return {
        "add": reverse("admin:articles_article_add"),
        "change": reverse("admin:articles_article_change", args=[article.pk]),
        "restore": reverse(
            "admin:articles_article_revision", args=[article.pk, old.pk]
        ),
        "recover": reverse("admin:articles_article_recover", args=[gone.pk]),
        "popup": reverse("admin:articles_article_add") + "?_to_field=id&_popup=1",
    }


def test_every_rich_text_page_loads_the_editor_without_csp_violations(editor_page):
    for name, path in rich_text_pages().items():
        page, problems = editor_page(path)
        violations = page.evaluate("window.__cspViolations")
        textarea_hidden = page.locator("textarea#id_body").is_hidden()
        editors = page.locator(".field-body .prose-editor .tiptap").count()
        menu = page.locator(".field-body .prose-menubar").count()
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/editor-{name}.png", full_page=True)
        close_page(page)
        assert violations == [], name
        assert problems == [], name
        assert editors == 1, name
        assert menu == 1, name
        assert textarea_hidden, name


def test_the_editor_speaks_dutch_and_gives_the_body_room(editor_page):
    article = make_article(
        title="Kop", lead="Een korte intro.", body="<p>Een woord om te linken.</p>"
    )
    page, problems = editor_page(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    menubar = page.locator(".field-body .prose-menubar")
    tooltips = menubar.locator("[title]").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('title'))"
    )
    labels = menubar.locator(".prose-menubar__picker").first.inner_text()
    body_height = page.locator(".field-body .tiptap").bounding_box()["height"]
    lead_height = page.locator("#id_lead").bounding_box()["height"]

    # The link dialog: select the text, press "link invoegen".
    page.locator(".field-body .tiptap").click()
    page.keyboard.press("Control+a")
    menubar.locator('[title="link invoegen"]').click()
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    dialog_text = dialog.inner_text()
    page.keyboard.press("Escape")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/editor-dutch.png")
    close_page(page)

    assert problems == []
    for dutch in ["vet", "cursief", "onderstrepen", "link invoegen", "opsomming"]:
        assert dutch in tooltips
    for english in ["bold", "italic", "insert link", "undo"]:
        assert english not in tooltips
    assert "Kop 2" in labels
    assert "Alinea" in labels
    assert "Heading" not in labels
    for dutch in ["Link bewerken", "URL", "Titel", "Bijwerken", "Annuleren"]:
        assert dutch in dialog_text
    assert "Edit Link" not in dialog_text
    # Room for a few paragraphs from the start; the intro a few lines.
    assert body_height >= 300
    assert 50 <= lead_height <= 120


def test_the_editor_fits_a_phone(editor_page):
    article = make_article(body="<p>Een alinea.</p><h2>Een kop</h2>")
    page, problems = editor_page(
        reverse("admin:articles_article_change", args=[article.pk]), width=390
    )
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    box = page.locator(".field-body .tiptap").bounding_box()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/editor-390.png", full_page=True)
    close_page(page)

    assert problems == []
    assert overflow <= 0
    assert box["x"] + box["width"] <= 390
    assert box["height"] >= 300
