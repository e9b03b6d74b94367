"""A live blog in real Chromium: an editor posts, an open reader page offers the new
update within the poll interval; permalinks, keyboard, reduced motion, axe-core and
the Nu HTML Checker."""

import json
import shutil
import subprocess
import time

import pytest
from django.test import Client

from liveblog.models import LiveBlogUpdate
from tests.a11y.test_pages import VNU_JAR, axe_violations, node_modules  # noqa: F401
from tests.browser import WIDE, log_in_by_form
from tests.browser import log_in as log_in_as
from tests.editing.helpers import close_page
from tests.factories import make_article, make_author, make_image, make_member
from tests.liveblog.helpers import make_liveblog, make_update, make_updates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The default interval: the target is "within the poll interval".
POLL_SECONDS = 10


@pytest.fixture
def liveblog():
    article = make_article(
        title="Live: aardbeving in de Hoge Atlas",
        lead="Volg hier de laatste ontwikkelingen.",
        authors=[make_author(name="Samira El Idrissi")],
    )
    liveblog = make_liveblog(article=article)
    make_updates(liveblog, 3)
    return liveblog


def test_an_update_posted_in_the_admin_reaches_an_open_reader_page(
    new_page, live_server, liveblog
):
    make_member("omar", "eindredacteur")
    reader = new_page(width=390, height=800)
    reader.goto(live_server.url + liveblog.article.get_absolute_url())
    before = reader.locator("[data-update-id]").count()
    button = reader.locator("[data-liveblog-new]")
    assert button.is_hidden()

    editor = log_in_by_form(new_page, live_server, "omar")
    editor.goto(f"{live_server.url}/beheer/liveblog/liveblog/{liveblog.pk}/change/")
    editor.fill("#id_title", "Reddingswerkers bereiken Amizmiz")
    editor.locator(".liveblog-post .ProseMirror:visible").first.click()
    editor.keyboard.type("De eerste hulpgoederen zijn aangekomen.")
    editor.get_by_role("button", name="Plaatsen").click()
    editor.wait_for_selector(".messagelist")
    posted = time.monotonic()
    assert "Update geplaatst" in editor.inner_text(".messagelist")
    assert LiveBlogUpdate.objects.filter(title__startswith="Reddingswerkers").exists()

    button.wait_for(state="visible", timeout=(POLL_SECONDS + 3) * 1000)
    waited = time.monotonic() - posted
    assert button.inner_text() == "1 nieuwe update"
    assert waited <= POLL_SECONDS + 1
    # Nothing moved under the reader: the list is as it was until they ask.
    assert reader.locator("[data-update-id]").count() == before

    button.click()
    reader.wait_for_selector("text=Reddingswerkers bereiken Amizmiz")
    assert reader.locator("[data-update-id]").count() == before + 1
    first = reader.locator("[data-update-id]").first
    assert "Reddingswerkers" in first.inner_text()
    assert reader.evaluate("document.activeElement.dataset.updateId") == (
        first.get_attribute("data-update-id")
    )
    assert button.is_hidden()


def test_a_permalink_to_an_old_update_opens_its_page_at_the_update(
    new_page, live_server
):
    liveblog = make_liveblog()
    updates = make_updates(liveblog, 45)
    old = updates[2]
    url = live_server.url + liveblog.article.get_absolute_url()

    # The server's permalink.
    page = new_page(width=WIDE, height=700)
    page.goto(f"{live_server.url}/live/update/{old.pk}/")
    assert page.url.endswith(f"/live/3/#update-{old.pk}")
    in_view = (
        f"() => {{ const box = document.getElementById('update-{old.pk}')"
        ".getBoundingClientRect(); return box.top >= 0 && box.top < innerHeight; }"
    )
    # At its place: in view (after the page's layout settles) and the :target.
    page.wait_for_function(in_view, timeout=5000)
    assert page.evaluate("document.querySelector(':target').id") == f"update-{old.pk}"

    # A fragment copied from page 1 before the update moved to page 3.
    moved = new_page(width=WIDE, height=700)
    moved.goto(f"{url}#update-{old.pk}")
    moved.wait_for_url(f"**/live/3/#update-{old.pk}")
    moved.wait_for_function(in_view, timeout=5000)


