"""articles/rows.py: the article page's queries in SQL written once, run with raw(),
give what the querysets they replace give."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import rows
from articles.models import CARD_DEFERRED, Article
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

IMAGE_FIELDS = [
    "pk",
    "file",
    "width",
    "height",
    "alt",
    "decorative",
    "caption",
    "credit",
    "focal_x",
    "focal_y",
    "renditions",
    "created_by_id",
]


def values(instance, names):
    return {name: getattr(instance, name) for name in names}


def article_fields():
    return [field.attname for field in Article._meta.concrete_fields]


@pytest.fixture
def article():
    return make_article(
        title="Haven van Tanger groeit",
        section=make_section(name="Economie", description="Geld en werk."),
        tags=["Haven", "Tanger"],
        authors=[make_author(name="Samira El Idrissi")],
        lead_image=make_image(decorative=True, caption="De kade.", focal_x=0.25),
    )


def test_the_article_page_row_is_the_querysets(article, django_assert_num_queries):
    expected = (
        Article.objects.select_related("section", "lead_image")
        .with_bylines_tags()
        .get(pk=article.pk)
    )

    with django_assert_num_queries(1):
        found = rows.article_page(article.slug)
        section, image, stored = found.section, found.lead_image, found.bylines_tags

    assert values(found, article_fields()) == values(expected, article_fields())
    assert values(section, ["pk", "name", "slug", "order", "description"]) == (
        values(expected.section, ["pk", "name", "slug", "order", "description"])
    )
    assert values(image, IMAGE_FIELDS) == values(expected.lead_image, IMAGE_FIELDS)
    assert image.decorative is True
    assert image.renditions and isinstance(image.renditions, dict)
    assert (stored.bylines, stored.tags) == (
        expected.bylines_tags.bylines,
        expected.bylines_tags.tags,
    )
    assert [(b.author.name, b.role) for b in found.byline] == [
        (b.author.name, b.role) for b in expected.byline
    ]
    assert [tag.name for tag in found.tag_list] == ["Haven", "Tanger"]
    # Dates are not read from joined tables: loaded when asked for.
    assert image.created_at == expected.lead_image.created_at


def test_an_article_without_section_image_or_stored_bylines_tags(article):
    bare = make_article(title="Kaal")
    Article.objects.filter(pk=bare.pk).update(section=None)
    bare.bylines_tags.delete()

    found = rows.article_page(bare.slug)

    assert found.section is None and found.lead_image is None
    assert found.byline == [] and found.tag_list == []
    assert rows.article_page("bestaat-niet") is None


def test_cards_are_the_querysets(article, django_assert_num_queries):
    # Older, with a higher id: the order is by publication, not by id.
    other = make_article(
        title="Tweede stuk", published_at=timezone.now() - timedelta(days=1)
    )
    ids = [other.pk, article.pk]
    expected = {
        card.pk: card
        for card in Article.objects.filter(pk__in=ids).for_cards().order_by()
    }

    with django_assert_num_queries(1):
        found = {card.pk: card for card in rows.cards(ids)}
        for card in found.values():
            card.section, card.lead_image  # noqa: B018

    card_fields = [
        field.attname
        for field in Article._meta.concrete_fields
        if field.name not in CARD_DEFERRED
    ]
    assert found.keys() == expected.keys()
    for pk, card in found.items():
        assert values(card, card_fields) == values(expected[pk], card_fields)
        assert card.get_deferred_fields() == expected[pk].get_deferred_fields()
    assert found[article.pk].lead_image.renditions == (
        expected[article.pk].lead_image.renditions
    )
    assert rows.cards([]) == []
    newest_first = rows.cards(ids, section=False, ordered=True)
    assert [card.pk for card in newest_first] == [
        card.pk for card in Article.objects.filter(pk__in=ids)
    ]
