"""List actions on many articles while editors keep saving single ones."""

import pytest
from django.db.models import F
from django.db.models.signals import pre_save
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.factories import make_article, make_member
from tests.helpers import admin_form_data, change_url

pytestmark = pytest.mark.django_db

Status = Article.Status


def run_action(client, action, articles):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [a.pk for a in articles]},
    )


def test_a_form_opened_before_a_bulk_action_gets_the_conflict_page(editor_client):
    article = make_article(title="Stuk over de haven")
    opened = editor_client.get(change_url(article))

    run_action(editor_client, "unpublish", [article])
    response = editor_client.post(
        change_url(article), admin_form_data(opened, title="Kop uit het oude formulier")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "heeft dit artikel opgeslagen" in page
    assert "Kop uit het oude formulier" in page  # the editor's text is kept
    article.refresh_from_db()
    assert article.title == "Stuk over de haven"
    assert article.status == Status.DRAFT


@pytest.mark.parametrize(
    ("action", "status", "target"),
    [
        ("unpublish", Status.PUBLISHED, Status.DRAFT),
        ("back_to_draft", Status.REVIEW, Status.DRAFT),
        ("publish", Status.REVIEW, Status.PUBLISHED),
        ("submit_for_review", Status.DRAFT, Status.REVIEW),
    ],
)
def test_a_title_saved_during_a_bulk_action_is_kept(
    editor_client, action, status, target
):
    first = make_article(title="Eerste", status=status)
    second = make_article(title="Tweede", status=status)
    versions = {a.pk: a.version for a in (first, second)}
    corrected = {}

    def save_by_a_colleague(sender, instance, **kwargs):
        # While the action saves its first article, a colleague's form saves the
        # other one (as the admin does: new title, next version).
        if corrected:
            return
        other = second if instance.pk == first.pk else first
        Article.objects.filter(pk=other.pk).update(
            title="Gecorrigeerde kop", version=F("version") + 1
        )
        corrected[other.pk] = True

    pre_save.connect(save_by_a_colleague, sender=Article)
    try:
        response = run_action(editor_client, action, [first, second])
    finally:
        pre_save.disconnect(save_by_a_colleague, sender=Article)

    assert response.status_code == 302
    (other_pk,) = corrected
    for article in (first, second):
        article.refresh_from_db()
        assert article.status == target
        if article.pk == other_pk:
            assert article.title == "Gecorrigeerde kop"
            # Both saves counted: a form opened before either gets the conflict.
            assert article.version == versions[article.pk] + 2
        else:
            assert article.version == versions[article.pk] + 1
    # The action's revision holds the corrected title, not the one read before.
    latest = Version.objects.get_for_object_reference(Article, other_pk).first()
    assert latest.field_dict["title"] == "Gecorrigeerde kop"


def test_a_reporter_bulk_action_still_skips_what_it_may_not_do(client):
    reporter = make_member("fatima", "verslaggever")
    mine = make_article(status=Status.DRAFT, created_by=reporter)
    theirs = make_article(status=Status.DRAFT)
    client.force_login(reporter)

    response = run_action(client, "submit_for_review", [mine, theirs])

    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Status.REVIEW
    assert theirs.status == Status.DRAFT
