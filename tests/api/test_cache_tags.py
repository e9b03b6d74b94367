"""API answers carry the cache tags of what they show (newsroom/cachetags.py): a
change drops the answers that show it and keeps the others, and none is left
`untagged` (which every change would drop)."""

import pytest

from tests.factories import make_article, make_author, make_section, make_ticker_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

API = "/api/v1/"


def tags(response):
    assert response.status_code == 200
    return set(response["Surrogate-Key"].split())


def state(response):
    return response.headers.get("X-Page-Cache")


@pytest.fixture
def site():
    economie = make_section(name="Economie")
    sport = make_section(name="Sport")
    writer = make_author(name="Samira Haddad")
    a = make_article(title="Haven", section=economie, tags=["Haven"], authors=[writer])
    b = make_article(title="Voetbal", section=sport)
    return {"economie": economie, "sport": sport, "writer": writer, "a": a, "b": b}


def test_no_api_answer_is_untagged(client, site):
    for url in (
        API,
        f"{API}articles/",
        f"{API}articles/{site['a'].pk}/",
        f"{API}sections/",
        f"{API}tags/",
        f"{API}authors/",
        f"{API}ticker/",
        f"{API}reference/",
    ):
        assert "untagged" not in tags(client.get(url)), url


def test_list_and_detail_name_what_they_show(client, site):
    a, b = site["a"], site["b"]
    listed = tags(client.get(f"{API}articles/"))
    assert {"feed", f"article-{a.pk}", f"article-{b.pk}"} <= listed

    detail = tags(client.get(f"{API}articles/{a.pk}/"))
    tag = a.tags.get()
    assert {
        f"article-{a.pk}",
        f"section-name-{site['economie'].pk}",
        f"author-name-{site['writer'].pk}",
        f"tag-name-{tag.pk}",
    } <= detail
    assert f"article-{b.pk}" not in detail and "feed" not in detail

    assert {"nav"} <= tags(client.get(f"{API}sections/"))
    assert {"feed", f"tag-{tag.pk}"} <= tags(client.get(f"{API}tags/"))
    assert {"feed", f"author-{site['writer'].pk}"} <= tags(client.get(f"{API}authors/"))
    assert "ticker" in tags(client.get(f"{API}ticker/"))


def test_a_change_drops_the_answers_that_show_it_and_keeps_the_others(client, site):
    a, b = site["a"], site["b"]
    urls = {
        "list": f"{API}articles/",
        "a": f"{API}articles/{a.pk}/",
        "b": f"{API}articles/{b.pk}/",
        "sections": f"{API}sections/",
        "ticker": f"{API}ticker/",
    }
    for url in urls.values():
        client.get(url)
    assert all(state(client.get(url)) == "hit" for url in urls.values())

    a.title = "Haven van Tanger"
    a.save()

    assert state(client.get(urls["a"])) == "miss"
    listed = client.get(urls["list"])
    assert state(listed) == "miss"
    assert "Haven van Tanger" in [row["title"] for row in listed.json()["results"]]
    for name in ("b", "sections", "ticker"):
        assert state(client.get(urls[name])) == "hit", name

    # A ticker item readers see drops the ticker's answer, not the articles'.
    make_ticker_item(headline="Stroomstoring in Casablanca")
    ticker = client.get(urls["ticker"])
    assert state(ticker) == "miss"
    assert "Stroomstoring in Casablanca" in ticker.text
    assert state(client.get(urls["b"])) == "hit"

    # A renamed author drops the answers that print the name.
    writer = site["writer"]
    writer.name = "Samira El Haddad"
    writer.save()
    detail = client.get(urls["a"])
    assert state(detail) == "miss"
    assert "Samira El Haddad" in detail.text
    assert state(client.get(urls["b"])) == "hit"
