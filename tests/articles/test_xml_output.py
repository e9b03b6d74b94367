"""Feeds and sitemaps stay well-formed XML whatever text is stored.

Rows written before the admin cleaned its input (or by any other door) may hold C0
controls and U+FFFE/U+FFFF; every feed and sitemap must still answer 200 with XML a
reader can parse.
"""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from articles.models import Article, Section
from images.models import Image
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_section,
    make_ticker_item,
)
from ticker.models import TickerItem

pytestmark = pytest.mark.django_db

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def dirty():
    """An article (and all around it) stored with characters XML cannot carry."""
    section = make_section(name="Economie")
    # Stored as is: Author.save() and taggit clean nothing.
    author = make_author(name="Karim\x0b El Amrani")
    image = make_image()
    article = make_article(
        title="Kop\x0bmet verticale tab",
        lead="Intro\x0cmet\x01stuurtekens\ufffe en \uffff.",
        section=section,
        authors=[author],
        tags=["ha\x0bven"],
        lead_image=image,
    )
    # Written the way old rows were, past every cleaning save() or form does now.
    Section.objects.filter(pk=section.pk).update(
        name="Eco\x0bnomie", description="Over\x01geld"
    )
    Image.objects.filter(pk=image.pk).update(
        alt="Haven\x0bvan Tanger", credit="AN\x01P"
    )
    item = make_ticker_item(headline="Breaking")
    TickerItem.objects.filter(pk=item.pk).update(
        headline="Aardbeving\x01bij Al Hoceima\ufffe"
    )
    return Article.objects.get(pk=article.pk)


def feed_urls(article):
    section, author = article.section, article.bylines.get().author
    tag = article.tags.get()
    return [
        reverse("feed"),
        reverse("feed_atom"),
        reverse("articles:section_feed", kwargs={"slug": section.slug}),
        reverse("articles:section_atom", kwargs={"slug": section.slug}),
        reverse("articles:tag_feed", kwargs={"slug": tag.slug}),
        reverse("articles:tag_atom", kwargs={"slug": tag.slug}),
        reverse("articles:author_feed", kwargs={"slug": author.slug}),
        reverse("articles:author_atom", kwargs={"slug": author.slug}),
    ]


def parse(response):
    assert response.status_code == 200, response.request["PATH_INFO"]
    return ET.fromstring(response.content)


def test_every_feed_is_well_formed_with_dirty_stored_text(client, dirty):
    for url in feed_urls(dirty):
        text = ET.tostring(parse(client.get(url)), encoding="unicode")
        assert "Kop met verticale tab" in text, url
        assert "Karim  El Amrani" in text, url
    rss = ET.tostring(parse(client.get(reverse("feed"))), encoding="unicode")
    assert "Haven van Tanger" in rss  # media:description
    assert "Eco nomie" in rss  # categories
    assert "ha ven" in rss


def test_the_ticker_feed_is_well_formed_with_a_control_character(client, dirty):
    root = parse(client.get(reverse("ticker:feed")))

    titles = [title.text for title in root.iter("title")]
    assert "Aardbeving bij Al Hoceima " in titles


def test_every_sitemap_is_well_formed_with_dirty_stored_text(client, dirty):
    index = parse(client.get(reverse("sitemap")))
    urls = [loc.text for loc in index.iter(f"{SITEMAP_NS}loc")]
    assert len(urls) >= 5
    for url in urls:
        parse(client.get(url))

    news = client.get(reverse("sitemap_news"))
    root = parse(news)
    titles = [
        el.text
        for el in root.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")
    ]
    assert titles == ["Kop met verticale tab"]
