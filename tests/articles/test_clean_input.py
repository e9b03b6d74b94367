"""Every admin form strips what XML and feeds cannot carry (newsroom/text.py)."""

import re

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Author, Section
from images.models import Image
from tests.factories import make_article, make_image, make_member, make_ticker_item
from tests.helpers import admin_form_data, change_url
from ticker.models import TickerItem

pytestmark = pytest.mark.django_db

# What Shift+Enter pastes from a word processor, other C0 controls, the two
# noncharacters and a zero-width space.
DIRTY = "Kop\x0bmet\x01rommel\ufffe en\uffff\u200b"


@pytest.fixture
def editor(client):
    user = make_member("omar", "eindredacteur")
    client.force_login(user)
    return user


def test_the_article_form_cleans_every_text_field(client, editor):
    add = reverse("admin:articles_article_add")
    data = admin_form_data(
        client.get(add),
        title=DIRTY,
        slug="",
        kicker="Ana\x0blyse",
        lead="Eerste regel\x0c.\nTweede\x01 regel.",
        body="<p>Tekst\x0bmet\ufffe tab.</p>",
        tags="haven\x0b, markt\x01",
        lead_image_caption="Bij\x0bschrift",
    )

    response = client.post(add, data)

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Kop met rommel en"
    assert article.kicker == "Ana lyse"
    assert article.lead == "Eerste regel .\nTweede  regel."  # lines kept
    assert article.body == "<p>Tekst met  tab.</p>"
    assert article.lead_image_caption == "Bij schrift"
    assert sorted(article.tags.names()) == ["haven", "markt"]


def test_a_title_of_control_characters_only_is_missing(client, editor):
    add = reverse("admin:articles_article_add")
    response = client.post(add, admin_form_data(client.get(add), title="\x0b\x01"))

    assert response.status_code == 200
    assert "title" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_a_live_change_note_and_kill_reason_are_cleaned(client, editor):
    article = make_article()
    page = client.get(change_url(article))
    client.post(
        change_url(article),
        admin_form_data(
            page,
            title="Nieuwe kop",
            change_kind="update",
            change_note="Cijfers\x0bbijgewerkt.",
        ),
    )
    article.refresh_from_db()
    assert article.update_note == "Cijfers bijgewerkt."

    page = client.get(change_url(article))
    client.post(
        change_url(article),
        admin_form_data(page, _transition="kill", kill_reason="Onjuist\x01."),
    )
    article.refresh_from_db()
    assert article.kill_reason == "Onjuist ."


@pytest.mark.parametrize(
    ("url_name", "data", "model", "field"),
    [
        ("admin:articles_section_add", {"slug": "eco", "order": "0"}, Section, "name"),
        ("admin:articles_author_add", {"slug": "karim"}, Author, "name"),
        ("admin:taggit_tag_add", {"slug": "haven"}, Tag, "name"),
    ],
)
def test_names_are_cleaned(client, editor, url_name, data, model, field):
    response = client.post(reverse(url_name), {**data, field: DIRTY})

    assert response.status_code == 302
    assert getattr(model.objects.get(), field) == "Kop met rommel en"


def test_an_authors_bio_keeps_its_lines(client, editor):
    client.post(
        reverse("admin:articles_author_add"),
        {"name": "Karim", "slug": "karim", "bio": "Regel\x0b een.\nRegel twee."},
    )

    assert Author.objects.get().bio == "Regel  een.\nRegel twee."


def test_image_alt_caption_and_credit_are_cleaned(client, editor):
    image = make_image()
    url = reverse("admin:images_image_change", args=[image.pk])

    response = client.post(
        url,
        admin_form_data(
            client.get(url),
            alt="Haven\x0bvan Tanger",
            caption="Schepen\ufffe in de haven",
            credit="AN\x01P",
        ),
    )

    assert response.status_code == 302
    image = Image.objects.get(pk=image.pk)
    assert (image.alt, image.caption, image.credit) == (
        "Haven van Tanger",
        "Schepen in de haven",
        "AN P",
    )


def test_a_ticker_headline_is_cleaned_in_the_form_and_the_quick_edit(client, editor):
    add = reverse("admin:ticker_tickeritem_add")
    page = client.get(add)
    hidden = dict(re.findall(r'name="(initial-[^"]+)" value="([^"]*)"', page.text))
    client.post(
        add,
        {**admin_form_data(page), **hidden, "headline": "Aardbeving\x01 Al Hoceima"},
    )
    assert TickerItem.objects.get().headline == "Aardbeving Al Hoceima"

    item = make_ticker_item(headline="Oud")
    client.post(
        reverse("admin:ticker_tickeritem_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(item.pk),
            "form-0-headline": "Nieuw\uffff\x0b bericht",
            "form-0-is_visible": "on",
            "_save": "Opslaan",
        },
    )
    item.refresh_from_db()
    assert item.headline == "Nieuw bericht"
