"""Sections, tags, authors, the ticker and the API root: only what readers see."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section, make_ticker_item

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def hidden_articles():
    """A draft, a scheduled and a killed article, each with its own tag and author."""
    now = timezone.now()
    kinds = {
        "draft": {"status": Article.Status.DRAFT},
        "scheduled": {"published_at": now + timedelta(hours=1)},
        "killed": {"status": Article.Status.KILLED, "kill_reason": "Fout."},
    }
    return {
        kind: make_article(
            tags=[f"tag-{kind}"], authors=[make_author(name=f"Auteur {kind}")], **extra
        )
        for kind, extra in kinds.items()
    }


def test_root_links_every_endpoint(client):
    data = client.get("/api/v1/").json()
    assert set(data) == {
        "articles",
        "sections",
        "tags",
        "authors",
        "ticker",
        "liveblogs",
        "schema",
        "reference",
    }
    for url in data.values():
        assert url.startswith("http://testserver/api/v1/")
        assert client.get(url).status_code == 200, url


def test_sections(client):
    make_section(name="Economie", description="Geld en werk")
    (section,) = results(client.get("/api/v1/sections/"))
    assert section["name"] == "Economie"
    assert section["description"] == "Geld en werk"
    assert section["url"] == "http://testserver/rubriek/economie/"


def test_tags_only_of_public_articles(client, hidden_articles):
    make_article(tags=["haven"])
    tags = results(client.get("/api/v1/tags/"))
    assert [tag["slug"] for tag in tags] == ["haven"]
    assert tags[0]["url"] == "http://testserver/tag/haven/"


def test_authors_only_with_public_bylines(client, hidden_articles):
    author = make_author(name="Fatima", bio="Verslaggever in Rabat.")
    make_article(authors=[author])
    make_author(name="Zonder artikelen")
    authors = results(client.get("/api/v1/authors/"))
    assert [(a["name"], a["bio"]) for a in authors] == [
        ("Fatima", "Verslaggever in Rabat.")
    ]


def test_tags_are_cursor_paginated(client, monkeypatch):
    monkeypatch.setattr("api.views.TAGS_PAGE_SIZE", 2)
    for name in ("a", "b", "c", "d", "e"):
        make_article(tags=[f"tag-{name}"])
    seen, url = [], "/api/v1/tags/"
    while url:
        data = client.get(url).json()
        seen += [tag["slug"] for tag in data["results"]]
        url = data["next"]
    assert sorted(seen) == [f"tag-{name}" for name in "abcde"]
    assert len(seen) == 5


def test_ticker_shows_live_items_and_links_only_public_articles(
    client, hidden_articles
):
    public = make_article()
    now = timezone.now()
    make_ticker_item(headline="Verborgen", is_visible=False)
    make_ticker_item(headline="Straks", published_at=now + timedelta(hours=1))
    make_ticker_item(headline="Met artikel", article=public)
    make_ticker_item(headline="Concept", article=hidden_articles["draft"])
    make_ticker_item(headline="Breaking", is_breaking=True)
    items = results(client.get("/api/v1/ticker/"))
    by_headline = {item["headline"]: item for item in items}
    assert set(by_headline) == {"Met artikel", "Concept", "Breaking"}
    assert by_headline["Met artikel"]["article"]["id"] == public.pk
    assert by_headline["Concept"]["article"] is None
    assert by_headline["Concept"]["url"] is None
    assert by_headline["Breaking"]["breaking"] is True
    assert "+" in by_headline["Breaking"]["published_at"][19:]


def test_reference_page_works_under_the_strict_csp(client):
    response = client.get("/api/v1/reference/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/articles/{id}/" in html
    # The site's own files only: no inline script or style, nothing from elsewhere.
    assert not re.search(r'<script(?![^>]*\bsrc="/)', html)
    assert " style=" not in html and "<style" not in html
    assert 'src="http' not in html
    assert re.findall(r'<link rel="stylesheet" href="([^"]*)"', html)
    assert all(
        href.startswith("/")
        for href in re.findall(r'<link rel="stylesheet" href="([^"]*)"', html)
    )
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "cdn" not in policy
