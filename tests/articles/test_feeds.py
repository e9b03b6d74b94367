"""The RSS feed and the sitemaps: published articles only, absolute links."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


def test_feed_lists_published_articles_newest_first(client):
    section = make_section(name="Economie")
    samira, karim = make_author(name="Samira El Idrissi"), make_author(name="Karim")
    make_article(title="Ouder bericht", published_at=timezone.now() - timedelta(days=1))
    newest = make_article(
        title="Nieuw datacenter",
        lead="Marokko wordt een AI-hub.",
        section=section,
        tags=["AI"],
        authors=[samira, (karim, "foto")],
        published_at=timezone.now() - timedelta(minutes=5),
    )
    make_article(title="Concept", status=Article.Status.DRAFT)
    make_article(title="Ingepland", published_at=timezone.now() + timedelta(hours=1))

    response = client.get("/feed/")
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.feed.title == "Marokko Nieuws"
    assert feed.feed.language == "nl"
    assert [e.title for e in feed.entries] == ["Nieuw datacenter", "Ouder bericht"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{newest.get_absolute_url()}"
    assert entry.summary == "Marokko wordt een AI-hub."
    assert [t.term for t in entry.tags] == ["Economie", "AI"]
    assert entry.id == f"newsroom:article:{newest.pk}"
    assert "Samira El Idrissi, Karim" in response.content.decode()


def test_feed_is_valid_when_empty(client):
    feed = feedparser.parse(client.get("/feed/").content)

    assert not feed.bozo
    assert feed.entries == []


def test_sitemap_index_and_article_sitemap(client):
    make_section(name="Sport")
    online = make_article(title="Online")
    make_article(title="Concept", status=Article.Status.DRAFT, slug="concept")
    make_article(published_at=timezone.now() + timedelta(days=1), slug="ingepland")

    index = client.get("/sitemap.xml").content.decode()
    articles = client.get("/sitemap-articles.xml").content.decode()
    sections = client.get("/sitemap-sections.xml").content.decode()

    assert "http://testserver/sitemap-articles.xml" in index
    assert "http://testserver/sitemap-sections.xml" in index
    assert f"<loc>http://testserver{online.get_absolute_url()}</loc>" in articles
    assert "<lastmod>" in articles
    assert "/artikel/concept/" not in articles
    assert "/artikel/ingepland/" not in articles
    assert "<loc>http://testserver/rubriek/sport/</loc>" in sections
