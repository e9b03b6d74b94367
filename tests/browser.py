"""One headless Chromium for every browser test (tests/conftest.py imports these).

The tests drive Debian's Chromium (/usr/bin/chromium, `make browser` installs it)
through playwright's sync API. Chromium starts once per test run; each test gets
fresh browser contexts from `new_context` or `new_page`, so no cookies, storage or
open pages pass from one test to the next.
"""

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# The page-quality tools, installed by npm from tests/a11y/package.json.
A11Y = Path(__file__).resolve().parent / "a11y"
VNU_JAR = A11Y / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = A11Y / "node_modules" / "axe-core" / "axe.min.js"
# The window sizes the tests use most: a phone held upright and a desktop.
NARROW = 360
WIDE = 1280
PASSWORD = "geheim-wachtwoord-123"  # what tests.factories.make_user sets


def in_ci():
    """Whether this is a CI run (CI=true), where no test may be skipped for want of
    a tool."""
    return os.environ.get("CI", "").lower() in {"true", "1"}


def missing_browser():
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return (
            f"Chromium is not installed at {CHROMIUM}: install Debian's chromium "
            "package (`make browser` does, as root)"
        )
    if importlib.util.find_spec("playwright") is None:
        return (
            'playwright is not installed in this environment: `pip install -e ".[dev]"`'
        )
    return None


def missing_java():
    """Why the Nu HTML Checker cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return (
            "Java is not installed, and the Nu HTML Checker needs it: install "
            "Debian's default-jre-headless package (`make a11y-tools` does, as root)"
        )
    return None


def missing_npm():
    """Why the page-quality tools are missing and cannot be installed, or None."""
    if not (VNU_JAR.exists() and AXE_JS.exists()) and shutil.which("npm") is None:
        return (
            "npm is not installed, and the page-quality tests need it to install "
            "vnu-jar and axe-core: install Debian's npm package "
            "(`make a11y-tools` does, as root)"
        )
    return None


def unavailable(reason):
    """Skip a test whose tool is missing; in CI fail the whole run instead, so that
    a CI run cannot pass by skipping the tests it exists to run."""
    if in_ci():
        pytest.exit(f"CI=true, but {reason}", returncode=1)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Chromium, started on first use and closed at the end of the test run."""
    reason = missing_browser()
    if reason:
        unavailable(reason)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # While playwright runs, this thread has an event loop, and Django refuses
        # ORM calls in it unless told that they are plain sync code, as they are.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def new_context(browser):
    """Return a function that opens a browser context; all close when the test ends.

    Takes playwright's context options; `width` and `height` set the viewport.
    Playwright's own default window is 1280 by 720.
    """
    contexts = []

    def open_context(*, width=None, height=None, **options):
        if width or height:
            options["viewport"] = {"width": width or WIDE, "height": height or 720}
        context = browser.new_context(**options)
        contexts.append(context)
        return context

    yield open_context
    # Before the database is emptied: no open page may still poll the live server.
    for context in contexts:
        context.close()


@pytest.fixture
def new_page(new_context):
    """Return a function that opens a page in a context of its own."""

    def open_page(**options):
        return new_context(**options).new_page()

    return open_page


def log_in(context, user, live_server_url):
    """Give a browser context the session of `user`, logged in by the test client."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server_url}]
    )
    return context


def log_in_by_form(new_page, live_server, username, password=PASSWORD):
    """Open a wide page and log username in through the admin's login form, as a
    person would; return the page on the dashboard."""
    page = new_page(width=WIDE, height=900)
    page.goto(f"{live_server.url}/beheer/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#redactie-dashboard")
    return page


def watch(page, *, console=True):
    """Return a list that fills with what goes wrong on page: script errors, failed
    responses (status 400 and up) and, with console, errors logged to the console."""
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    if console:
        page.on(
            "console",
            lambda message: (
                problems.append(message.text) if message.type == "error" else None
            ),
        )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    return problems


def open_page(new_page, url, *, width=WIDE, height=800, console=True, **options):
    """Open url in a page (and context) of its own, width by height; return the page
    and its problems (see watch()). options go to the browser context."""
    page = new_page(width=width, height=height, **options)
    problems = watch(page, console=console)
    page.goto(url)
    return page, problems
