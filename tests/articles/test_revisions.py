"""Revisions: every save kept, readable diffs, restore, recovery, edit conflicts."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.editing.helpers import resolved_data
from tests.factories import make_article, make_author, make_member
from tests.helpers import admin_form_data, change_url, post_change

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def editor():
    return make_member("omar", "eindredacteur", first_name="Omar", last_name="Idrissi")


def versions_of(article):
    return list(Version.objects.get_for_object(article).select_related("revision"))


def draft(**overrides):
    overrides.setdefault("status", Status.DRAFT)
    overrides.setdefault("published_at", None)
    return make_article(**overrides)


def test_every_admin_save_keeps_a_revision_with_who_and_what(editor_client, editor):
    article = draft(title="Eerste kop")

    post_change(editor_client, article, title="Tweede kop")
    post_change(editor_client, article, lead="Nieuwe intro.")

    versions = versions_of(article)
    assert len(versions) == 2
    assert versions[0].field_dict["lead"] == "Nieuwe intro."
    assert versions[1].field_dict["title"] == "Tweede kop"
    assert all(v.revision.user == editor for v in versions)
    assert "Intro" in versions[0].revision.get_comment()

    history = editor_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    assert "Omar Idrissi" in history
    assert "Wat is er veranderd" in history
    assert "Deze versie terugzetten" in history


def test_transitions_from_the_list_keep_a_revision(editor_client):
    article = draft()

    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [article.pk]},
    )

    latest = versions_of(article)[0]
    assert latest.field_dict["status"] == Status.PUBLISHED
    assert latest.revision.get_comment() == "Publiceren"


def test_diff_shows_title_lead_and_body_changes_escaped(editor_client):
    article = draft(
        title="Regen in Fez",
        lead="Het regent.",
        body="<p>Eerste alinea.</p><p>Tweede alinea.</p>",
    )
    post_change(editor_client, article, title="Zware regen in Fez")
    post_change(
        editor_client,
        article,
        title="Zware <regen> in Fez",
        body="<p>Eerste alinea.</p><p>Tweede alinea, aangevuld.</p>",
    )
    newest, older = versions_of(article)[:2]

    page = editor_client.get(
        reverse("admin:articles_article_diff", args=[article.pk, newest.pk])
    ).content.decode()

    assert "Zware <ins>&lt;</ins>regen<ins>&gt;</ins> in Fez" in page
    assert "Tweede alinea<ins>, aangevuld</ins>." in page
    assert "<regen>" not in page
    assert "<p>Eerste" not in page  # the body is compared as text, not as markup

    against_first = editor_client.get(
        reverse("admin:articles_article_diff", args=[article.pk, newest.pk]),
        {"from": older.pk},
    )
    assert against_first.status_code == 200
    assert (
        editor_client.get(
            reverse("admin:articles_article_diff", args=[article.pk, newest.pk]),
            {"from": "x"},
        ).status_code
        == 404
    )


def test_restore_brings_back_old_content_and_bylines_but_not_the_state(
    editor_client,
):
    author = make_author(name="Nadia")
    article = make_article(title="Goede kop", authors=[author], tags=["water"])
    post_change(editor_client, article, title="Oude goede kop", change_kind="minor")
    good = versions_of(article)[0]
    page = editor_client.get(change_url(article))
    editor_client.post(
        change_url(article),
        admin_form_data(
            page,
            title="Verknoeide kop",
            tags="droogte",
            change_kind="minor",
            **{"bylines-0-DELETE": "on"},
        ),
    )
    article.refresh_from_db()
    assert article.title == "Verknoeide kop"
    assert not article.bylines.exists()
    assert [tag.name for tag in article.tags.all()] == ["droogte"]
    # Meanwhile the article went offline; restoring must not put it back.
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [article.pk]},
    )

    url = reverse("admin:articles_article_revision", args=[article.pk, good.pk])
    form_page = editor_client.get(url)
    assert form_page.status_code == 200
    response = editor_client.post(url, admin_form_data(form_page))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Oude goede kop"
    assert [b.author for b in article.bylines.all()] == [author]
    assert [tag.name for tag in article.tags.all()] == ["water"]
    assert article.status == Status.DRAFT
    assert versions_of(article)[0].field_dict["title"] == "Oude goede kop"
    assert article.version > good.field_dict["version"]


def test_restoring_a_live_article_asks_minor_or_significant(editor_client):
    article = make_article(title="Kop A")
    post_change(editor_client, article, title="Kop B", change_kind="minor")
    post_change(editor_client, article, title="Kop C", change_kind="minor")
    old = versions_of(article)[1]

    url = reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    response = editor_client.post(url, admin_form_data(editor_client.get(url)))

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == "Kop C"


def test_deleted_article_can_be_recovered(editor_client):
    article = draft(title="Per ongeluk verwijderd")
    post_change(editor_client, article, lead="Bewaarde intro.")
    pk = article.pk
    editor_client.post(
        reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"}
    )
    assert not Article.objects.filter(pk=pk).exists()

    listing = editor_client.get(reverse("admin:articles_article_recoverlist"))
    assert "Per ongeluk verwijderd" in listing.content.decode()
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    url = reverse("admin:articles_article_recover", args=[version.pk])
    response = editor_client.post(url, admin_form_data(editor_client.get(url)))

    assert response.status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert recovered.lead == "Bewaarde intro."


def test_second_save_of_the_same_article_is_refused_with_a_link_to_the_change(
    client, editor
):
    colleague = make_member("samira", "eindredacteur", first_name="Samira")
    article = draft(title="Gedeeld stuk")
    client.force_login(editor)
    post_change(client, article, lead="Eerste versie.")  # a revision to start from

    mine = client.get(change_url(article))  # I open the article ...
    client.force_login(colleague)
    post_change(client, article, title="Kop van Samira")  # ... she saves first.

    client.force_login(editor)
    response = client.post(
        change_url(article),
        admin_form_data(mine, lead="Mijn nieuwe intro."),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Samira heeft dit artikel opgeslagen" in page
    assert "Mijn nieuwe intro." in page  # nothing the editor typed is lost
    versions = versions_of(article)
    diff_url = reverse("admin:articles_article_diff", args=[article.pk, versions[0].pk])
    assert f'href="{diff_url}?from={versions[1].pk}"' in page
    article.refresh_from_db()
    assert article.title == "Kop van Samira"
    assert article.lead == "Eerste versie."

    # The form was rebuilt on her version: saving it keeps her title and my intro.
    retry = client.post(change_url(article), resolved_data(response))
    assert retry.status_code == 302
    article.refresh_from_db()
    assert article.title == "Kop van Samira"
    assert article.lead == "Mijn nieuwe intro."


def test_a_form_without_the_version_is_refused(editor_client):
    article = draft()
    data = admin_form_data(editor_client.get(change_url(article)), title="Nieuw")
    del data["edit_version"]

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title != "Nieuw"


def test_reporter_may_view_history_but_not_recover(client):
    reporter = make_member("fatima", "verslaggever")
    article = draft(created_by=reporter)
    client.force_login(reporter)
    post_change(client, article, title="Eigen stuk")

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200
    listing = client.get(reverse("admin:articles_article_changelist")).content
    assert b"Verwijderde artikelen herstellen" not in listing


def test_reporter_cannot_read_a_deleted_article_through_its_diff(editor_client):
    article = draft(title="Geheim onderzoek", body="<p>Bron: de minister zelf.</p>")
    post_change(editor_client, article, lead="Eerste versie.")
    post_change(editor_client, article, lead="Tweede versie.")
    versions = versions_of(article)
    pk = article.pk
    editor_client.post(
        reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"}
    )
    client = Client()
    client.force_login(make_member("fatima", "verslaggever"))
    url = reverse("admin:articles_article_diff", args=[pk, versions[0].pk])

    response = client.get(url)
    assert response.status_code == 403
    assert b"minister" not in response.content
    response = client.get(f"{url}?from={versions[1].pk}")
    assert response.status_code == 403

    # Those who may recover it still read what they would bring back.
    assert editor_client.get(url).status_code == 200
