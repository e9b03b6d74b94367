"""Sharing and structured data: canonical, meta description, Open Graph, Twitter
cards and JSON-LD on article pages and the front page."""

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.defaultfilters import truncatechars
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


class Head(HTMLParser):
    """Collect a page's meta tags, links and JSON-LD blocks."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld = {}, {}, []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "link":
            self.links.setdefault(attrs.get("rel"), []).append(attrs.get("href"))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))

    def node(self, type_):
        return next(
            node
            for block in self.json_ld
            for node in block.get("@graph", [block])
            if node["@type"] == type_
        )


@pytest.fixture
def imported(client):
    call_command("import_seeds", str(SEEDS), stdout=io.StringIO())
    article = Article.objects.get(title__startswith="Marokko krijgt AI-datacenter")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return article, response.content.decode()


def test_imported_article_has_canonical_description_and_open_graph(imported):
    article, html = imported
    head = Head(html)
    url = f"http://testserver{article.get_absolute_url()}"
    published = timezone.localtime(article.published_at).isoformat(timespec="seconds")

    assert head.links["canonical"] == [url]
    assert head.meta["description"] == [truncatechars(article.lead, 200)]
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:title"] == [article.title]
    assert head.meta["og:url"] == [url]
    assert head.meta["og:site_name"] == ["Marokko Nieuws"]
    assert head.meta["og:locale"] == ["nl_NL"]
    assert head.meta["og:description"][0].startswith("Marokko staat op het punt")
    # No photo in the seed: the site's logo stands in, as an absolute URL.
    assert head.meta["og:image"][0].startswith("http://testserver/static/")
    assert head.meta["og:image"][0].endswith("/newsroom/logo.png")
    assert head.meta["article:published_time"] == [published]
    assert head.meta["article:modified_time"] == [published]
    assert head.meta["article:section"] == ["Nieuws"]
    assert head.meta["twitter:card"] == ["summary"]
    assert head.meta["twitter:title"] == [article.title]


def test_imported_article_has_news_article_and_breadcrumbs(imported):
    article, html = imported
    head = Head(html)
    news = head.node("NewsArticle")
    crumbs = head.node("BreadcrumbList")
    url = f"http://testserver{article.get_absolute_url()}"
    published = timezone.localtime(article.published_at).isoformat(timespec="seconds")

    assert head.json_ld[0]["@context"] == "https://schema.org"
    assert news["headline"] == article.title
    assert news["description"] == article.lead
    assert news["datePublished"] == published
    assert news["dateModified"] == published
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["inLanguage"] == "nl"
    assert news["articleSection"] == "Nieuws"
    publisher = news["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == "Marokko Nieuws"
    assert publisher["logo"]["url"].endswith("/newsroom/logo.png")
    assert publisher["logo"]["url"].startswith("http://testserver/")
    # Without a byline the publisher is the author.
    assert news["author"] == [{"@id": publisher["@id"]}]
    assert [
        (i["position"], i["name"], i["item"]) for i in crumbs["itemListElement"]
    ] == [
        (1, "Voorpagina", "http://testserver/"),
        (2, "Nieuws", "http://testserver/rubriek/nieuws/"),
        (3, article.title, url),
    ]


def test_publisher_logo_is_a_real_image(client):
    from django.contrib.staticfiles import finders
    from PIL import Image

    with Image.open(finders.find("newsroom/logo.png")) as logo:
        assert logo.format == "PNG"
        assert logo.size == (512, 512)


def test_article_with_photo_and_authors(client):
    samira = make_author(name="Samira El Idrissi")
    karim = make_author(name="Karim Amrani")
    article = make_article(
        title="Haven groeit",
        lead="De haven van Tanger groeit.",
        section=make_section(name="Economie"),
        tags=["Tanger", "Havens"],
        authors=[samira, (karim, "foto")],
        lead_image=make_image(alt="Kade met schepen"),
    )
    article.public_updated_at = timezone.now()
    article.save()

    head = Head(client.get(article.get_absolute_url()).content.decode())
    news = head.node("NewsArticle")
    share = article.lead_image.share_rendition
    image = f"http://testserver{share.url}"

    assert image.endswith(".jpg")
    assert head.meta["og:image"] == [image]
    assert head.meta["og:image:type"] == ["image/jpeg"]
    assert head.meta["og:image:width"] == [str(share.width)]
    assert head.meta["og:image:height"] == [str(share.height)]
    assert head.meta["og:image:alt"] == ["Kade met schepen"]
    assert head.meta["twitter:card"] == ["summary_large_image"]
    assert head.meta["twitter:image"] == [image]
    assert sorted(head.meta["article:tag"]) == ["Havens", "Tanger"]
    assert head.meta["article:author"] == [
        "http://testserver/auteur/samira-el-idrissi/",
        "http://testserver/auteur/karim-amrani/",
    ]
    assert head.meta["article:modified_time"] == [
        timezone.localtime(article.public_updated_at).isoformat(timespec="seconds")
    ]
    assert news["image"] == [image]
    assert news["author"] == [
        {
            "@type": "Person",
            "name": "Samira El Idrissi",
            "url": "http://testserver/auteur/samira-el-idrissi/",
        },
        {
            "@type": "Person",
            "name": "Karim Amrani",
            "url": "http://testserver/auteur/karim-amrani/",
        },
    ]
    assert news["dateModified"] > news["datePublished"]
    assert sorted(news["keywords"]) == ["Havens", "Tanger"]


def test_json_ld_cannot_be_closed_by_a_title(client):
    article = make_article(
        title="</script><script>alert('x')</script> & <!-- meer",
        lead="Lead met </SCRIPT> erin",
    )

    html = client.get(article.get_absolute_url()).content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>")[
        0
    ]

    assert "<" not in block and ">" not in block and "&" not in block
    assert "\\u003C/script\\u003E" in block
    assert json.loads(block)["@graph"][0]["headline"].startswith("</script>")


def test_previews_have_no_canonical_and_no_structured_data(client, django_user_model):
    user = django_user_model.objects.create_superuser("hr", "hr@example.org", "pw")
    client.force_login(user)
    draft = make_article(title="Nog geheim", status=Article.Status.DRAFT)

    head = Head(client.get(draft.get_absolute_url()).content.decode())

    assert "canonical" not in head.links
    assert head.json_ld == []
    assert head.meta["robots"] == ["noindex, nofollow"]


def test_front_page_has_website_with_search_action_and_organization(client):
    make_article()

    head = Head(client.get("/").content.decode())
    website = head.node("WebSite")
    organization = head.node("Organization")

    assert head.links["canonical"] == ["http://testserver/"]
    assert website["url"] == "http://testserver/"
    assert website["inLanguage"] == "nl"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == (
        "http://testserver/zoeken/?q={search_term_string}"
    )
    assert action["query-input"] == "required name=search_term_string"
    assert organization["name"] == "Marokko Nieuws"
    assert organization["logo"]["url"].endswith("/newsroom/logo.png")
    assert website["publisher"] == {"@id": organization["@id"]}


def test_json_ld_needs_no_csp_nonce(client):
    """JSON-LD is data, not script: pages stay free of a per-request nonce, and so
    cacheable."""
    article = make_article()

    response = client.get(article.get_absolute_url())

    assert "nonce-" not in response["Content-Security-Policy"]
    assert "nonce=" not in response.content.decode()


def test_list_pages_have_canonical_urls(client):
    section = make_section(name="Cultuur")
    make_article(section=section, tags=["Film"], authors=[make_author(name="Nadia")])

    for path in ["/rubriek/cultuur/", "/tag/film/", "/auteur/nadia/", "/archief/"]:
        head = Head(client.get(path).content.decode())
        assert head.links["canonical"] == [f"http://testserver{path}"], path


def test_section_tag_and_author_pages_have_breadcrumbs(client):
    section = make_section(name="Cultuur")
    nadia = make_author(name="Nadia", bio="Schrijft over film.")
    make_article(section=section, tags=["Film"], authors=[nadia])

    pages = {
        "/rubriek/cultuur/": ("CollectionPage", "Cultuur"),
        "/tag/film/": ("CollectionPage", "Film"),
        "/auteur/nadia/": ("ProfilePage", "Nadia"),
    }
    for path, (type_, name) in pages.items():
        head = Head(client.get(path).content.decode())
        page = head.node(type_)
        crumbs = head.node("BreadcrumbList")["itemListElement"]
        assert page["url"] == f"http://testserver{path}"
        assert page["name"] == name
        assert [(c["name"], c["item"]) for c in crumbs] == [
            ("Voorpagina", "http://testserver/"),
            (name, f"http://testserver{path}"),
        ]
    author = Head(client.get("/auteur/nadia/").content.decode()).node("ProfilePage")
    assert author["mainEntity"] == {
        "@type": "Person",
        "name": "Nadia",
        "url": "http://testserver/auteur/nadia/",
        "description": "Schrijft over film.",
    }
