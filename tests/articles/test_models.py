from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from articles.models import Article
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 10, 15, 7, tzinfo=UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_published_lets_only_published_and_due_articles_through(now):
    past = now - timedelta(minutes=1)
    make_article(title="Concept", status=Article.Status.DRAFT, published_at=past)
    make_article(
        title="Ter beoordeling", status=Article.Status.REVIEW, published_at=past
    )
    make_article(title="Ingepland", published_at=now + timedelta(minutes=1))
    make_article(title="Online", published_at=past)

    titles = list(Article.objects.published().values_list("title", flat=True))

    assert titles == ["Online"]


def test_published_at_exactly_now_counts_as_published(now):
    make_article(title="Precies nu", published_at=now)

    assert [a.title for a in Article.objects.published()] == ["Precies nu"]


def test_is_published_mirrors_the_queryset_for_every_row(now):
    past, future = now - timedelta(hours=2), now + timedelta(hours=2)
    articles = [
        make_article(status=Article.Status.DRAFT, published_at=past),
        make_article(status=Article.Status.REVIEW, published_at=past),
        make_article(published_at=future),
        make_article(published_at=past),
        make_article(status=Article.Status.DRAFT, published_at=None),
    ]
    published_pks = set(Article.objects.published().values_list("pk", flat=True))

    for article in articles:
        assert article.is_published() == (article.pk in published_pks)


def test_scheduled_article_appears_when_its_time_comes_without_a_job(now):
    article = make_article(published_at=now + timedelta(hours=1))
    assert article.is_scheduled
    assert not Article.objects.published().exists()

    with time_machine.travel(now + timedelta(hours=1, seconds=1), tick=False):
        assert list(Article.objects.published()) == [article]
        assert article.is_published()
        assert not article.is_scheduled


def test_publishing_without_a_time_publishes_now(now):
    article = make_article(published_at=None, status=Article.Status.PUBLISHED)

    assert article.published_at == now
    assert article.is_published()


def test_draft_keeps_an_empty_publication_time():
    article = make_article(status=Article.Status.DRAFT, published_at=None)

    assert article.published_at is None
    assert not article.is_published()


def test_slug_is_made_from_the_title_and_stays_unique():
    first = make_article(title="Marokko’s économie groeit")
    second = make_article(title="Marokko’s économie groeit")

    assert first.slug == "marokkos-economie-groeit"
    assert second.slug == "marokkos-economie-groeit-2"


def test_editor_chosen_slug_is_kept():
    article = make_article(title="Een lange titel", slug="korte-slug")

    assert article.slug == "korte-slug"


def test_arabic_title_gets_a_unicode_slug_that_stays_unique():
    title = "المغرب يطلق مركز بيانات للذكاء الاصطناعي"
    first = make_article(title=title)
    second = make_article(title=title)

    assert first.slug == "المغرب-يطلق-مركز-بيانات-للذكاء-الاصطناعي"
    assert second.slug == f"{first.slug}-2"


def test_title_without_letters_still_gets_a_slug():
    first = make_article(title="!!!")
    second = make_article(title="???")

    assert first.slug == "artikel"
    assert second.slug == "artikel-2"


def test_section_and_author_get_slugs_and_urls():
    section = make_section(name="Economie & Handel")
    author = make_author(name="Samira El Idrissi")

    assert section.get_absolute_url() == "/rubriek/economie-handel/"
    assert author.get_absolute_url() == "/auteur/samira-el-idrissi/"


def test_for_listing_keeps_the_publication_rule(now):
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=now + timedelta(days=1))
    online = make_article()

    assert list(Article.objects.for_listing()) == [online]
