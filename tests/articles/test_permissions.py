"""Roles and what each may do in the admin, enforced on the server."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.workflow import ROLE_GROUPS, ensure_newsroom_groups
from tests.factories import make_article, make_member
from tests.helpers import admin_form_data, change_url, post_change

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def reporter():
    return make_member("fatima", "verslaggever")


@pytest.fixture
def other_reporter():
    return make_member("youssef", "verslaggever")


@pytest.fixture
def editor():
    return make_member("omar", "eindredacteur")


def add_url():
    return reverse("admin:articles_article_add")


def changelist_url():
    return reverse("admin:articles_article_changelist")


# Groups


def test_groups_exist_after_migrate_with_their_permissions():
    reporter = Group.objects.get(name="Verslaggever")
    editor = Group.objects.get(name="Eindredacteur")
    admin = Group.objects.get(name="Beheerder")

    def codes(group):
        return set(group.permissions.values_list("codename", flat=True))

    assert {"add_article", "change_article", "view_article"} <= codes(reporter)
    assert "publish_article" not in codes(reporter)
    assert "delete_article" not in codes(reporter)
    assert "publish_tickeritem" not in codes(reporter)
    assert {"publish_article", "delete_article", "publish_tickeritem"} <= codes(editor)
    assert {"publish_article", "add_user", "change_user"} <= codes(admin)


def test_creating_groups_again_changes_nothing_and_keeps_manual_grants():
    reporter = Group.objects.get(name="Verslaggever")
    extra = Group.objects.get(name="Beheerder").permissions.get(codename="add_user")
    reporter.permissions.add(extra)
    before = {g.name: g.permissions.count() for g in Group.objects.all()}

    ensure_newsroom_groups()
    ensure_newsroom_groups()

    assert Group.objects.filter(name__in=ROLE_GROUPS.values()).count() == 3
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


# The create_newsroom_user command


def test_create_newsroom_user_prints_a_one_time_password(client):
    out = io.StringIO()
    call_command(
        "create_newsroom_user",
        "amina",
        role="eindredacteur",
        email="amina@example.nl",
        author="Amina Benali",
        stdout=out,
    )
    user = get_user_model().objects.get(username="amina")
    password = out.getvalue().split("One-time password: ")[1].split()[0]
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Eindredacteur"]
    assert user.has_perm("articles.publish_article")
    assert user.author.name == "Amina Benali"
    assert client.login(username="amina", password=password)


def test_create_newsroom_user_reads_the_password_from_stdin(monkeypatch, client):
    monkeypatch.setattr("sys.stdin", io.StringIO("Zeer-geheim-wachtwoord-42\n"))
    out = io.StringIO()
    call_command(
        "create_newsroom_user",
        "karim",
        "--role=verslaggever",
        "--email=karim@example.nl",
        "--password-from-stdin",
        stdout=out,
    )
    assert "One-time password" not in out.getvalue()
    assert client.login(username="karim", password="Zeer-geheim-wachtwoord-42")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["fatima", "--role=verslaggever", "--email=f@example.nl"], "", "exists"),
        (["nieuw", "--role=verslaggever", "--email=geen-adres"], "", "e-mail"),
        (
            ["nieuw", "--role=verslaggever", "--email=n@x.nl", "--password-from-stdin"],
            "\n",
            "No password",
        ),
        (
            ["nieuw", "--role=verslaggever", "--email=n@x.nl", "--password-from-stdin"],
            "12345\n",
            "Password rejected",
        ),
        (["met spatie!", "--role=verslaggever", "--email=n@x.nl"], "", "username"),
    ],
)
def test_create_newsroom_user_rejects_bad_input_clearly(
    reporter, monkeypatch, args, stdin, message
):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with pytest.raises(CommandError, match=message):
        call_command("create_newsroom_user", *args, stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="nieuw").exists()


def test_create_newsroom_user_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command(
            "create_newsroom_user", "x", "--role=hoofdredacteur", "--email=x@x.nl"
        )


# Reporters in the admin


def test_reporter_creates_a_draft_and_submits_it(client, reporter):
    client.force_login(reporter)
    page = client.get(add_url())
    assert b'value="submit"' in page.content
    assert b'value="publish"' not in page.content

    response = client.post(
        add_url(),
        admin_form_data(page, title="Water in de Rif", _transition="submit"),
    )

    assert response.status_code == 302
    article = Article.objects.get(title="Water in de Rif")
    assert article.status == Status.REVIEW
    assert article.created_by == reporter
    assert not article.is_published()


def test_reporter_edits_own_draft(client, reporter):
    article = make_article(status=Status.DRAFT, created_by=reporter, published_at=None)
    client.force_login(reporter)

    response = post_change(client, article, title="Nieuwe titel")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Nieuwe titel"
    assert article.status == Status.DRAFT


def test_reporter_cannot_publish_with_a_forged_transition(client, reporter):
    article = make_article(status=Status.REVIEW, created_by=reporter, published_at=None)
    client.force_login(reporter)

    response = post_change(client, article, _transition="publish")

    assert response.status_code == 200
    assert "niet uitvoeren" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_reporter_cannot_set_status_or_schedule_with_forged_fields(client, reporter):
    article = make_article(status=Status.DRAFT, created_by=reporter, published_at=None)
    client.force_login(reporter)
    page = client.get(change_url(article))
    form = page.context["adminform"].form
    assert "published_at" not in form.fields
    assert "featured" not in form.fields
    assert "status" not in form.fields

    when = timezone.localtime() + timedelta(days=1)
    response = client.post(
        change_url(article),
        admin_form_data(
            page,
            status="published",
            published_at_0=when.strftime("%Y-%m-%d"),
            published_at_1=when.strftime("%H:%M:%S"),
            featured="on",
        ),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.published_at is None
    assert not article.featured


def test_reporter_only_views_someone_elses_article(client, reporter, other_reporter):
    article = make_article(
        status=Status.DRAFT, created_by=other_reporter, published_at=None
    )
    client.force_login(reporter)

    page = client.get(change_url(article))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert b'name="_transition"' not in page.content

    response = client.post(change_url(article), {"title": "Gekaapt"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title != "Gekaapt"


def test_reporter_cannot_edit_own_article_once_published(client, reporter):
    article = make_article(created_by=reporter)
    client.force_login(reporter)

    assert not client.get(change_url(article)).context["has_change_permission"]
    response = client.post(change_url(article), {"title": "Stiekem veranderd"})

    assert response.status_code == 403


def test_reporter_cannot_delete(client, reporter):
    article = make_article(status=Status.DRAFT, created_by=reporter, published_at=None)
    client.force_login(reporter)

    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_reporter_sees_only_the_actions_allowed_to_them(client, reporter, editor):
    client.force_login(reporter)
    actions = dict(
        client.get(changelist_url()).context["action_form"].fields["action"].choices
    )
    assert "submit_for_review" in actions
    assert "publish" not in actions
    assert "unpublish" not in actions
    assert "delete_selected" not in actions

    client.force_login(editor)
    actions = dict(
        client.get(changelist_url()).context["action_form"].fields["action"].choices
    )
    assert {"publish", "unpublish", "delete_selected"} <= set(actions)


def test_reporter_forged_publish_action_does_nothing(client, reporter):
    article = make_article(status=Status.REVIEW, created_by=reporter, published_at=None)
    client.force_login(reporter)

    client.post(
        changelist_url(),
        {"action": "publish", "_selected_action": [article.pk]},
    )

    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_reporter_submit_action_skips_articles_of_others(
    client, reporter, other_reporter
):
    own = make_article(status=Status.DRAFT, created_by=reporter, published_at=None)
    theirs = make_article(
        status=Status.DRAFT, created_by=other_reporter, published_at=None
    )
    client.force_login(reporter)

    response = client.post(
        changelist_url(),
        {"action": "submit_for_review", "_selected_action": [own.pk, theirs.pk]},
        follow=True,
    )

    own.refresh_from_db()
    theirs.refresh_from_db()
    assert own.status == Status.REVIEW
    assert theirs.status == Status.DRAFT
    assert "1 artikel overgeslagen" in response.content.decode()


def test_reporter_cannot_kill_or_unpublish_with_forged_transitions(client, reporter):
    article = make_article(status=Status.REVIEW, created_by=reporter, published_at=None)
    client.force_login(reporter)

    for transition in ["kill", "publish", "nonsense"]:
        response = post_change(client, article, _transition=transition)
        assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_reporter_may_pull_own_article_back_from_review(client, reporter):
    article = make_article(status=Status.REVIEW, created_by=reporter, published_at=None)
    client.force_login(reporter)

    response = post_change(client, article, _transition="to_draft")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_reporter_cannot_recover_deleted_articles(client, reporter):
    client.force_login(reporter)
    url = reverse("admin:articles_article_recoverlist")
    assert client.get(url).status_code == 403


# Editors in the admin


def test_editor_edits_someone_elses_article_and_publishes_it(client, reporter, editor):
    article = make_article(status=Status.REVIEW, created_by=reporter, published_at=None)
    client.force_login(editor)

    response = post_change(client, article, _transition="publish")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.is_published()
    assert article.updated_by == editor


def test_editor_publish_and_unpublish_actions(client, editor):
    article = make_article(status=Status.REVIEW, published_at=None)
    client.force_login(editor)

    client.post(
        changelist_url(), {"action": "publish", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.is_published()

    client.post(
        changelist_url(), {"action": "unpublish", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == Status.DRAFT


# Tags: reporters use the existing ones, editors make new ones


def test_reporter_cannot_make_a_new_tag_but_may_use_existing_ones(client, reporter):
    from taggit.models import Tag

    Tag.objects.create(name="Haven", slug="haven")
    article = make_article(status=Status.DRAFT, published_at=None, created_by=reporter)
    client.force_login(reporter)

    response = post_change(client, article, tags="haven, Embargo-onderwerp")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["tags"]
    assert "U mag geen nieuwe tags maken: ‘Embargo-onderwerp’" in errors[0]
    assert not Tag.objects.filter(name__iexact="embargo-onderwerp").exists()

    response = post_change(client, article, tags="HAVEN")
    assert response.status_code == 302
    assert list(article.tags.names()) == ["Haven"]


def test_editor_makes_new_tags(client, editor):
    article = make_article()
    client.force_login(editor)

    response = post_change(
        client, article, tags="Nieuw onderwerp,", change_kind="minor"
    )

    assert response.status_code == 302
    assert list(article.tags.names()) == ["Nieuw onderwerp"]
