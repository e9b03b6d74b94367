"""The newsroom's editorial rules: roles, who may do what, and the status transitions.

The admin, the management commands and the tests all ask these functions, so a rule
lives in one place and the server enforces it whatever the browser sends.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Article, PreviewLink, SlugRedirect

PUBLISH_PERMISSION = "articles.publish_article"

REPORTER = "verslaggever"
EDITOR = "eindredacteur"
ADMINISTRATOR = "beheerder"
ROLE_GROUPS = {
    REPORTER: "Verslaggever",
    EDITOR: "Eindredacteur",
    ADMINISTRATOR: "Beheerder",
}

_REPORTER_PERMISSIONS = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.add_articleauthor",
    "articles.change_articleauthor",
    "articles.delete_articleauthor",
    "articles.view_articleauthor",
    "articles.view_section",
    "articles.view_author",
    "articles.add_previewlink",
    "articles.change_previewlink",
    "articles.view_previewlink",
    "articles.view_articleupdate",
    "images.add_image",
    "images.change_image",
    "images.view_image",
    "taggit.view_tag",
    "ticker.add_tickeritem",
    "ticker.change_tickeritem",
    "ticker.view_tickeritem",
]
_EDITOR_PERMISSIONS = [
    *_REPORTER_PERMISSIONS,
    "articles.delete_article",
    PUBLISH_PERMISSION,
    "articles.add_section",
    "articles.change_section",
    "articles.add_author",
    "articles.change_author",
    "articles.delete_previewlink",
    "images.delete_image",
    "articles.view_slugredirect",
    "articles.change_slugredirect",
    "articles.delete_slugredirect",
    "taggit.add_tag",
    "taggit.change_tag",
    "taggit.delete_tag",
    "ticker.delete_tickeritem",
    "ticker.publish_tickeritem",
    "reversion.view_revision",
    "reversion.view_version",
]
# Site administrators manage accounts and everything editorial, but are no superusers.
_ADMINISTRATOR_APPS = ["articles", "images", "ticker", "taggit", "reversion"]
_ADMINISTRATOR_PERMISSIONS = [
    *_EDITOR_PERMISSIONS,
    "auth.add_user",
    "auth.change_user",
    "auth.view_user",
    "auth.view_group",
    "auth.view_permission",
    "admin.view_logentry",
]
ROLE_PERMISSIONS = {
    REPORTER: _REPORTER_PERMISSIONS,
    EDITOR: _EDITOR_PERMISSIONS,
    ADMINISTRATOR: _ADMINISTRATOR_PERMISSIONS,
}


def ensure_newsroom_groups(*, using=DEFAULT_DB_ALIAS, **kwargs):
    """Create the role groups and give them their permissions; safe to repeat.

    Permissions are only added, so what a site administrator grants a group by hand
    survives the next migrate.
    """
    from django.contrib.auth.models import Group, Permission

    # Other apps' permissions are created by their own post_migrate handler, which
    # may run after ours.
    labels = {"auth", "admin", *_ADMINISTRATOR_APPS}
    for app_config in global_apps.get_app_configs():
        if app_config.label in labels:
            create_permissions(app_config, verbosity=0, using=using)

    permissions = Permission.objects.using(using).select_related("content_type")
    by_name = {
        f"{perm.content_type.app_label}.{perm.codename}": perm for perm in permissions
    }
    for role, group_name in ROLE_GROUPS.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        wanted = [by_name[name] for name in ROLE_PERMISSIONS[role] if name in by_name]
        if role == ADMINISTRATOR:
            wanted += [
                perm
                for perm in permissions
                if perm.content_type.app_label in _ADMINISTRATOR_APPS
            ]
        group.permissions.add(*wanted)


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def is_own(user, article):
    return article.pk is None or article.created_by_id == user.pk


def can_edit(user, article):
    """Return whether user may change article (given the model permission).

    Editors may change every article. Reporters only their own, and only while it is
    a draft or waits for review: once it is public it is the editors' responsibility.
    """
    if can_publish(user):
        return True
    return is_own(user, article) and article.status in {
        Article.Status.DRAFT,
        Article.Status.REVIEW,
    }


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    # Reporters may only do this to their own articles, and only from these states.
    reporter_sources: frozenset = frozenset()
    danger: bool = False


_S = Article.Status
TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            _("Ter beoordeling aanbieden"),
            frozenset({_S.DRAFT}),
            _S.REVIEW,
            reporter_sources=frozenset({_S.DRAFT}),
        ),
        Transition(
            "publish",
            _("Publiceren"),
            frozenset({_S.DRAFT, _S.REVIEW, _S.PUBLISHED}),
            _S.PUBLISHED,
        ),
        Transition(
            "to_draft",
            _("Terug naar concept"),
            frozenset({_S.REVIEW, _S.PUBLISHED, _S.KILLED}),
            _S.DRAFT,
            reporter_sources=frozenset({_S.REVIEW}),
        ),
        Transition(
            "kill",
            _("Intrekken (kill)"),
            frozenset({_S.PUBLISHED}),
            _S.KILLED,
            danger=True,
        ),
    ]
}


class TransitionError(Exception):
    """A transition that is not allowed; the message is fit for the user."""


class NotPublishable(TransitionError):
    """The article may not go out as it is: its content lacks something readers need."""


_UNSET = object()


def check_publishable(article, *, lead_image=_UNSET):
    """Raise NotPublishable unless article (with lead_image, when given) may go out.

    A lead image needs alt text, unless the editor marked it decorative: readers who
    do not see it must learn what it shows.
    """
    image = article.lead_image if lead_image is _UNSET else lead_image
    if image is not None and image.needs_alt:
        raise NotPublishable(
            _(
                "De hoofdafbeelding heeft nog geen alt-tekst. Beschrijf bij de "
                "afbeelding (potlood naast ‘Hoofdafbeelding’) wat erop te zien is, of "
                "vink daar ‘decoratief’ aan als ze niets toevoegt."
            )
        )


def allowed_transitions(user, article):
    """Return the transitions user may apply to article now, in a stable order."""
    return [t for t in TRANSITIONS.values() if _check(user, article, t, raise_=False)]


def check_transition(user, article, name):
    """Raise TransitionError unless user may apply transition name to article."""
    try:
        transition = TRANSITIONS[name]
    except KeyError:
        raise TransitionError(_("Onbekende actie.")) from None
    _check(user, article, transition)
    return transition


def _check(user, article, transition, *, raise_=True):
    status = article.status or _S.DRAFT
    if status not in transition.sources:
        if raise_:
            raise TransitionError(
                _("‘%(action)s’ kan niet bij een artikel met status ‘%(status)s’.")
                % {"action": transition.label, "status": _S(status).label}
            )
        return False
    # Publishing an article that is already live again makes no sense; a scheduled
    # one may be published now.
    if (
        transition.name == "publish"
        and status == _S.PUBLISHED
        and not article.is_scheduled
    ):
        if raise_:
            raise TransitionError(_("Dit artikel is al gepubliceerd."))
        return False
    if can_publish(user):
        return True
    if status in transition.reporter_sources and is_own(user, article):
        return True
    if raise_:
        raise TransitionError(
            _("U mag ‘%(action)s’ niet uitvoeren bij dit artikel.")
            % {"action": transition.label}
        )
    return False


def apply_transition(article, name, user, *, reason=""):
    """Change article's state for transition name, without saving it.

    Raise TransitionError when user may not do it or the article is not in a state
    it applies to.
    """
    transition = check_transition(user, article, name)
    now = timezone.now()
    if name == "publish":
        check_publishable(article)
        if article.status == _S.PUBLISHED and article.is_scheduled:
            article.published_at = now
        elif article.published_at is None:
            article.published_at = now
    elif name == "kill":
        if not reason.strip():
            raise TransitionError(
                _("Geef een reden op: lezers zien die op het oude adres.")
            )
        article.kill_reason = reason.strip()
        article.killed_at = now
    elif name == "to_draft":
        article.killed_at = None
    article.status = transition.target
    article.updated_by = user
    return transition


def withdraws(article, name):
    """Return whether transition name takes article back from readers (a kill, or
    back to draft from published or scheduled)."""
    transition = TRANSITIONS.get(name)
    return (
        transition is not None
        and article.status == _S.PUBLISHED
        and transition.target != _S.PUBLISHED
    )


def revoke_preview_links(article):
    """Make every preview link of a withdrawn article stop working, for good.

    Whoever was sent one before it went out must not keep reading what the newsroom
    took back; a fresh link can be shared once the article is worked on again.
    """
    return PreviewLink.objects.filter(article=article, revoked=False).update(
        revoked=True
    )


def transition_message(article):
    """Return a short Dutch sentence that says where article stands now."""
    if article.is_scheduled:
        return _("‘%(title)s’ is ingepland voor %(when)s.") % {
            "title": article.title,
            "when": format_when(article.published_at),
        }
    messages = {
        _S.DRAFT: _("‘%(title)s’ is nu een concept en niet zichtbaar voor lezers."),
        _S.REVIEW: _("‘%(title)s’ wacht nu op beoordeling door de eindredactie."),
        _S.PUBLISHED: _("‘%(title)s’ is gepubliceerd."),
        _S.KILLED: _("‘%(title)s’ is ingetrokken; het adres meldt nu ‘410 Gone’."),
    }
    return messages[article.status] % {"title": article.title}


def format_when(value):
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")


def remember_old_slug(article, old_slug):
    """Keep old_slug answering with a redirect to article, which now has a new slug."""
    if not old_slug or old_slug == article.slug:
        return
    SlugRedirect.objects.update_or_create(
        old_slug=old_slug, defaults={"article": article}
    )
    # The article may have gone back to a slug it had before.
    SlugRedirect.objects.filter(old_slug=article.slug).delete()
