"""Transitions, scheduling, expiry, kill, slug redirects and honest update times."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleUpdate, SlugRedirect
from tests.factories import make_article, make_ticker_item
from tests.helpers import change_url, post_change

pytestmark = pytest.mark.django_db

Status = Article.Status
NOON = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def public_pages(client):
    """Return the text of every public place an article can be listed."""
    return "".join(
        client.get(url).content.decode()
        for url in ["/", "/archief/", "/feed/", "/sitemap-articles.xml"]
    )


# The one public rule


def test_published_lets_through_only_due_unexpired_published_articles():
    now = timezone.now()
    hour = timedelta(hours=1)
    visible = make_article(published_at=now - hour)
    make_article(published_at=now + hour)  # scheduled
    make_article(published_at=now - 2 * hour, expires_at=now - hour)  # expired
    make_article(status=Status.DRAFT, published_at=now - hour)
    make_article(status=Status.REVIEW, published_at=now - hour)
    make_article(status=Status.KILLED, published_at=now - hour)

    assert list(Article.objects.published()) == [visible]
    assert [a.is_published() for a in Article.objects.order_by("pk")] == [
        True,
        False,
        False,
        False,
        False,
        False,
    ]


def test_scheduled_article_goes_live_at_the_exact_moment(client):
    article = make_article(title="Embargo tot tien uur", published_at=NOON)
    url = article.get_absolute_url()

    with time_machine.travel(NOON - timedelta(microseconds=1), tick=False):
        assert client.get(url).status_code == 404
        assert "Embargo tot tien uur" not in public_pages(client)
        assert list(Article.objects.published()) == []
    with time_machine.travel(NOON, tick=False):
        assert client.get(url).status_code == 200
        assert "Embargo tot tien uur" in public_pages(client)


def test_expiry_takes_an_article_off_the_site_at_the_exact_moment(client):
    article = make_article(
        title="Tijdelijke oproep",
        published_at=NOON - timedelta(days=1),
        expires_at=NOON,
    )
    with time_machine.travel(NOON - timedelta(microseconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
    with time_machine.travel(NOON, tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert "Tijdelijke oproep" not in public_pages(client)


def test_admin_shows_scheduled_articles_as_ingepland(editor_client):
    when = timezone.now() + timedelta(days=2)
    article = make_article(published_at=when)

    listing = editor_client.get(reverse("admin:articles_article_changelist"))
    page = editor_client.get(change_url(article))

    label = "Ingepland voor " + timezone.localtime(when).strftime("%d-%m-%Y %H:%M")
    assert label in listing.content.decode()
    assert label in page.content.decode()
    assert b"Nu publiceren" in page.content


def test_editor_schedules_through_the_publish_button(editor_client):
    article = make_article(status=Status.REVIEW, published_at=None)
    when = timezone.localtime() + timedelta(days=1)

    response = post_change(
        editor_client,
        article,
        published_at_0=when.strftime("%Y-%m-%d"),
        published_at_1=when.strftime("%H:%M:%S"),
        _transition="publish",
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.is_scheduled
    assert "ingepland voor" in editor_client.get(response.url).content.decode()


def test_publish_now_button_publishes_a_scheduled_article_at_once(editor_client):
    article = make_article(published_at=timezone.now() + timedelta(days=3))

    post_change(editor_client, article, _transition="publish")

    article.refresh_from_db()
    assert article.is_published()


def test_moving_a_published_article_back_to_draft_takes_it_off_the_site(client, editor):
    article = make_article(title="Te vroeg gepubliceerd")
    client.force_login(editor)
    post_change(client, article, _transition="to_draft")
    client.logout()

    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Te vroeg gepubliceerd" not in public_pages(client)


# Kill


def test_killed_article_answers_410_with_its_reason_and_leaves_every_list(
    client, editor
):
    article = make_article(title="Onjuist bericht over Tanger")
    make_ticker_item(headline="Tickerlink", article=article)
    client.force_login(editor)

    response = post_change(
        client,
        article,
        kill_reason="Het bericht bleek gebaseerd op een vervalst document.",
        _transition="kill",
    )
    assert response.status_code == 302

    client.logout()
    gone = client.get(article.get_absolute_url())
    assert gone.status_code == 410
    text = gone.content.decode()
    assert "Dit artikel is ingetrokken" in text
    assert "vervalst document" in text
    assert '<html lang="nl"' in text
    assert "Onjuist bericht over Tanger" not in public_pages(client)


def test_kill_needs_a_public_reason(editor_client):
    article = make_article()

    response = post_change(editor_client, article, kill_reason="", _transition="kill")

    assert response.status_code == 200
    assert "Geef een reden op" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_killed_article_answers_410_for_staff_too(editor_client):
    article = make_article(status=Status.KILLED, kill_reason="Juridisch.")
    assert editor_client.get(article.get_absolute_url()).status_code == 410


def test_killed_article_can_go_back_to_draft(editor_client):
    article = make_article(status=Status.KILLED, kill_reason="Fout.")

    post_change(editor_client, article, _transition="to_draft")

    article.refresh_from_db()
    assert article.status == Status.DRAFT


# Slug changes


def test_changing_the_slug_of_a_published_article_redirects_the_old_url(client, editor):
    article = make_article(title="Oude kop", slug="oude-kop")
    client.force_login(editor)
    post_change(client, article, slug="nieuwe-kop", change_kind="minor")
    post_change(client, article, slug="nog-nieuwere-kop", change_kind="minor")
    client.logout()

    for old in ["oude-kop", "nieuwe-kop"]:
        response = client.get(reverse("articles:detail", args=[old]))
        assert response.status_code == 301
        assert response["Location"] == "/artikel/nog-nieuwere-kop/"
    assert client.get("/artikel/nog-nieuwere-kop/").status_code == 200


def test_changing_back_to_an_old_slug_removes_its_redirect(editor_client):
    article = make_article(slug="eerste")
    post_change(editor_client, article, slug="tweede", change_kind="minor")
    post_change(editor_client, article, slug="eerste", change_kind="minor")

    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["tweede"]
    assert editor_client.get("/artikel/eerste/").status_code == 200


def test_slug_change_of_a_draft_makes_no_redirect(editor_client):
    article = make_article(status=Status.DRAFT, slug="concept", published_at=None)

    post_change(editor_client, article, slug="concept-2")

    assert not SlugRedirect.objects.exists()


def test_old_slug_of_an_unpublished_article_is_a_404(client):
    article = make_article(status=Status.DRAFT, slug="nieuw", published_at=None)
    SlugRedirect.objects.create(old_slug="oud", article=article)

    assert client.get("/artikel/oud/").status_code == 404


# Honest update times


def test_editing_a_live_article_requires_choosing_minor_or_significant(editor_client):
    article = make_article()

    response = post_change(editor_client, article, title="Nieuwe kop")

    assert response.status_code == 200
    assert "kleine correctie" in response.content.decode()
    article.refresh_from_db()
    assert article.title != "Nieuwe kop"


def test_minor_fix_changes_nothing_public(client, editor):
    article = make_article(title="Tikfout in kop")
    published_at = article.published_at
    client.force_login(editor)

    response = post_change(
        client, article, title="Geen tikfout in kop", change_kind="minor"
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Geen tikfout in kop"
    assert article.public_updated_at is None
    assert article.modified_at == published_at
    assert not ArticleUpdate.objects.exists()
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Bijgewerkt" not in page
    sitemap = client.get("/sitemap-articles.xml").content.decode()
    # The sitemap dates are the site's local dates (Amsterdam), not UTC ones.
    assert timezone.localdate(published_at).isoformat() in sitemap


def test_significant_update_moves_the_public_time_and_appends_to_the_log(
    client, editor
):
    article = make_article(published_at=NOON - timedelta(days=1))
    client.force_login(editor)
    with time_machine.travel(NOON, tick=False):
        client.force_login(editor)
        post_change(
            client,
            article,
            lead="Er zijn nu twaalf doden gemeld.",
            change_kind="update",
            change_note="Het dodental is bijgewerkt.",
        )
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        client.force_login(editor)
        post_change(
            client,
            article,
            lead="Er zijn nu elf doden gemeld.",
            change_kind="correction",
            change_note="Eerder stond hier twaalf; het zijn er elf.",
        )
    client.logout()

    article.refresh_from_db()
    assert article.public_updated_at == NOON + timedelta(hours=2)
    log = list(article.public_updates.values_list("kind", "note"))
    assert log == [
        ("update", "Het dodental is bijgewerkt."),
        ("correction", "Eerder stond hier twaalf; het zijn er elf."),
    ]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Updates en correcties" in page
    assert page.index("Het dodental is bijgewerkt.") < page.index("het zijn er elf")
    assert 'itemprop="dateModified" content="2026-05-04T14:00:00+02:00"' in page
    sitemap = client.get("/sitemap-articles.xml").content.decode()
    assert "<lastmod>2026-05-04</lastmod>" in sitemap


def test_significant_update_needs_a_note_for_readers(editor_client):
    article = make_article()

    response = post_change(
        editor_client, article, title="Andere kop", change_kind="update"
    )

    assert response.status_code == 200
    assert "Schrijf voor lezers" in response.content.decode()
    assert not ArticleUpdate.objects.exists()


def test_update_log_is_append_only():
    entry = ArticleUpdate.objects.create(
        article=make_article(), kind="update", note="Eerste versie."
    )
    entry.note = "Stiekem herschreven."
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


def test_feed_guid_stays_the_same_after_slug_and_title_change(client, editor):
    article = make_article(slug="voor")
    guid = f"newsroom:article:{article.pk}"
    assert guid in client.get("/feed/").content.decode()
    client.force_login(editor)
    post_change(
        client,
        article,
        title="Heel andere titel",
        slug="na",
        change_kind="update",
        change_note="Nieuwe kop.",
    )
    client.logout()

    assert guid in client.get("/feed/").content.decode()


# Dashboard


def test_dashboard_shows_review_scheduled_latest_and_chart(editor_client):
    now = timezone.now()
    make_article(title="Wacht op eindredactie", status=Status.REVIEW, published_at=None)
    make_article(title="Morgen online", published_at=now + timedelta(days=1))
    make_article(title="Net gepubliceerd", published_at=now - timedelta(minutes=5))
    make_ticker_item(headline="Bericht van vandaag")

    page = editor_client.get(reverse("admin:index")).content.decode()

    assert "Ter beoordeling (1)" in page
    assert "Wacht op eindredactie" in page
    assert "Ingepland (1)" in page
    assert "Morgen online" in page
    assert "Net gepubliceerd" in page
    assert "<svg" in page
    assert "1 artikelen en 1 tickerberichten" in page
    assert "<script" not in page.split('id="redactie-dashboard"')[1].split("</svg>")[0]


def test_dashboard_query_count_does_not_grow_with_articles(
    editor_client, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(3):
        make_article(status=Status.REVIEW, published_at=None)
        make_article(published_at=now + timedelta(days=n + 1))
        make_article(published_at=now - timedelta(days=n))
    editor_client.get(reverse("admin:index"))  # warm up session and content types
    with django_assert_max_num_queries(15) as few:
        editor_client.get(reverse("admin:index"))
    for n in range(10):
        make_article(status=Status.REVIEW, published_at=None)
        make_article(published_at=now + timedelta(days=n % 10 + 1))
        make_article(published_at=now - timedelta(days=n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        editor_client.get(reverse("admin:index"))
