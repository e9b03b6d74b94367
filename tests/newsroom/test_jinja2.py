"""The Jinja2 engine of the public pages: Django's escaping, the view's context over
the context processors', nothing printed for a missing value."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from markupsafe import Markup

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def render(source, context=None, request=None):
    return engines["jinja2"].from_string(source).render(context, request)


def test_text_is_escaped_as_django_escapes_it(client):
    article = make_article(title="Zei \"ja\" & 'nee' <b>")

    page = client.get(article.get_absolute_url()).content.decode()

    escaped = "Zei &quot;ja&quot; &amp; &#x27;nee&#x27; &lt;b&gt;"
    assert f'itemprop="headline">{escaped}</h1>' in page
    assert f'<meta property="og:title" content="{escaped}">' in page
    assert "&#39;" not in page
    assert "&#34;" not in page


def test_escaping_keeps_safe_html_and_escapes_the_rest():
    context = {
        "a": "<i>",
        "b": 5,
        "c": "x'y",
        # Safe values, with and without quotes: Django's and Jinja2's markup.
        "d": mark_safe("<b>vet</b>"),
        "e": mark_safe("<a title='t'>\"x\"</a>"),
        "f": Markup('<i class="k">'),
    }

    rendered = render("{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e }}|{{ f }}", context)

    assert rendered == (
        '&lt;i&gt;|5|x&#x27;y|<b>vet</b>|<a title=\'t\'>"x"</a>|<i class="k">'
    )


def test_the_view_context_wins_over_the_context_processors():
    request = RequestFactory().get("/")

    assert render("{{ site_name }}", {"site_name": "Eigen naam"}, request) == (
        "Eigen naam"
    )
    assert render("{{ site_name }}", {}, request) != ""


def test_a_missing_value_prints_nothing():
    assert render("[{{ missing }}{{ missing.attribute.deeper }}]") == "[]"
