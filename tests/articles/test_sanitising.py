"""Nothing an editor pastes into the body can run script on the public site."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article
from tests.helpers import admin_form_data

pytestmark = pytest.mark.django_db

HOSTILE = (
    "<p>Gewone tekst met <strong>nadruk</strong> en "
    '<a href="https://example.org/bron">een bron</a>.</p>'
    "<script>alert('script')</script>"
    '<img src="x" onerror="alert(\'onerror\')">'
    "<p onclick=\"alert('onclick')\">Klik</p>"
    "<a href=\"javascript:alert('javascript')\">link</a>"
    "<a href=\"JaVaScRiPt:alert('mixed-case')\">link 2</a>"
    '<iframe src="https://example.org"></iframe>'
    "<style>body { display: none }</style>"
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>'
    "<svg><script>alert('svg')</script></svg>"
    '<form action="https://evil.example"><input name="x"></form>'
)


def assert_harmless(html):
    assert "alert(" not in html
    for pattern in [
        r"<script",
        r"<iframe",
        r"<style",
        r"<svg",
        r"<form",
        r"<img",
        r"\son\w+\s*=",
        r"javascript:",
        r"data:text",
    ]:
        assert not re.search(pattern, html, re.I), pattern


def assert_kept_the_good_parts(html):
    assert "<strong>nadruk</strong>" in html
    assert 'href="https://example.org/bron"' in html
    assert "Gewone tekst" in html


def article_body_html(response):
    page = response.content.decode()
    return page.split('<div class="article__body"')[1].split("</div>")[0]


def test_plain_save_cleans_the_body():
    article = make_article(body=HOSTILE)

    article.refresh_from_db()
    assert_harmless(article.body)
    assert_kept_the_good_parts(article.body)


def test_links_get_a_safe_rel():
    article = make_article(
        body='<p><a href="https://example.org" target="_blank">x</a></p>'
    )

    assert 'rel="noopener noreferrer"' in article.body
    assert "target=" not in article.body


def test_admin_form_cleans_the_body(admin_client):
    add = reverse("admin:articles_article_add")
    data = admin_form_data(
        admin_client.get(add), title="Gevaarlijk plakwerk", body=HOSTILE
    )

    response = admin_client.post(add, data)

    assert response.status_code == 302
    body = Article.objects.get(title="Gevaarlijk plakwerk").body
    assert_harmless(body)
    assert_kept_the_good_parts(body)


def test_rendered_page_is_clean(client):
    article = make_article(body=HOSTILE)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "alert(" not in response.content.decode()
    assert_harmless(article_body_html(response))


def test_rendered_page_is_clean_even_when_save_was_bypassed(client):
    article = make_article()
    # queryset.update() (like loaddata or raw SQL) does not call save().
    Article.objects.filter(pk=article.pk).update(body=HOSTILE)

    response = client.get(article.get_absolute_url())

    body = article_body_html(response)
    assert_harmless(body)
    assert_kept_the_good_parts(body)
    assert "alert(" not in response.content.decode()


def test_title_lead_and_caption_are_escaped(client):
    article = make_article(
        title="<script>alert('titel')</script>",
        lead="<img src=x onerror=alert('intro')>",
        kicker="<b>vet</b>",
    )

    page = client.get(article.get_absolute_url()).content.decode()

    assert "&lt;script&gt;alert(&#x27;titel&#x27;)&lt;/script&gt;" in page
    assert "<img src=x onerror" not in page
    assert "&lt;b&gt;vet&lt;/b&gt;" in page
