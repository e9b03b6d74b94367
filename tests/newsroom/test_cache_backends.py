"""The cache backends degrade: an unreachable or hung cache answers every call at
once with a miss or a skipped write, and invalidations it missed arrive later."""

import logging
import socket
import threading
import time
from contextlib import closing

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from newsroom import cache as newsroom_cache
from newsroom.cache import DegradingFileCache, DegradingRedisCache, replace_token
from tests.factories import make_article, make_section, make_ticker_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_retries_left_behind():
    # A retry left pending would bump the generation in some later test's cache.
    yield
    with newsroom_cache.retrier.lock:
        newsroom_cache.retrier.pending.clear()


def _closed_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def hung_server():
    """A server that accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def redis_settings(url, timeout=0.3):
    return {
        "default": {
            "BACKEND": "newsroom.cache.DegradingRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
                "RETRY_AFTER": 5,
            },
        }
    }


def test_every_cache_call_answers_while_redis_is_unreachable(caplog):
    dead = DegradingRedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {})

    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        assert dead.get("a") is None
        assert dead.get("a", "standaard") == "standaard"
        assert dead.get_many(["a", "b"]) == {}
        assert dead.set("a", 1) is None
        assert dead.add("a", 1) is False
        assert dead.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert dead.delete("a") is False
        assert dead.delete_many(["a", "b"]) is None
        assert dead.has_key("a") is False
        assert dead.touch("a") is False
        assert dead.clear() is False
        assert dead.get_or_set("a", lambda: "berekend") == "berekend"
        with pytest.raises(ValueError):
            dead.incr("a")

    # One warning for the outage, not one per call.
    warnings = [r for r in caplog.records if r.name == "newsroom.cache"]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()


def test_a_hung_redis_costs_one_short_wait_then_nothing(hung_server):
    hung = DegradingRedisCache(
        hung_server, {"OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}}
    )

    started = time.monotonic()
    assert hung.get("generatie") is None
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(50):
        assert hung.get("generatie") is None
        assert hung.set_many({"generatie": "x"}) == ["generatie"]
    rest = time.monotonic() - started

    assert 0.25 < first < 1.5
    assert rest < 0.1


def test_pages_are_served_while_the_cache_hangs(client, page_cache, hung_server):
    article = make_article(
        title="Haven van Tanger groeit", section=make_section(name="Economie")
    )
    make_ticker_item(headline="Storm op zee")

    with override_settings(CACHES=redis_settings(hung_server)):
        started = time.monotonic()
        pages = {
            path: client.get(path)
            for path in ("/", article.get_absolute_url(), "/ticker/", "/feed/")
        }
        ready = client.get("/readyz")
        seconds = time.monotonic() - started

    assert [r.status_code for r in pages.values()] == [200] * 4
    article_page = pages[article.get_absolute_url()]
    assert "Haven van Tanger groeit" in article_page.text
    # The section menu and the ticker, from the database.
    assert "Economie" in article_page.text
    assert "Storm op zee" in article_page.text
    assert ready.status_code == 200
    assert ready.json() == {"status": "degraded", "reason": "cache"}
    assert seconds < 3


def test_healthz_answers_at_once_while_the_cache_hangs(client, hung_server):
    with override_settings(CACHES=redis_settings(hung_server, timeout=2)):
        started = time.monotonic()
        response = client.get("/healthz")
        seconds = time.monotonic() - started

    assert response.json() == {"status": "ok"}
    assert seconds < 0.5


def test_saves_commit_while_the_cache_is_unreachable(page_cache):
    with override_settings(
        CACHES=redis_settings(f"redis://127.0.0.1:{_closed_port()}/0")
    ):
        article = make_article(title="Opgeslagen zonder cache")
        article.title = "Gecorrigeerd zonder cache"
        article.save()

    article.refresh_from_db()
    assert article.title == "Gecorrigeerd zonder cache"


@pytest.fixture
def blocked_file_cache(tmp_path, settings):
    """A file cache whose folder cannot be created (a file is in the way)."""
    blocker = tmp_path / "geblokkeerd"
    blocker.write_text("")
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.DegradingFileCache",
            "LOCATION": str(blocker / "cache"),
            "OPTIONS": {"RETRY_AFTER": 0.1},
        }
    }
    return blocker


def test_an_invalidation_the_cache_missed_is_delivered_when_it_is_back(
    blocked_file_cache,
):
    assert replace_token("pagecache:generation", 60) is False
    assert cache.get("pagecache:generation") is None

    blocked_file_cache.unlink()

    deadline = time.monotonic() + 10
    while newsroom_cache.retrier.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not newsroom_cache.retrier.pending
    assert caches["default"].get("pagecache:generation") is not None


def test_the_file_cache_degrades_when_its_disk_refuses(blocked_file_cache):
    files = DegradingFileCache(str(blocked_file_cache / "cache"), {})

    assert files.get("a", "standaard") == "standaard"
    assert files.set_many({"a": 1}) == ["a"]
    assert files.add("a", 1) is False