def test_keyboard_only_with_reduced_motion(new_context, live_server, liveblog):
    context = new_context(width=WIDE, height=900, reduced_motion="reduce")
    page = context.new_page()
    page.goto(live_server.url + liveblog.article.get_absolute_url())
    make_update(liveblog, title="Via het toetsenbord")

    button = page.locator("[data-liveblog-new]")
    button.wait_for(state="visible", timeout=(POLL_SECONDS + 3) * 1000)
    # The button sits in a polite live region.
    assert button.evaluate("b => b.parentElement.getAttribute('aria-live')") == "polite"
    button.focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Via het toetsenbord")
    focused = page.evaluate("document.activeElement.id")
    animation = page.evaluate("getComputedStyle(document.activeElement).animationName")

    assert outline == "solid"
    assert focused.startswith("update-")
    assert animation == "none"
    # Tab goes on from the new update into its own link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "liveblog-update__time"


def test_polling_stops_when_coverage_has_ended(new_page, live_server, liveblog):
    from liveblog.models import LiveBlog

    liveblog.state = LiveBlog.State.ENDED
    liveblog.save()
    page = new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + liveblog.article.get_absolute_url())
    page.wait_for_timeout(1500)

    assert "Dit liveblog is afgelopen." in page.inner_text("main")
    assert not [url for url in requests if "/live/" in url]


@pytest.fixture
def rich_liveblog(liveblog):
    make_update(
        liveblog,
        title="Kracht 6,8 gemeten",
        key_event=True,
        pinned=True,
        quote="We hebben de hele nacht buiten geslapen.",
        quote_source="een inwoner van Amizmiz",
        image=make_image(alt="Ingestorte huizen in Amizmiz", credit="ANP"),
    )
    make_update(liveblog, title="Regering stuurt leger", key_event=True)
    return liveblog


def test_a_live_blog_page_has_no_axe_violations(
    node_modules,  # noqa: F811
    new_context,
    live_server,
    rich_liveblog,
):
    url = live_server.url + rich_liveblog.article.get_absolute_url()
    problems = {}
    for width in (390, 1280):
        violations = axe_violations(
            new_context, url, viewport={"width": width, "height": 900}
        )
        if violations:
            problems[width] = violations

    assert problems == {}


def test_a_live_blog_page_passes_the_nu_html_checker(
    node_modules,  # noqa: F811
    rich_liveblog,
    tmp_path,
):
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed: the Nu HTML Checker needs it")
    client = Client()
    url = rich_liveblog.article.get_absolute_url()
    files = []
    for path in (
        url,
        f"/artikel/{rich_liveblog.article.slug}/live/nieuw/?after=0",
    ):
        response = client.get(path)
        assert response.status_code == 200
        if "nieuw" in path:
            continue
        file = tmp_path / f"{len(files)}.html"
        file.write_bytes(response.content)
        files.append(str(file))

    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] in {"error", "non-document-error"}
    ]
    assert errors == []


# Playwright adds this before any of the page's own scripts, whatever its CSP says.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_the_editor_loads_under_the_csp_on_the_live_blog_and_update_pages(
    new_context, live_server, settings, liveblog
):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    user = make_member("omar", "eindredacteur")
    update = liveblog.updates.order_by("pk").first()
    pages = {
        "live blog": (
            f"/beheer/liveblog/liveblog/{liveblog.pk}/change/",
            ".liveblog-post .ProseMirror[contenteditable=true]",
        ),
        "update": (
            f"/beheer/liveblog/liveblogupdate/{update.pk}/change/",
            ".field-body .ProseMirror[contenteditable=true]",
        ),
    }
    for name, (path, selector) in pages.items():
        context = log_in_as(new_context(width=WIDE, height=900), user, live_server.url)
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        problems = []
        page.on(
            "pageerror", lambda error, problems=problems: problems.append(str(error))
        )
        page.on(
            "console",
            lambda message, problems=problems: (
                problems.append(message.text)
                if message.type == "error"
                and not message.location["url"].endswith("favicon.ico")
                else None
            ),
        )
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        try:
            page.locator(selector).first.wait_for(timeout=10_000)
        except PlaywrightTimeoutError:
            problems.append("the editor did not appear")
        editors = page.locator(selector).count()
        violations = page.evaluate("window.__cspViolations")
        close_page(page)
        assert violations == [], name
        assert problems == [], name
        assert editors == 1, name
