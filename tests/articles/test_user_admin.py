"""Accounts: a Beheerder manages newsroom members and cannot escalate, whatever it
POSTs."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import make_member, make_user
from tests.helpers import admin_form_data

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "geheim-wachtwoord-123"


@pytest.fixture
def beheerder():
    return make_member("samira", "beheerder")


@pytest.fixture
def admin_client(client, beheerder):
    client.force_login(beheerder)
    return client


@pytest.fixture
def reporter():
    return make_member("fatima", "verslaggever")


def group(role_name):
    return Group.objects.get(name=role_name)


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def post_user_form(client, user, **overrides):
    page = client.get(change_url(user))
    assert page.status_code == 200
    groups = [str(pk) for pk in user.groups.values_list("pk", flat=True)]
    data = admin_form_data(page, groups=groups)
    return client.post(change_url(user), {**data, **overrides})


def all_permission_ids():
    return [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]


def test_beheerder_cannot_make_itself_superuser(admin_client, beheerder):
    response = post_user_form(
        admin_client,
        beheerder,
        first_name="Samira",
        is_superuser="on",
        is_staff="on",
        user_permissions=all_permission_ids(),
        groups=[str(group("Beheerder").pk)],
    )

    assert response.status_code == 302
    beheerder.refresh_from_db()
    assert beheerder.first_name == "Samira"  # what it may change is saved
    assert not beheerder.is_superuser
    assert not beheerder.user_permissions.exists()
    assert not beheerder.has_perm("auth.delete_user")


def test_beheerder_form_shows_status_and_permissions_read_only(admin_client, reporter):
    page = admin_client.get(change_url(reporter))
    form = page.context["adminform"].form

    assert "is_superuser" not in form.fields
    assert "is_staff" not in form.fields
    assert "user_permissions" not in form.fields
    assert "groups" in form.fields
    # No link to set this member's password.
    assert b"../password/" not in page.content


def test_beheerder_changes_a_members_role_within_the_newsroom_roles(
    admin_client, reporter
):
    response = post_user_form(
        admin_client,
        reporter,
        last_name="El Amrani",
        groups=[str(group("Eindredacteur").pk)],
        is_superuser="on",
        user_permissions=all_permission_ids(),
    )

    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.last_name == "El Amrani"
    assert list(reporter.groups.values_list("name", flat=True)) == ["Eindredacteur"]
    assert not reporter.is_superuser
    assert not reporter.user_permissions.exists()


def test_beheerder_cannot_take_staff_status_away(admin_client, reporter):
    page = admin_client.get(change_url(reporter))
    data = admin_form_data(page, groups=[str(group("Verslaggever").pk)])
    data.pop("is_staff", None)  # an unticked box sends nothing
    assert admin_client.post(change_url(reporter), data).status_code == 302

    reporter.refresh_from_db()
    assert reporter.is_staff


def test_beheerder_cannot_give_a_group_outside_the_newsroom_roles(
    admin_client, reporter
):
    tech = Group.objects.create(name="Techniek")
    tech.permissions.add(Permission.objects.get(codename="delete_user"))

    response = post_user_form(admin_client, reporter, groups=[str(tech.pk)])

    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert list(reporter.groups.values_list("name", flat=True)) == ["Verslaggever"]


def test_beheerder_cannot_change_a_superuser_or_an_account_with_own_permissions(
    admin_client,
):
    boss = make_user("hoofd", is_superuser=True)
    special = make_user("techniek", perms=["auth.view_user"])

    for account in (boss, special):
        page = admin_client.get(change_url(account))
        assert page.status_code == 200  # read-only view
        assert b'name="_save"' not in page.content
        response = admin_client.post(
            change_url(account),
            {"username": account.username, "is_active": "", "email": "x@evil.test"},
        )
        assert response.status_code == 403
        account.refresh_from_db()
        assert account.is_active
        assert account.email == ""


def test_beheerder_cannot_set_another_users_password(admin_client, reporter):
    boss = make_user("hoofd", is_superuser=True)
    for account in (reporter, boss):
        assert admin_client.get(password_url(account)).status_code == 403
        response = admin_client.post(
            password_url(account),
            {
                "password1": "Nieuw-wachtwoord-987",
                "password2": "Nieuw-wachtwoord-987",
                "usable_password": "true",
                "set-password": "1",
            },
        )
        assert response.status_code == 403
        account.refresh_from_db()
        assert account.check_password(PASSWORD)


def test_beheerder_changes_its_own_password(admin_client, beheerder):
    response = admin_client.post(
        password_url(beheerder),
        {
            "password1": "Nieuw-wachtwoord-987",
            "password2": "Nieuw-wachtwoord-987",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    beheerder.refresh_from_db()
    assert beheerder.check_password("Nieuw-wachtwoord-987")


def add_data(**overrides):
    return {
        "username": "karim",
        "usable_password": "true",
        "password1": "Zeer-geheim-wachtwoord-42",
        "password2": "Zeer-geheim-wachtwoord-42",
        "first_name": "Karim",
        "email": "karim@example.nl",
        "groups": [str(group("Verslaggever").pk)],
        **overrides,
    }


def test_beheerder_adds_a_member_who_gets_staff_status_and_nothing_more(
    admin_client,
):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        add_data(
            is_superuser="on",
            user_permissions=all_permission_ids(),
        ),
    )

    assert response.status_code == 302
    karim = User.objects.get(username="karim")
    assert karim.is_staff
    assert not karim.is_superuser
    assert not karim.user_permissions.exists()
    assert list(karim.groups.values_list("name", flat=True)) == ["Verslaggever"]
    assert karim.has_perm("articles.add_article")
    assert not karim.has_perm("articles.publish_article")


@pytest.mark.parametrize("groups", [[], ["Techniek"]])
def test_beheerder_adds_a_member_only_with_a_newsroom_role(admin_client, groups):
    Group.objects.create(name="Techniek")
    ids = [str(Group.objects.get(name=name).pk) for name in groups]

    response = admin_client.post(reverse("admin:auth_user_add"), add_data(groups=ids))

    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="karim").exists()


def test_a_role_hands_out_no_role_above_its_own(client):
    # An editor-in-chief who was allowed to manage accounts (by a superuser).
    manager = make_member(
        "omar", "eindredacteur", perms=["auth.add_user", "auth.change_user"]
    )
    reporter = make_member("fatima", "verslaggever")
    client.force_login(manager)

    response = post_user_form(client, reporter, groups=[str(group("Beheerder").pk)])
    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors

    response = post_user_form(client, reporter, groups=[str(group("Eindredacteur").pk)])
    assert response.status_code == 302
    assert reporter.groups.get().name == "Eindredacteur"
    # A Beheerder is beyond this manager's reach altogether.
    beheerder = make_member("samira", "beheerder")
    assert client.post(change_url(beheerder), {"username": "x"}).status_code == 403


def test_beheerder_cannot_change_groups_or_their_permissions(admin_client):
    reporters = group("Verslaggever")
    before = set(reporters.permissions.values_list("pk", flat=True))
    url = reverse("admin:auth_group_change", args=[reporters.pk])

    assert admin_client.get(url).status_code == 200  # read only
    response = admin_client.post(
        url, {"name": "Verslaggever", "permissions": all_permission_ids()}
    )
    assert response.status_code == 403
    assert set(reporters.permissions.values_list("pk", flat=True)) == before

    response = admin_client.post(
        reverse("admin:auth_group_add"),
        {"name": "Alles", "permissions": all_permission_ids()},
    )
    assert response.status_code == 403
    assert not Group.objects.filter(name="Alles").exists()
    delete = reverse("admin:auth_group_delete", args=[reporters.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_superuser_still_manages_everything(client, reporter):
    client.force_login(make_user("hoofd", is_superuser=True))

    response = post_user_form(
        client, reporter, is_superuser="on", user_permissions=all_permission_ids()[:1]
    )

    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.is_superuser
    assert reporter.user_permissions.count() == 1
    response = client.post(
        password_url(reporter),
        {
            "password1": "Nieuw-wachtwoord-987",
            "password2": "Nieuw-wachtwoord-987",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
