"""RSS 2.0 and Atom feeds: site-wide and per section, tag and author."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

FEEDS = {
    "site": ("/feed/", "/feed/atom/"),
    "section": ("/rubriek/economie/feed/", "/rubriek/economie/atom/"),
    "tag": ("/tag/ai/feed/", "/tag/ai/atom/"),
    "author": ("/auteur/samira-el-idrissi/feed/", "/auteur/samira-el-idrissi/atom/"),
}


@pytest.fixture
def newsroom():
    """Two sections, two authors, and articles in every state."""
    economie, sport = make_section(name="Economie"), make_section(name="Sport")
    samira, karim = make_author(name="Samira El Idrissi"), make_author(name="Karim")
    now = timezone.now()
    older = make_article(
        title="Ouder bericht",
        section=economie,
        tags=["AI"],
        authors=[samira],
        published_at=now - timedelta(days=1),
    )
    newest = make_article(
        title="Nieuw datacenter",
        lead="Marokko wordt een AI-hub.",
        section=economie,
        tags=["AI", "Energie"],
        authors=[samira, (karim, "foto")],
        lead_image=make_image(alt="Bouwterrein aan de kust", credit="Karim"),
        published_at=now - timedelta(minutes=5),
    )
    make_article(
        title="Sportnieuws", section=sport, published_at=now - timedelta(days=2)
    )
    for title, extra in [
        ("Concept", {"status": Article.Status.DRAFT}),
        ("Ingepland", {"published_at": now + timedelta(hours=1)}),
        ("Ingetrokken", {"status": Article.Status.KILLED}),
    ]:
        make_article(
            title=title, section=economie, tags=["AI"], authors=[samira], **extra
        )
    return {"newest": newest, "older": older}


@pytest.mark.parametrize("kind", FEEDS)
def test_every_feed_parses_cleanly_in_rss_and_atom(client, newsroom, kind):
    for url, version, content_type in zip(
        FEEDS[kind],
        ["rss20", "atom10"],
        ["application/rss+xml", "application/atom+xml"],
        strict=True,
    ):
        response = client.get(url)
        feed = feedparser.parse(response.content)

        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(content_type)
        assert feed.bozo == 0, (url, feed.get("bozo_exception"))
        assert feed.version == version
        assert feed.feed.language == "nl"
        assert [e.title for e in feed.entries][:2] == [
            "Nieuw datacenter",
            "Ouder bericht",
        ], url


def test_site_feed_has_everything_a_reader_needs(client, newsroom):
    newest = newsroom["newest"]
    response = client.get("/feed/")
    feed = feedparser.parse(response.content)
    entry = feed.entries[0]

    assert feed.feed.title == "Marokko Nieuws"
    # Newest first; no drafts, scheduled or withdrawn articles.
    assert [e.title for e in feed.entries] == [
        "Nieuw datacenter",
        "Ouder bericht",
        "Sportnieuws",
    ]
    assert entry.link == f"http://testserver{newest.get_absolute_url()}"
    assert entry.summary == "Marokko wordt een AI-hub."
    assert entry.author == "Samira El Idrissi en Karim"
    assert [t.term for t in entry.tags] == ["Economie", "AI", "Energie"]
    assert entry.id == f"newsroom:article:{newest.pk}"
    assert entry.guidislink is False
    assert entry.published_parsed[:5] == newest.published_at.utctimetuple()[:5]
    # The image library's share rendition, never the original upload.
    share = newest.lead_image.share_rendition
    [enclosure] = entry.enclosures
    assert enclosure.href == f"http://testserver{share.url}"
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == share.size
    assert entry.media_content[0]["url"] == enclosure.href
    assert entry.media_content[0]["medium"] == "image"
    assert entry.media_content[0]["width"] == str(share.width)
    assert entry.media_credit[0]["content"] == "Karim"
    assert "Bouwterrein aan de kust" in response.content.decode()


def test_atom_entries_carry_updated_time_author_link_and_enclosure(client, newsroom):
    newest = newsroom["newest"]
    older = newsroom["older"]
    updated = timezone.now() - timedelta(minutes=1)
    Article.objects.filter(pk=older.pk).update(public_updated_at=updated)

    feed = feedparser.parse(client.get("/feed/atom/").content)
    entries = {e.title: e for e in feed.entries}

    assert feed.feed.author == "Marokko Nieuws"
    assert entries["Ouder bericht"].updated_parsed[:5] == updated.utctimetuple()[:5]
    assert (
        entries["Ouder bericht"].published_parsed[:5]
        == (older.published_at.utctimetuple()[:5])
    )
    assert entries["Ouder bericht"].author_detail.href == (
        "http://testserver/auteur/samira-el-idrissi/"
    )
    assert entries["Nieuw datacenter"].id == f"newsroom:article:{newest.pk}"
    enclosure = [
        link for link in entries["Nieuw datacenter"].links if link.rel == "enclosure"
    ]
    assert enclosure[0].type == "image/jpeg"


def test_guid_survives_editing_the_title_and_slug(client, newsroom):
    newest = newsroom["newest"]
    before = feedparser.parse(client.get("/feed/").content).entries

    newest.title = "Nieuw datacenter, nu met een andere kop"
    newest.slug = "andere-kop"
    newest.save()
    after = feedparser.parse(client.get("/feed/").content).entries

    ids_before = {e.title: e.id for e in before}
    ids_after = {e.title: e.id for e in after}
    assert ids_after[newest.title] == ids_before["Nieuw datacenter"]


def test_section_tag_and_author_feeds_hold_only_their_articles(client, newsroom):
    section = feedparser.parse(client.get("/rubriek/economie/feed/").content)
    tag = feedparser.parse(client.get("/tag/energie/atom/").content)
    author = feedparser.parse(client.get("/auteur/karim/feed/").content)

    assert [e.title for e in section.entries] == ["Nieuw datacenter", "Ouder bericht"]
    assert section.feed.title == "Economie — Marokko Nieuws"
    assert section.feed.link == "http://testserver/rubriek/economie/"
    assert [e.title for e in tag.entries] == ["Nieuw datacenter"]
    assert [e.title for e in author.entries] == ["Nieuw datacenter"]


def test_feeds_of_unknown_sections_tags_and_authors_are_404(client):
    for url in ["/rubriek/bestaat-niet/feed/", "/tag/niets/atom/", "/auteur/x/feed/"]:
        assert client.get(url).status_code == 404


def test_feeds_are_valid_when_empty(client):
    for url in FEEDS["site"]:
        feed = feedparser.parse(client.get(url).content)

        assert feed.bozo == 0
        assert feed.entries == []


def test_an_image_without_renditions_leaves_the_feed_working(client, newsroom):
    image = newsroom["newest"].lead_image
    type(image).objects.filter(pk=image.pk).update(renditions={})

    feed = feedparser.parse(client.get("/feed/").content)
    entry = next(e for e in feed.entries if e.title == "Nieuw datacenter")

    assert feed.bozo == 0
    assert entry.enclosures == []


def test_pages_link_their_feeds_in_the_head(client, newsroom):
    front = client.get("/").content.decode()
    section = client.get("/rubriek/economie/").content.decode()
    tag = client.get("/tag/ai/").content.decode()
    author = client.get("/auteur/samira-el-idrissi/").content.decode()
    article = client.get(newsroom["newest"].get_absolute_url()).content.decode()

    site_rss = '<link rel="alternate" type="application/rss+xml"'
    for html in (front, section, tag, author, article):
        assert f'{site_rss} title="Marokko Nieuws (RSS)" href="/feed/">' in html
        assert 'type="application/atom+xml" title="Marokko Nieuws (Atom)"' in html
        assert 'href="/laatste-nieuws/feed/"' in html
    assert 'href="/rubriek/economie/feed/"' in section
    assert 'href="/rubriek/economie/atom/"' in section
    assert 'href="/tag/ai/feed/"' in tag
    assert 'href="/auteur/samira-el-idrissi/atom/"' in author


def test_feed_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    for n in range(5):
        make_article(
            title=f"Bericht {n}",
            section=make_section(),
            tags=["Marokko"],
            authors=[make_author()],
        )

    # Articles with their sections, bylines and tags (stored with each article).
    with django_assert_num_queries(1):
        client.get("/feed/")
