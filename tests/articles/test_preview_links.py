"""Preview links: a draft shared with someone without an account."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PreviewLink
from tests.factories import make_article, make_member
from tests.helpers import admin_form_data, change_url, post_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter():
    return make_member("fatima", "verslaggever")


@pytest.fixture
def article(reporter):
    return make_article(
        title="Concept over de haven van Tanger",
        status=Article.Status.DRAFT,
        published_at=None,
        created_by=reporter,
    )


def test_reporter_makes_a_preview_link_from_the_admin(client, reporter, article):
    client.force_login(reporter)
    page = client.get(change_url(article))

    response = client.post(
        change_url(article), admin_form_data(page, _preview_link="1"), follow=True
    )

    link = PreviewLink.objects.get(article=article)
    assert link.created_by == reporter
    assert link.is_valid()
    assert len(link.token) >= 40
    text = response.content.decode()
    assert f"http://testserver/voorbeeld/{link.token}/" in text
    assert "geldig tot" in text


def test_preview_link_shows_the_draft_without_login_never_cached_nor_indexed(
    client, article
):
    link = PreviewLink.objects.create(article=article)

    response = client.get(link.get_absolute_url())

    assert response.status_code == 200
    assert "Concept over de haven van Tanger" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex' in response.content.decode()
    # The draft itself stays hidden from readers.
    assert client.get(article.get_absolute_url()).status_code == 404


def test_preview_link_expires_at_the_exact_moment(client, article):
    expires = timezone.now() + timedelta(days=1)
    link = PreviewLink.objects.create(article=article, expires_at=expires)

    with time_machine.travel(expires - timedelta(microseconds=1), tick=False):
        assert client.get(link.get_absolute_url()).status_code == 200
    with time_machine.travel(expires, tick=False):
        response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "werkt niet meer" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_revoked_link_answers_410_at_once(client, reporter, article):
    link = PreviewLink.objects.create(article=article, created_by=reporter)
    client.force_login(reporter)
    page = client.get(change_url(article))
    client.post(
        change_url(article), admin_form_data(page, **{"preview_links-0-revoked": "on"})
    )
    client.logout()

    link.refresh_from_db()
    assert link.revoked
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "ingetrokken" in response.content.decode()


def test_unknown_token_is_a_404(client):
    assert client.get("/voorbeeld/geen-geldige-sleutel/").status_code == 404


def test_preview_link_longer_than_the_maximum_is_refused(client, reporter, article):
    client.force_login(reporter)
    page = client.get(change_url(article))
    too_late = timezone.localtime() + timedelta(days=PreviewLink.MAX_DAYS + 1)
    data = admin_form_data(
        page,
        **{
            "preview_links-TOTAL_FORMS": "1",
            "preview_links-0-expires_at_0": too_late.strftime("%Y-%m-%d"),
            "preview_links-0-expires_at_1": too_late.strftime("%H:%M:%S"),
            "preview_links-0-article": str(article.pk),
        },
    )

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert "hoogstens 30 dagen" in response.content.decode()
    assert not PreviewLink.objects.exists()


def test_reporter_cannot_share_someone_elses_draft(client, article):
    other = make_member("youssef", "verslaggever")
    client.force_login(other)
    page = client.get(change_url(article))
    assert b'name="_preview_link"' not in page.content

    response = client.post(change_url(article), {"_preview_link": "1"})

    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


# Withdrawn means gone


SECRET_BODY = "Het geheime detail uit het onderzoek"


@pytest.fixture
def editor():
    return make_member("omar", "eindredacteur")


@pytest.fixture
def published(reporter):
    return make_article(
        title="Onderzoek naar de haven",
        body=f"<p>{SECRET_BODY}.</p>",
        created_by=reporter,
    )


def assert_gone_without_the_text(client, link):
    client.logout()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    text = response.content.decode()
    assert SECRET_BODY not in text
    assert "ingetrokken" in text
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("transition", "extra"),
    [("kill", {"kill_reason": "Juridische redenen."}), ("to_draft", {})],
)
def test_killing_or_unpublishing_revokes_the_preview_links(
    client, editor, published, transition, extra
):
    link = PreviewLink.objects.create(article=published)
    assert client.get(link.get_absolute_url()).status_code == 200
    client.force_login(editor)

    response = post_change(client, published, _transition=transition, **extra)

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked
    assert_gone_without_the_text(client, link)


def test_kill_revokes_a_link_whose_form_was_open_in_the_same_save(
    client, editor, published
):
    link = PreviewLink.objects.create(article=published)
    client.force_login(editor)
    later = timezone.localtime() + timedelta(days=5)

    post_change(
        client,
        published,
        _transition="kill",
        kill_reason="Onjuist.",
        **{
            "preview_links-0-expires_at_0": later.strftime("%Y-%m-%d"),
            "preview_links-0-expires_at_1": later.strftime("%H:%M:%S"),
        },
    )

    link.refresh_from_db()
    assert link.revoked
    assert_gone_without_the_text(client, link)


def test_bulk_unpublish_revokes_the_preview_links(client, editor, published):
    link = PreviewLink.objects.create(article=published)
    client.force_login(editor)

    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [published.pk]},
    )

    link.refresh_from_db()
    assert link.revoked
    assert_gone_without_the_text(client, link)


def test_a_link_to_a_killed_article_shows_nothing_even_if_not_revoked(
    client, published
):
    published.status = Article.Status.KILLED
    published.kill_reason = "Onjuist."
    published.save()
    link = PreviewLink.objects.create(article=published)

    assert_gone_without_the_text(client, link)


def test_pulling_a_draft_back_from_review_keeps_its_links(client, reporter, article):
    article.status = Article.Status.REVIEW
    article.save()
    link = PreviewLink.objects.create(article=article)
    client.force_login(reporter)

    post_change(client, article, _transition="to_draft")

    link.refresh_from_db()
    assert not link.revoked
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 200


def test_a_revoked_link_cannot_be_revived(client, reporter, article):
    link = PreviewLink.objects.create(article=article, revoked=True)
    client.force_login(reporter)
    page = client.get(change_url(article))
    data = admin_form_data(page)
    # Unticked: a checkbox sends nothing. And a new expiry on top.
    data.pop("preview_links-0-revoked", None)
    later = timezone.localtime() + timedelta(days=10)
    data["preview_links-0-expires_at_0"] = later.strftime("%Y-%m-%d")
    data["preview_links-0-expires_at_1"] = later.strftime("%H:%M:%S")
    expires = link.expires_at

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked
    assert link.expires_at == expires
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 410


def test_expiry_cannot_be_extended_past_the_limit(client, reporter, article):
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        link = PreviewLink.objects.create(article=article)
    client.force_login(reporter)
    page = client.get(change_url(article))
    # 20 days old, 20 more: 40 days in all.
    later = timezone.localtime() + timedelta(days=20)

    response = client.post(
        change_url(article),
        admin_form_data(
            page,
            **{
                "preview_links-0-expires_at_0": later.strftime("%Y-%m-%d"),
                "preview_links-0-expires_at_1": later.strftime("%H:%M:%S"),
            },
        ),
    )

    assert response.status_code == 200
    assert "hoogstens 30 dagen" in response.content.decode()
    old_expiry = link.expires_at
    link.refresh_from_db()
    assert link.expires_at == old_expiry
