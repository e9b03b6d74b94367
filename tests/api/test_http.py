"""The API over HTTP: validators and 304s, the page cache, CORS, rate limiting, JSON
errors for bad requests (never a 500)."""

import socket

import pytest
from django.test import Client

from api.throttling import ClientRateThrottle
from articles.models import Article
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def test_etag_and_304(client):
    make_article()
    response = client.get(LIST)
    etag = response["ETag"]
    assert etag
    again = client.get(LIST, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.usefixtures("page_cache")
def test_the_page_cache_keeps_api_answers_and_drops_them_on_a_change(
    client, django_assert_num_queries
):
    article = make_article(title="Eerste")
    first = client.get(LIST)
    assert first["X-Page-Cache"] == "miss"
    assert first["Cache-Control"].startswith("public, max-age=")
    assert first["Last-Modified"]
    with django_assert_num_queries(0):
        hit = client.get(LIST)
    assert hit["X-Page-Cache"] == "hit"
    assert hit.content == first.content
    assert hit["Content-Type"] == "application/json"
    not_modified = client.get(LIST, headers={"if-none-match": first["ETag"]})
    assert not_modified.status_code == 304
    since = client.get(LIST, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304

    # The same invalidation as the pages: a save is seen at once.
    article.title = "Gewijzigd"
    article.save()
    changed = client.get(LIST)
    assert changed["X-Page-Cache"] == "miss"
    assert "Gewijzigd" in changed.json()["results"][0]["title"]
    assert client.get(LIST, headers={"if-none-match": first["ETag"]}).status_code == (
        200
    )


@pytest.mark.usefixtures("page_cache")
def test_filtered_lists_never_get_another_lists_cached_answer(client):
    economie, sport = make_section(name="Economie"), make_section(name="Sport")
    in_economie = make_article(section=economie)
    in_sport = make_article(section=sport)
    assert len(client.get(LIST).json()["results"]) == 2
    for section, article in ((economie, in_economie), (sport, in_sport)):
        for _ in range(2):
            data = client.get(LIST, {"section": section.slug}).json()
            assert [item["id"] for item in data["results"]] == [article.pk]
    limited = client.get(LIST, {"limit": "1"})
    assert len(limited.json()["results"]) == 1
    assert client.get(LIST, {"limit": "1"})["X-Page-Cache"] == "hit"
    # Cursor pages are kept too: the cursor is digits only.
    second = client.get(limited.json()["next"])
    assert second.json()["results"][0]["id"] != limited.json()["results"][0]["id"]
    assert client.get(limited.json()["next"])["X-Page-Cache"] == "hit"


def test_cors_for_configured_origins_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.nl"]
    allowed = client.get(LIST, headers={"origin": "https://app.example.nl"})
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.nl"
    assert "ETag" in allowed["Access-Control-Expose-Headers"]
    other = client.get(LIST, headers={"origin": "https://elders.example"})
    assert "Access-Control-Allow-Origin" not in other
    preflight = client.options(
        LIST,
        headers={
            "origin": "https://app.example.nl",
            "access-control-request-method": "GET",
        },
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "https://app.example.nl"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    # Pages are not part of it.
    page = client.get("/", headers={"origin": "https://app.example.nl"})
    assert "Access-Control-Allow-Origin" not in page


def test_rate_limit_answers_429_with_retry_after(settings):
    settings.API_RATE_LIMIT = "3/min"
    reader = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(3):
        assert reader.get("/api/v1/sections/").status_code == 200
    limited = reader.get("/api/v1/sections/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["detail"]
    assert limited["Cache-Control"] == "no-store"
    # Another client is not limited by the first one's requests.
    assert Client(REMOTE_ADDR="192.0.2.11").get("/api/v1/sections/").status_code == 200


def test_rate_limit_behind_a_proxy_counts_the_client_address(settings):
    settings.API_RATE_LIMIT = "1/min"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    first = {"x-forwarded-for": "198.51.100.1"}
    second = {"x-forwarded-for": "198.51.100.2"}
    assert proxy.get("/api/v1/", headers=first).status_code == 200
    assert proxy.get("/api/v1/", headers=first).status_code == 429
    assert proxy.get("/api/v1/", headers=second).status_code == 200


class BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("cache away")

    set = add = get


def test_rate_limit_lets_requests_through_when_the_cache_fails(
    client, settings, monkeypatch
):
    settings.API_RATE_LIMIT = "1/min"
    monkeypatch.setattr(ClientRateThrottle, "cache", BrokenCache())
    for _ in range(3):
        assert client.get("/api/v1/sections/").status_code == 200


def test_rate_limit_with_redis_away_degrades(client, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.API_RATE_LIMIT = "1/min"
    for _ in range(3):
        assert client.get("/api/v1/sections/").status_code == 200


def test_write_methods_are_405_json(client):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(LIST)
        assert response.status_code == 405, method
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]
        assert "POST" not in response["Allow"]


HOSTILE = [
    {"limit": "0"},
    {"limit": "101"},
    {"limit": "abc"},
    {"limit": "9" * 40},
    {"limit": "٣"},
    {"cursor": "garbage!"},
    {"cursor": "1234"},
    {"cursor": "9" * 37},
    {"cursor": "-" + "1" * 30},
    {"cursor": "１２３４５６７８９０１２３４５６７８９０１２３"},
    {"cursor": "a\x00b"},
    {"published_after": "gisteren"},
    {"published_after": "2026-13-45T10:00:00"},
    {"published_after": "2026-02-30"},
    {"updated_after": "99999-01-01T00:00:00"},
    {"section": "<script>"},
    {"section": "a\x00b"},
    {"tag": "../../etc"},
    {"author": "x" * 300},
    {"fields": "id,wachtwoord"},
    {"fields": ","},
    {"q": "haven " * 100},
    {"q": "a\x00b"},
    {"onbekend": "1"},
    {"section": ["a", "b"]},
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_query_parameters_are_a_clear_400(client, query):
    make_article()
    response = client.get(LIST, query)
    assert response.status_code == 400, (query, response.content)
    data = response.json()
    assert data["detail"]
    assert set(data["errors"]) <= set(query)
    assert data["errors"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles/1/?fields=nope",
        "/api/v1/tags/?cursor=-1",
        "/api/v1/authors/?cursor=99999999999999999999999",
        "/api/v1/sections/?x=1",
        "/api/v1/ticker/?limit=5",
    ],
)
def test_hostile_parameters_on_other_endpoints(client, url):
    make_article()
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "query",
    [
        {"section": "économie"},
        {"tag": "المغرب"},
        {"q": '"haven" OR -x* NEAR(a b) \' ;'},
        {"published_after": "2026-01-01"},
        {"published_after": "2026-01-01T10:00:00+01:00"},
        {"published_after": "1000-01-01T00:00:00Z"},
        {"limit": "100"},
        # A local time that clocks skip (summer time) is read as zoneinfo does.
        {"published_before": "2026-03-29T02:30:00"},
    ],
)
def test_odd_but_valid_parameters_answer(client, query):
    make_article(title="Haven")
    response = client.get(LIST, query)
    assert response.status_code == 200, response.content


def test_an_article_id_past_any_column_is_404(client):
    assert client.get(f"/api/v1/articles/{2**64}/").status_code == 404
    assert not Article.objects.filter(pk=2**40).exists()


def test_head_and_options(client):
    make_article()
    head = client.head(LIST)
    assert head.status_code == 200 and head.content == b""
    options = client.options(LIST)
    assert options.status_code == 200
    assert "GET" in options["Allow"] and "POST" not in options["Allow"]


def test_an_unexpected_error_is_logged_and_answered_as_json(
    client, monkeypatch, caplog
):
    make_article()

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr("api.views.Builder.article", broken)
    with caplog.at_level("ERROR", logger="api.errors"):
        response = client.get(LIST)
    assert response.status_code == 500
    assert response.json()["detail"]
    assert "kapot" not in response.content.decode()
    assert any("kapot" in (r.exc_text or "") or r.exc_info for r in caplog.records)
