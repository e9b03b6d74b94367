"""sitemap.xml, its sections, the Google News sitemap and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article
from articles.sitemaps import ArticleSitemap
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


@pytest.fixture
def three_a_page(monkeypatch):
    """Article sitemap pages of three ids each (5,000 on the site)."""
    monkeypatch.setattr(ArticleSitemap, "limit", 3)
    return 3


def page_of(article, limit=3):
    """The sitemap page of an article: its id's range of limit ids."""
    return -(-article.pk // limit)


def article_pages(client, last):
    return {
        page: locations(parse(client, f"/sitemap-articles.xml?p={page}"))
        for page in range(1, last + 1)
    }


def test_article_sitemap_pages_are_id_ranges_listed_in_the_index(client, three_a_page):
    now = timezone.now()
    public = [make_article(published_at=now - timedelta(hours=n)) for n in range(7)]
    draft = make_article(status=Article.Status.DRAFT)
    last = page_of(draft)

    index = [
        loc.text
        for loc in parse(client, "/sitemap.xml").iterfind("sm:sitemap/sm:loc", NS)
        if "sitemap-articles" in loc.text
    ]
    pages = article_pages(client, last)

    assert index == ["http://testserver/sitemap-articles.xml"] + [
        f"http://testserver/sitemap-articles.xml?p={page}"
        for page in range(2, last + 1)
    ]
    # Every public article once, on the page of its id, in id order; at most three
    # a page; the draft on none.
    for page, urls in pages.items():
        assert urls == [
            f"http://testserver{article.get_absolute_url()}"
            for article in public
            if page_of(article) == page
        ]
    assert sum(pages.values(), []) == [
        f"http://testserver{article.get_absolute_url()}" for article in public
    ]
    assert client.get(f"/sitemap-articles.xml?p={last + 1}").status_code == 404
    assert client.get("/sitemap-articles.xml?p=twee").status_code == 404


def test_article_sitemap_page_keeps_its_articles_when_newer_ones_appear(
    client, three_a_page
):
    now = timezone.now()
    older = [make_article(published_at=now - timedelta(days=n)) for n in range(1, 7)]
    # Six consecutive ids fill at least the pages before the last older one.
    before = article_pages(client, page_of(older[-1]) - 1)

    newer = [make_article(published_at=now - timedelta(minutes=n)) for n in range(4)]
    after = article_pages(client, page_of(newer[-1]))

    # The pages of the older articles did not move; the new ones are at the end.
    assert before and {page: after[page] for page in before} == before
    newest = f"http://testserver{newer[-1].get_absolute_url()}"
    assert newest in after[page_of(newer[-1])]


def test_article_sitemap_page_queries_do_not_grow_with_articles(
    client, three_a_page, django_assert_num_queries
):
    make_article()
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap-articles.xml")
    for _ in range(20):
        make_article()
    last = page_of(Article.objects.latest("pk"))

    # The newest id (number of pages) and one range of ids, on any page.
    assert len(few) == 2
    for page in (1, last // 2 or 1, last):
        cache.clear()  # the page cache would answer without a query
        with django_assert_num_queries(2):
            assert client.get(f"/sitemap-articles.xml?p={page}").status_code == 200


def test_article_sitemap_location_and_last_modified(client):
    now = timezone.now()
    updated = now - timedelta(hours=1)
    newest = make_article(
        title="Rabat", slug="رباط-نيوز", published_at=now - timedelta(days=2)
    )
    Article.objects.filter(pk=newest.pk).update(public_updated_at=updated)
    make_article(published_at=now - timedelta(hours=5))

    response = client.get("/sitemap-articles.xml")
    root = ET.fromstring(response.content)

    # Quoted as reverse() quotes it; the page is as new as its newest update.
    assert f"http://testserver{newest.get_absolute_url()}" in locations(root)
    assert "%D8%B1" in newest.get_absolute_url()
    assert response["Last-Modified"] == http_date(updated.timestamp())
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    changefreq = {url.findtext("sm:changefreq", namespaces=NS) for url in root}
    assert changefreq == {"hourly"}


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


def test_robots_txt_points_to_the_sitemaps_and_does_not_name_the_admin(
    client, settings
):
    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in lines
    # The admin's address is a secret (DJANGO_ADMIN_URL): robots.txt is public.
    assert settings.ADMIN_URL.strip("/") not in response.content.decode()
    assert "Disallow: /voorbeeld/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
