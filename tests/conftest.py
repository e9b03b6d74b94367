from pathlib import Path

import pytest

# Chromium for the browser tests: one per run, with one rule for skipping.
from tests.browser import (  # noqa: F401
    A11Y,
    browser,
    in_ci,
    missing_browser,
    missing_java,
    missing_npm,
    new_context,
    new_page,
)


def pytest_collection_modifyitems(config, items):
    """In CI (CI=true), stop before the first test when a tool that the collected
    browser or page-quality tests need is missing, saying what to install."""
    if not in_ci():
        return
    reasons = []
    if any(item.get_closest_marker("browser") for item in items):
        reasons.append(missing_browser())
    if any(Path(str(item.path)).is_relative_to(A11Y) for item in items):
        reasons += [missing_java(), missing_npm()]
    reasons = [reason for reason in reasons if reason]
    if reasons:
        raise pytest.UsageError(
            "CI=true, and the tests cannot run without skipping:\n- "
            + "\n- ".join(reasons)
        )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Tests need no collectstatic run and write media to a throwaway folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # An existing (empty) STATIC_ROOT keeps WhiteNoise from warning on every request.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.SECURE_SSL_REDIRECT = False
    # One process: the local-memory cache rather than the embedded file cache, and
    # whole-page caching off, so views are tested as they render. Page-cache tests
    # turn it on with the page_cache fixture.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    settings.CACHE_IS_SHARED = False
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def editor(db):
    """An editor-in-chief (eindredacteur): may publish."""
    from tests.factories import make_member

    return make_member("omar", "eindredacteur")


@pytest.fixture
def editor_client(editor):
    """A test client of its own, logged in as editor; the client fixture stays
    anonymous, for tests that look as a reader too."""
    from tests.helpers import client_for

    return client_for(editor)


@pytest.fixture
def page_cache(settings):
    """Turn whole-page caching on, with a cache shared the way Redis or files are."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHE_IS_SHARED = True


@pytest.fixture(autouse=True)
def _clear_cache(_test_settings):
    # After the test settings: the cache cleared is the one the test uses.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _article_ids_from_one(request):
    """Start each test's article ids at 1 on PostgreSQL, as SQLite does.

    A rolled-back test keeps its sequence values on PostgreSQL, so after a thousand
    tests the articles of the next one have ids past 5,000 and land on the second
    page of the article sitemap (which pages by id). Resetting the sequence to the
    table's contents gives every test the ids a fresh site has.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("db")
    from django.core.management.color import no_style
    from django.db import connection

    from articles.models import Article

    statements = connection.ops.sequence_reset_sql(no_style(), [Article])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
