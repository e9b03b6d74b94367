"""Workflow transitions for many articles at once (the admin list's actions).

An action on eighty articles takes seconds, and editors keep working meanwhile. So
each article is locked and read again just before it changes, and only the fields a
transition changes are written: a title corrected in between stays corrected. The
version goes up, so a form opened before the action gets the conflict page instead
of quietly undoing it.
"""

from dataclasses import dataclass, field

import reversion
from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import related, workflow
from ..models import Article

# What apply_transition() changes (and save() keeps up to date).
TRANSITION_FIELDS = [
    "status",
    "published_at",
    "kill_reason",
    "killed_at",
    "updated_by",
    "updated_at",
    "version",
]


@dataclass
class BulkResult:
    done: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    not_publishable: list = field(default_factory=list)


def apply_to_each(queryset, name, user):
    """Apply transition name to each article of queryset that allows it now."""
    result = BulkResult()
    for pk in list(queryset.values_list("pk", flat=True)):
        with transaction.atomic():
            article = Article.objects.select_for_update().filter(pk=pk).first()
            if article is None:
                continue  # deleted meanwhile
            withdrawn = workflow.withdraws(article, name)
            try:
                workflow.apply_transition(article, name, user)
            except workflow.NotPublishable:
                result.not_publishable.append(article)
                continue
            except workflow.TransitionError:
                result.refused.append(article)
                continue
            article.save(update_fields=TRANSITION_FIELDS)
            if withdrawn:
                workflow.revoke_preview_links(article)
        related.refresh(article)
        result.done.append(article)
    return result


class BulkTransitionActions:
    """The list's workflow actions (ArticleAdmin.actions names them)."""

    def _bulk_transition(self, request, queryset, name, done_message):
        result = apply_to_each(queryset, name, request.user)
        done, refused = len(result.done), len(result.refused)
        for article in result.not_publishable:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "‘%(title)s’ overgeslagen: de hoofdafbeelding heeft nog geen "
                        "alt-tekst (of vink ‘decoratief’ aan)."
                    )
                    % {"title": article.title},
                    reverse("admin:images_image_change", args=[article.lead_image_id]),
                    _("Afbeelding bewerken"),
                ),
                messages.WARNING,
            )
        if done:
            reversion.set_comment(str(workflow.TRANSITIONS[name].label))
            self.message_user(request, done_message(done) % done, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%d artikel overgeslagen: die stap kan of mag daar niet.",
                    "%d artikelen overgeslagen: die stap kan of mag daar niet.",
                    refused,
                )
                % refused,
                messages.WARNING,
            )

    @admin.action(description=_("Ter beoordeling aanbieden"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._bulk_transition(
            request,
            queryset,
            "submit",
            lambda n: ngettext(
                "%d artikel ter beoordeling aangeboden.",
                "%d artikelen ter beoordeling aangeboden.",
                n,
            ),
        )

    @admin.action(
        description=_("Geselecteerde artikelen publiceren"), permissions=["publish"]
    )
    def publish(self, request, queryset):
        self._bulk_transition(
            request,
            queryset.exclude(status=Article.Status.PUBLISHED),
            "publish",
            lambda n: ngettext(
                "%d artikel gepubliceerd.", "%d artikelen gepubliceerd.", n
            ),
        )

    @admin.action(
        description=_("Publicatie van geselecteerde artikelen intrekken"),
        permissions=["publish"],
    )
    def unpublish(self, request, queryset):
        self._bulk_transition(
            request,
            queryset.filter(status=Article.Status.PUBLISHED),
            "to_draft",
            lambda n: ngettext(
                "Publicatie van %d artikel ingetrokken.",
                "Publicatie van %d artikelen ingetrokken.",
                n,
            ),
        )

    @admin.action(description=_("Terug naar concept"), permissions=["change"])
    def back_to_draft(self, request, queryset):
        self._bulk_transition(
            request,
            queryset,
            "to_draft",
            lambda n: ngettext(
                "%d artikel terug naar concept.", "%d artikelen terug naar concept.", n
            ),
        )
