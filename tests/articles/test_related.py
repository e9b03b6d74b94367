"""Related articles: ranked and stored when an article is saved, read per page view."""

import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import related
from articles.models import Article
from tests.factories import make_article, make_section
from tests.helpers import post_change

pytestmark = pytest.mark.django_db

Status = Article.Status
PROJECT = Path(__file__).resolve().parents[2]


def shown(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return [card.title for card in response.context_data["related"]]


def stored(article):
    article.refresh_from_db()
    return article.related_ids


@pytest.fixture
def archive():
    """Three published articles an hour apart, and a section of their own."""
    now = timezone.now()
    economie, sport = make_section(name="Economie"), make_section(name="Sport")
    older = make_article(
        title="Ouder, twee tags",
        section=sport,
        tags=["energie", "waterstof"],
        published_at=now - timedelta(hours=3),
    )
    one_tag = make_article(
        title="Een tag",
        section=sport,
        tags=["energie"],
        published_at=now - timedelta(hours=2),
    )
    same_section = make_article(
        title="Zelfde rubriek", section=economie, published_at=now - timedelta(hours=1)
    )
    make_article(title="Niets gemeen", section=sport, tags=["voetbal"])
    return economie, older, one_tag, same_section


def test_publishing_in_the_admin_stores_the_list_and_refreshes_the_named_ones(
    editor_client, archive
):
    economie, older, one_tag, same_section = archive
    draft = make_article(
        title="Vervolgverhaal",
        section=economie,
        tags=["energie", "waterstof"],
        status=Status.REVIEW,
        published_at=None,
    )
    assert stored(older) is None

    post_change(editor_client, draft, expect=302, _transition="publish")

    assert stored(draft) == [older.pk, one_tag.pk, same_section.pk]
    # The older articles it names now link to the follow-up, best match first.
    assert stored(older)[0] == draft.pk
    assert stored(one_tag)[0] == draft.pk
    assert stored(same_section) == [draft.pk]
    editor_client.logout()
    assert shown(editor_client, older)[0] == "Vervolgverhaal"


def test_saving_in_the_admin_ranks_with_the_tags_just_saved(editor_client, archive):
    economie, older, one_tag, same_section = archive
    article = make_article(title="Verhaal", section=economie, tags=["voetbal"])

    post_change(
        editor_client,
        article,
        expect=302,
        tags="energie, waterstof",
        change_kind="minor",
    )

    assert stored(article) == [older.pk, one_tag.pk, same_section.pk]


def test_a_draft_gets_a_list_but_refreshes_no_others(editor_client, archive):
    economie, older, one_tag, same_section = archive
    draft = make_article(
        title="Concept", section=economie, status=Status.DRAFT, published_at=None
    )

    post_change(editor_client, draft, expect=302, lead="Nieuwe intro.")

    assert stored(draft) == [same_section.pk]
    assert stored(same_section) is None


def test_bulk_publishing_stores_the_lists(admin_client, archive):
    economie, older, one_tag, same_section = archive
    draft = make_article(
        title="Concept", section=economie, status=Status.DRAFT, published_at=None
    )

    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    assert stored(draft) == [same_section.pk]
    assert stored(same_section) == [draft.pk]


def test_page_shows_the_stored_order_without_what_went_offline(client, archive):
    economie, older, one_tag, same_section = archive
    article = make_article(title="Hoofdartikel", section=economie, tags=["energie"])
    related.refresh(article)
    assert shown(client, article) == ["Een tag", "Ouder, twee tags", "Zelfde rubriek"]

    one_tag.status = Status.DRAFT
    one_tag.save()
    older.expires_at = timezone.now() - timedelta(minutes=1)
    older.save()

    assert shown(client, article) == ["Zelfde rubriek"]
    assert stored(article) == [one_tag.pk, older.pk, same_section.pk]


def test_page_shows_at_most_four_of_the_eight_stored(client):
    section = make_section(name="Politiek")
    now = timezone.now()
    others = [
        make_article(
            title=f"Ander {n}", section=section, published_at=now - timedelta(hours=n)
        )
        for n in range(1, 11)
    ]
    article = make_article(title="Hoofdartikel", section=section)

    related.refresh(article)

    assert stored(article) == [other.pk for other in others[:8]]
    assert shown(client, article) == ["Ander 1", "Ander 2", "Ander 3", "Ander 4"]
    others[0].status = Status.KILLED
    others[0].save()
    assert shown(client, article) == ["Ander 2", "Ander 3", "Ander 4", "Ander 5"]


def test_a_list_never_stored_is_ranked_live(client, archive):
    economie, older, one_tag, same_section = archive
    article = make_article(title="Hoofdartikel", section=economie, tags=["waterstof"])
    assert article.related_ids is None

    assert shown(client, article) == ["Ouder, twee tags", "Zelfde rubriek"]
    # An empty stored list is a list: nothing related, nothing ranked.
    Article.objects.filter(pk=article.pk).update(related_ids=[])
    assert shown(client, article) == []


def test_a_scheduled_article_shows_once_it_is_due(client, archive):
    economie, older, one_tag, same_section = archive
    soon = timezone.now() + timedelta(hours=1)
    scheduled = make_article(title="Embargo", section=economie, published_at=soon)
    related.refresh(scheduled)

    assert stored(same_section) == [scheduled.pk]
    assert shown(client, same_section) == []
    with time_machine.travel(soon + timedelta(minutes=1)):
        assert shown(client, same_section) == ["Embargo"]


def test_editing_a_related_title_shows_on_the_cached_page(client, page_cache, archive):
    economie, older, one_tag, same_section = archive
    article = make_article(title="Hoofdartikel", section=economie)
    related.refresh(article)
    assert "Zelfde rubriek" in client.get(article.get_absolute_url()).content.decode()

    same_section.title = "Nieuwe kop in dezelfde rubriek"
    same_section.save()

    page = client.get(article.get_absolute_url()).content.decode()
    assert "Nieuwe kop in dezelfde rubriek" in page


def test_refresh_article_cache_fills_missing_lists_and_all_with_all(archive):
    economie, older, one_tag, same_section = archive
    out, err = io.StringIO(), io.StringIO()

    call_command("refresh_article_cache", stdout=out, stderr=err)

    unrelated = Article.objects.get(title="Niets gemeen")
    assert not Article.objects.filter(related_ids__isnull=True).exists()
    assert stored(older) == [one_tag.pk, unrelated.pk]
    assert "Stored the related articles of 4 articles" in out.getvalue()
    assert "4/4 articles (100%" in err.getvalue() and "/s)" in err.getvalue()

    Article.objects.filter(pk=older.pk).update(related_ids=[])
    call_command("refresh_article_cache", stdout=out, stderr=err)
    assert stored(older) == []
    call_command("refresh_article_cache", "--all", stdout=out, stderr=err)
    assert stored(older) == [one_tag.pk, unrelated.pk]


def test_import_seeds_stores_the_list_of_the_imported_article(tmp_path, settings):
    moment = datetime(2025, 7, 11, 16, 0, tzinfo=UTC)
    news = make_section(name=settings.NEWSROOM_DEFAULT_SECTION)
    earlier = make_article(
        title="Eerder nieuws", section=news, published_at=moment - timedelta(days=1)
    )
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(PROJECT / "seeds" / "000_e9d6fcdb7608355c.txt", folder)

    with time_machine.travel(moment + timedelta(hours=2), tick=False):
        call_command("import_seeds", str(folder), stdout=io.StringIO())

    imported = Article.objects.exclude(pk=earlier.pk).get()
    assert stored(imported) == [earlier.pk]
    assert stored(earlier) == [imported.pk]


def test_refresh_article_cache_ranks_as_the_site_does():
    now = timezone.now()
    sections = [make_section(name=name) for name in ("Politiek", "Sport", "Cultuur")]
    tags = ["rabat", "water", "energie", "voetbal", "film"]
    for n in range(40):
        status = [Status.PUBLISHED] * 6 + [Status.DRAFT, Status.KILLED]
        make_article(
            section=sections[n % 3] if n % 7 else None,
            tags=[tags[n % 5], tags[(n * 3) % 5]] if n % 4 else [],
            status=status[n % 8],
            published_at=None if n % 8 == 6 else now - timedelta(hours=n - 3),
            expires_at=now - timedelta(minutes=5) if n % 9 == 4 else None,
        )

    call_command("refresh_article_cache", stdout=io.StringIO(), stderr=io.StringIO())

    articles = list(Article.objects.all())
    assert sum(bool(article.related_ids) for article in articles) > 30
    for article in articles:
        assert article.related_ids == related.compute(article), article.title


def test_the_rule_shared_tags_first_then_section_newest_first_within_the_window():
    # Positions 0..6 in publication order; the article sits after position 3.
    window = related.RelatedWindow(window=3, keep=4)
    for pk, section, tags in [
        (10, "a", ["rabat"]),  # outside the window (more than 3 before)
        (11, "a", []),
        (12, "b", ["rabat"]),
        (13, "a", ["rabat", "water"]),
        (14, "b", ["water"]),
        (15, "c", []),
        (16, "a", ["rabat"]),
        (17, "a", ["rabat", "water"]),  # outside the window (more than 3 after)
    ]:
        window.add(pk, section, tags)

    ranked = window.rank(4, "a", ["rabat", "water"], own=None)

    # Two tags, then one (newest first), then the same section without tags.
    assert ranked == [13, 16, 14, 12]
    # Its own position never ranks; a section alone still counts.
    assert window.rank(4, "a", [], own=3) == [16, 11]


def test_a_save_and_the_bulk_ranking_agree_where_times_tie():
    moment = timezone.now() - timedelta(hours=1)
    section = make_section(name="Economie")
    same_time = [
        make_article(section=section, tags=["haven"], published_at=moment)
        for _ in range(5)
    ]

    call_command("refresh_article_cache", stdout=io.StringIO(), stderr=io.StringIO())

    for article in same_time:
        article.refresh_from_db()
        assert article.related_ids == related.compute(article)
        assert article.pk not in article.related_ids
        assert len(article.related_ids) == 4
