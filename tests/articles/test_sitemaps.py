"""sitemap.xml, its sections, the Google News sitemap and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # raises on XML that is not well-formed


def locations(root):
    return [loc.text for loc in root.iterfind("sm:url/sm:loc", NS)]


@pytest.fixture
def site():
    now = timezone.now()
    economie = make_section(name="Economie")
    make_section(name="Sport")  # no articles yet
    samira, karim = make_author(name="Samira"), make_author(name="Karim")
    make_author(name="Nog niets gepubliceerd")
    online = make_article(
        title="Online & actueel",
        slug="online",
        section=economie,
        tags=["Haven"],
        authors=[samira],
        published_at=now - timedelta(hours=2),
    )
    old = make_article(
        title="Oud nieuws",
        slug="oud",
        section=economie,
        authors=[samira],
        published_at=now - timedelta(days=3),
    )
    hidden = {
        "concept": {"status": Article.Status.DRAFT},
        "review": {"status": Article.Status.REVIEW},
        "ingepland": {"published_at": now + timedelta(days=1)},
        "ingetrokken": {"status": Article.Status.KILLED},
        "verlopen": {
            "published_at": now - timedelta(hours=3),
            "expires_at": now - timedelta(hours=1),
        },
    }
    for slug, extra in hidden.items():
        make_article(
            title=slug, slug=slug, tags=[f"Alleen-{slug}"], authors=[karim], **extra
        )
    return {"online": online, "old": old, "hidden": list(hidden)}


def test_index_lists_every_sitemap(client, site):
    root = parse(client, "/sitemap.xml")

    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    assert [loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NS)] == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-news.xml",
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-tags.xml",
        "http://testserver/sitemap-authors.xml",
    ]


def test_article_sitemap_has_only_published_articles_with_lastmod(client, site):
    root = parse(client, "/sitemap-articles.xml")
    urls = {
        url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
        for url in root.iterfind("sm:url", NS)
    }

    assert sorted(urls) == [
        "http://testserver/artikel/online/",
        "http://testserver/artikel/oud/",
    ]
    assert urls["http://testserver/artikel/online/"] == (
        timezone.localdate(site["online"].published_at).isoformat()
    )


def test_lastmod_follows_the_public_update_time(client, site):
    updated = timezone.now() - timedelta(days=1)
    Article.objects.filter(pk=site["old"].pk).update(public_updated_at=updated)

    root = parse(client, "/sitemap-articles.xml")
    lastmod = {
        url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
        for url in root.iterfind("sm:url", NS)
    }

    assert lastmod["http://testserver/artikel/oud/"] == (
        timezone.localdate(updated).isoformat()
    )


def test_section_tag_and_author_sitemaps(client, site):
    sections = locations(parse(client, "/sitemap-sections.xml"))
    tags = locations(parse(client, "/sitemap-tags.xml"))
    authors = locations(parse(client, "/sitemap-authors.xml"))

    assert sections == [
        "http://testserver/rubriek/economie/",
        "http://testserver/rubriek/sport/",
    ]
    # Only tags and authors with something published: no empty pages.
    assert tags == ["http://testserver/tag/haven/"]
    assert authors == ["http://testserver/auteur/samira/"]


def test_news_sitemap_has_the_last_48_hours_with_news_elements(client, site):
    root = parse(client, "/sitemap-news.xml")
    [url] = root.findall("sm:url", NS)

    assert url.find("sm:loc", NS).text == "http://testserver/artikel/online/"
    news = url.find("news:news", NS)
    assert news.find("news:publication/news:name", NS).text == "Marokko Nieuws"
    assert news.find("news:publication/news:language", NS).text == "nl"
    assert news.find("news:title", NS).text == "Online & actueel"
    assert news.find("news:publication_date", NS).text == (
        timezone.localtime(site["online"].published_at).isoformat(timespec="seconds")
    )


def test_news_sitemap_is_valid_when_nothing_is_recent(client):
    make_article(published_at=timezone.now() - timedelta(days=5))

    root = parse(client, "/sitemap-news.xml")

    assert root.findall("sm:url", NS) == []


def test_hidden_articles_appear_in_no_sitemap(client, site):
    everything = b"".join(
        client.get(url).content
        for url in [
            "/sitemap-articles.xml",
            "/sitemap-news.xml",
            "/sitemap-tags.xml",
            "/sitemap-authors.xml",
        ]
    ).decode()

    for slug in site["hidden"]:
        assert f"/artikel/{slug}/" not in everything
        assert f"/tag/alleen-{slug}/" not in everything
    assert "/auteur/karim/" not in everything


def test_robots_txt_points_to_the_sitemaps_and_keeps_out_of_the_admin(client, settings):
    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in lines
    assert f"Disallow: /{settings.ADMIN_URL}" in lines
    assert "Disallow: /voorbeeld/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
