"""Bylines in the article form: the reporter's own author first, and a picker that
tells namesakes apart."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_author, make_member
from tests.helpers import admin_form_data

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
PICKER = reverse("admin:articles_author_picker")


def first_byline(response):
    select = re.search(
        r'<select name="bylines-0-author".*?</select>', response.text, re.S
    )[0]
    chosen = re.findall(r'<option value="(\d+)" selected>([^<]*)<', select)
    return select, chosen


def test_a_new_article_starts_with_the_reporters_own_byline(client):
    fatima = make_member("fatima", "verslaggever")
    own = make_author(name="Fatima El Amrani", user=fatima)
    make_author(name="Fatima El Amrani")  # a namesake, not hers
    client.force_login(fatima)

    form = client.get(ADD)
    select, chosen = first_byline(form)
    assert chosen == [(str(own.pk), "Fatima El Amrani")]
    assert f'data-ajax--url="{PICKER}"' in select

    # Saved as it was filled in, without touching the byline.
    response = client.post(
        ADD,
        admin_form_data(
            form,
            title="Nieuwe markt in Tetouan",
            slug="nieuwe-markt-in-tetouan",
            lead="De overdekte markt opent volgende week.",
            body="<p>Handelaars verhuizen.</p>",
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get(slug="nieuwe-markt-in-tetouan")
    assert [b.author for b in article.bylines.all()] == [own]


def test_the_filled_in_byline_can_be_emptied(client):
    fatima = make_member("fatima", "verslaggever")
    make_author(name="Fatima El Amrani", user=fatima)
    client.force_login(fatima)
    form = client.get(ADD)

    response = client.post(
        ADD,
        admin_form_data(
            form,
            title="Zonder naam",
            slug="zonder-naam",
            lead="Een bericht van de redactie.",
            body="<p>Tekst.</p>",
            **{"bylines-0-author": ""},
        ),
    )
    assert response.status_code == 302
    assert not Article.objects.get(slug="zonder-naam").bylines.exists()


def test_no_byline_is_filled_in_for_someone_without_an_author(client):
    client.force_login(make_member("omar", "eindredacteur"))
    make_author(name="Omar Idrissi")  # not linked to the account
    _select, chosen = first_byline(client.get(ADD))
    assert chosen == []


def test_the_picker_gives_namesakes_a_second_line(
    client, django_assert_max_num_queries
):
    client.force_login(make_member("omar", "eindredacteur"))
    reporter = make_member("fatima", "verslaggever", email="fatima@hespress.nl")
    make_author(name="Fatima El Amrani", user=reporter)
    make_author(name="Fatima El Amrani", bio="Correspondent in Casablanca.")
    make_author(name="Fatima El Amrani", slug="fatima-el-amrani-foto")
    for n in range(10):
        make_author(name=f"Fatima Benali {n}", bio=f"Bio {n}")

    params = {
        "term": "Fatima",
        "app_label": "articles",
        "model_name": "articleauthor",
        "field_name": "author",
    }
    with django_assert_max_num_queries(10):
        results = client.get(PICKER, params).json()["results"]

    details = {r["detail"] for r in results if r["text"] == "Fatima El Amrani"}
    assert details == {
        "Verslaggever · @hespress.nl",
        "Correspondent in Casablanca.",
        "geen account, geen bio (fatima-el-amrani-foto)",
    }
    assert len(results) == 13


def test_the_picker_asks_the_same_permission_as_the_admins_autocomplete(client):
    client.force_login(make_member("gast", "verslaggever", is_staff=False))
    params = {"app_label": "articles", "model_name": "articleauthor"}
    response = client.get(PICKER, {**params, "field_name": "author"})
    assert response.status_code == 302  # to the login page
