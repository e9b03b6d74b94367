"""Readers cannot grow the cache: only the query parameters a page reads make an
entry of their own, and every key the site writes expires."""

import pytest
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

from newsroom import cachetags, pagecache
from tests.factories import make_article, make_section, make_ticker_item
from ticker.live import STATE_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def state(response):
    return response.headers.get("X-Page-Cache")


class RecordingCache(LocMemCache):
    """A local-memory cache that notes the lifetime of every key written."""

    written = {}

    def _note(self, keys, timeout):
        for key in keys:
            self.written[key] = (
                self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
            )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._note([key], timeout)
        return super().set(key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._note([key], timeout)
        return super().add(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._note(data, timeout)
        return super().set_many(data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        self._note([key], timeout)
        return super().touch(key, timeout, version)


@pytest.mark.parametrize("path", ["/", "/artikel/haven/", "/feed/", "/sitemap.xml"])
def test_page_numbers_on_pages_without_pages_share_one_entry(client, path):
    make_article(title="Haven van Tanger groeit", slug="haven")
    first = client.get(path)
    assert state(first) == "miss"

    for query in ("?page=2", "?p=7", "?page=99999&p=3", "?nieuw=1", "?utm_source=x"):
        again = client.get(path + query)
        assert state(again) == "hit", query
        assert again.content == first.content


def test_a_list_page_keeps_its_pages_however_the_number_is_written(client, settings):
    section = make_section(name="Economie", slug="economie")
    for n in range(settings.NEWSROOM_PAGE_SIZE + 1):
        make_article(title=f"Bericht {n}", section=section)

    second = client.get("/rubriek/economie/?page=2")
    assert state(second) == "miss"

    for query in ("?page=02", "?page=2&utm_medium=mail", "?page=0002&x=y"):
        again = client.get(f"/rubriek/economie/{query}")
        assert state(again) == "hit", query
        assert again.content == second.content
    assert state(client.get("/rubriek/economie/")) == "miss"


@pytest.mark.parametrize("page", ["%D9%A2", "2.0", "+2", "%202", "1_0", "twee"])
def test_page_numbers_written_oddly_are_never_kept(client, page):
    make_article(section=make_section(slug="economie"))

    for _ in range(2):
        response = client.get(f"/rubriek/economie/?page={page}")
        assert state(response) in (None, "miss")
        assert state(response) != "hit"


def test_a_page_number_given_twice_is_not_kept(client):
    make_article(section=make_section(slug="economie"))

    for _ in range(2):
        assert state(client.get("/rubriek/economie/?page=1&page=1")) is None


def test_a_view_that_does_not_say_what_it_reads_keeps_no_made_up_parameters(client):
    # robots_txt is a function view without page_cache_parameters.
    client.get("/robots.txt")
    assert state(client.get("/robots.txt?utm_source=x")) == "hit"
    for _ in range(2):
        assert state(client.get("/robots.txt?page=2")) is None


def test_the_sitemaps_keep_their_pages_by_p(client):
    make_article()
    first = client.get("/sitemap-articles.xml?p=1")
    assert first.status_code == 200

    assert state(client.get("/sitemap-articles.xml?p=01")) == "hit"
    assert client.get("/sitemap-articles.xml?p=2").status_code == 404
    # ?page= is not the sitemap's parameter: the page without it, once.
    assert state(client.get("/sitemap-articles.xml?page=5")) == "miss"
    assert state(client.get("/sitemap-articles.xml?page=6")) == "hit"
    assert state(client.get("/sitemap-news.xml?p=1")) == "miss"
    assert state(client.get("/sitemap-news.xml?p=01")) == "hit"


def test_every_key_the_site_writes_expires(client, settings, editor_client=None):
    settings.CACHES = {"default": {"BACKEND": "tests.test_cache_bounds.RecordingCache"}}
    RecordingCache.written.clear()
    article = make_article(title="Haven", slug="haven", section=make_section())
    make_ticker_item(headline="Storm op zee")

    for path in ("/", "/artikel/haven/", "/ticker/", "/feed/", "/archief/?page=1"):
        assert client.get(path).status_code == 200
        client.get(path, headers={"if-none-match": '"x"'})
    article.title = "Haven (bijgewerkt)"
    article.save()
    pagecache.invalidate()
    client.get("/readyz")

    written = RecordingCache.written
    assert {
        cachetags.tag_key(cachetags.ALL),
        cachetags.tag_key("front"),
        cachetags.CHANGE_KEY,
        cachetags.CLOCK_KEY,
        "ticker:generation",
        STATE_KEY,
    } <= set(written)
    assert any(key.startswith(pagecache.HISTORY_PREFIX) for key in written)
    assert any(key.startswith(pagecache.ENTRY_PREFIX) for key in written)
    forever = {key for key, timeout in written.items() if timeout is None}
    assert not forever
    assert max(written.values()) <= 24 * 60 * 60
