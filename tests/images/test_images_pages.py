"""What readers get: <picture> with srcset on article and list pages, eager only for
the largest image, and never the original upload or any image processing."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import PreviewLink
from images import images
from images.models import Image
from tests.factories import make_article, make_author, make_image, make_section
from tests.images import image_files

pytestmark = pytest.mark.django_db


def text(response):
    assert response.status_code == 200
    return response.content.decode()


def pictures(page):
    return re.findall(r"<picture[^>]*>.*?</picture>", page, re.S)


def attrs(tag):
    return {
        name: unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)
    }


def srcset_widths(srcset):
    return [int(part.rsplit(" ", 1)[1][:-1]) for part in srcset.split(", ")]


@pytest.fixture
def photo():
    return make_image(
        image_files.photo_jpeg("haven.jpg", size=(1600, 1000)),
        alt="Containerschepen in de haven van Tanger Med",
        caption="De haven groeit.",
        credit="ANP",
    )


@pytest.fixture
def front(photo):
    """A featured lead story with a photo, and more articles with photos below it."""
    section = make_section(name="Economie")
    author = make_author(name="Samira El Idrissi")
    lead = make_article(
        title="Haven breekt record",
        section=section,
        authors=[author],
        tags=["haven"],
        featured=True,
        lead_image=photo,
    )
    others = [
        make_article(
            title=f"Ander bericht {n}",
            section=section,
            authors=[author],
            tags=["haven"],
            lead_image=make_image(
                image_files.photo_jpeg(f"b{n}.jpg", size=(900, 1200))
            ),
            published_at=timezone.now() - timedelta(hours=n + 2),
        )
        for n in range(3)
    ]
    return lead, others


def test_article_page_has_a_responsive_eager_lead_image(client, front, photo):
    lead, _others = front

    page = text(client.get(lead.get_absolute_url()))

    figure = re.search(r'<figure class="article__image">.*?</figure>', page, re.S)[0]
    source = attrs(re.search(r"<source[^>]*>", figure)[0])
    img = attrs(re.search(r"<img[^>]*>", figure)[0])
    assert source["type"] == "image/webp"
    assert srcset_widths(source["srcset"]) == [320, 640, 960, 1280]
    assert all(".webp " in part for part in source["srcset"].split(", "))
    assert source["sizes"] == img["sizes"] == "(min-width: 42rem) 42rem, 100vw"
    assert srcset_widths(img["srcset"]) == [320, 640, 960, 1280]
    assert all(".jpg " in part for part in img["srcset"].split(", "))
    assert img["src"] == photo.rendition(640).url
    # The image's own shape, so the layout does not jump when it arrives.
    assert (img["width"], img["height"]) == ("1280", "800")
    assert img["alt"] == "Containerschepen in de haven van Tanger Med"
    assert img["loading"] == "eager" and img["fetchpriority"] == "high"
    assert "De haven groeit." in figure and "Foto: ANP" in figure
    # Every srcset entry is a file that exists.
    for url in [*source["srcset"].split(", "), *img["srcset"].split(", ")]:
        assert client.get(url.split(" ")[0]).status_code == 200


def test_related_cards_below_the_article_load_lazily(client, front):
    lead, _others = front

    page = text(client.get(lead.get_absolute_url()))

    aside = re.search(r'<aside class="related".*?</aside>', page, re.S)[0]
    cards = pictures(aside)
    assert len(cards) == 3
    for card in cards:
        img = attrs(re.search(r"<img[^>]*>", card)[0])
        assert img["loading"] == "lazy" and img["decoding"] == "async"
        assert "fetchpriority" not in img


def test_front_page_lead_is_eager_and_the_cards_below_lazy(client, front, photo):
    page = text(client.get("/"))

    found = pictures(page)
    assert len(found) == 4
    lead_img = attrs(re.search(r"<img[^>]*>", found[0])[0])
    assert lead_img["loading"] == "eager" and lead_img["fetchpriority"] == "high"
    # Cards are 3:2 crops.
    assert (lead_img["width"], lead_img["height"]) == ("1280", "853")
    assert lead_img["src"] == photo.rendition(640, crop="3:2").url
    for card in found[1:]:
        img = attrs(re.search(r"<img[^>]*>", card)[0])
        assert img["loading"] == "lazy"
        assert "fetchpriority" not in img
        assert srcset_widths(img["srcset"]) == [320, 640, 900]  # never upscaled
        assert (img["width"], img["height"]) == ("900", "600")
    assert page.count('fetchpriority="high"') == 1


@pytest.mark.parametrize("list_url", ["section", "tag", "author", "archive"])
def test_list_pages_show_lazy_3_2_cards_with_srcset(client, front, list_url):
    lead, _others = front
    url = {
        "section": lead.section.get_absolute_url(),
        "tag": reverse("articles:tag", args=["haven"]),
        "author": lead.byline[0].author.get_absolute_url(),
        "archive": reverse("articles:archive"),
    }[list_url]

    page = text(client.get(url))

    found = pictures(page)
    assert len(found) == 4
    for card in found:
        source = attrs(re.search(r"<source[^>]*>", card)[0])
        img = attrs(re.search(r"<img[^>]*>", card)[0])
        assert "-3x2-" in source["srcset"] or "-orig-" in source["srcset"]
        assert img["sizes"] == "(min-width: 40rem) 24rem, 7rem"
        assert img["loading"] == "lazy"
        # A teaser image is a hidden duplicate of the headline link.
        assert img["alt"] == ""


def test_a_decorative_image_has_an_empty_alt(client):
    image = make_image(alt="", decorative=True)
    article = make_article(lead_image=image)

    page = text(client.get(article.get_absolute_url()))

    figure = re.search(r'<figure class="article__image">.*?</figure>', page, re.S)[0]
    assert attrs(re.search(r"<img[^>]*>", figure)[0])["alt"] == ""


def test_an_image_without_renditions_is_left_out_not_processed(client, monkeypatch):
    image = make_image()
    Image.objects.filter(pk=image.pk).update(renditions={})
    article = make_article(lead_image=image)

    def fail(*args, **kwargs):
        raise AssertionError("a reader request processed an image")

    monkeypatch.setattr(images, "build_renditions", fail)
    page = text(client.get(article.get_absolute_url()))

    assert "<picture" not in page and 'class="article__image"' not in page
    assert image.file.url not in page


PUBLIC_URLS = [
    "/",
    "artikel",
    "/rubriek/economie/",
    "/rubriek/economie/feed/",
    "/rubriek/economie/atom/",
    "/tag/haven/",
    "/tag/haven/feed/",
    "/auteur/samira-el-idrissi/",
    "/auteur/samira-el-idrissi/feed/",
    "/archief/",
    "/zoeken/?q=haven",
    "/feed/",
    "/feed/atom/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
]


def public_pages(client, front):
    lead, _others = front
    for url in PUBLIC_URLS:
        url = lead.get_absolute_url() if url == "artikel" else url
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()


def test_no_reader_request_processes_an_image(client, front, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a reader request processed an image")

    for name in [
        "build_renditions",
        "make_renditions",
        "open_source",
        "prepare_upload",
    ]:
        monkeypatch.setattr(images, name, fail)
    monkeypatch.setattr(PILImage, "open", fail)
    monkeypatch.setattr(PILImage.Image, "resize", fail)
    monkeypatch.setattr(PILImage.Image, "save", fail)

    pages = dict(public_pages(client, front))

    assert "<picture" in pages["/"]
    assert "srcset=" in pages[front[0].get_absolute_url()]


def test_the_original_upload_is_never_linked_publicly(client, front, photo):
    lead, others = front
    link = PreviewLink.objects.create(article=lead)
    originals = [photo.file, *(article.lead_image.file for article in others)]
    pages = dict(public_pages(client, front))
    pages["preview"] = text(client.get(link.get_absolute_url()))

    for url, page in pages.items():
        for original in originals:
            assert original.name not in page, url
            assert original.name.rsplit("/", 1)[1] not in page, url
    # Open Graph, the feed and JSON-LD use the 1280-pixel JPEG rendition instead.
    share = photo.share_rendition.url
    article_page = pages[lead.get_absolute_url()]
    assert f'<meta property="og:image" content="http://testserver{share}">' in (
        article_page
    )
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', article_page)
    assert share in ld[1]
    assert share in pages["/feed/"]
