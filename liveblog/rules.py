"""Who may do what with live blogs; the admin and the tests ask these functions.

Editors (who may publish articles) run every live blog. A reporter may post to a
live blog they are a byline on, and edit their own updates there; whether such an
update waits for an editor's approval is the live blog's own setting.
"""

from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

from articles.workflow import EDITOR, REPORTER, ROLE_GROUPS, can_publish

_REPORTER = [
    "liveblog.view_liveblog",
    "liveblog.view_liveblogupdate",
    "liveblog.add_liveblogupdate",
    "liveblog.change_liveblogupdate",
]
_EDITOR = [
    *_REPORTER,
    "liveblog.add_liveblog",
    "liveblog.change_liveblog",
    "liveblog.delete_liveblog",
    "liveblog.delete_liveblogupdate",
    "liveblog.approve_liveblogupdate",
]
ROLE_PERMISSIONS = {REPORTER: _REPORTER, EDITOR: _EDITOR}


def grant_role_permissions(app_config, using=DEFAULT_DB_ALIAS, **kwargs):
    """Give the newsroom's role groups their live blog permissions; safe to repeat
    (permissions are only added). The administrator role gets every permission of
    the app."""
    from django.contrib.auth.models import Group, Permission

    create_permissions(app_config, verbosity=0, using=using)
    permissions = list(
        Permission.objects.using(using).filter(content_type__app_label="liveblog")
    )
    by_name = {f"liveblog.{perm.codename}": perm for perm in permissions}
    for role, group_name in ROLE_GROUPS.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        names = ROLE_PERMISSIONS.get(role)
        wanted = permissions if names is None else [by_name[n] for n in names]
        group.permissions.add(*wanted)


def is_editor(user):
    return can_publish(user)


def is_byline(user, liveblog):
    author = getattr(user, "author", None)
    return (
        author is not None and liveblog.article.bylines.filter(author=author).exists()
    )


def can_post(user, liveblog):
    """Return whether user may post an update to liveblog (not once it has ended)."""
    if liveblog.is_ended or not user.has_perm("liveblog.add_liveblogupdate"):
        return False
    return is_editor(user) or is_byline(user, liveblog)


def can_edit_update(user, update):
    if not user.has_perm("liveblog.change_liveblogupdate"):
        return False
    if is_editor(user):
        return True
    return update.created_by_id == user.pk and is_byline(user, update.liveblog)


def can_delete_update(user, update=None):
    return is_editor(user) and user.has_perm("liveblog.delete_liveblogupdate")


def needs_approval(user, liveblog):
    """Return whether an update user posts waits for an editor."""
    return liveblog.reporter_approval and not user.has_perm(
        "liveblog.approve_liveblogupdate"
    )
