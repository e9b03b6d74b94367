"""Workflow transitions for many articles at once (the admin list's actions).

An action on eighty articles takes seconds, and editors keep working meanwhile. So
each article is locked and read again just before it changes, and only the fields a
transition changes are written: a title corrected in between stays corrected. The
version goes up, so a form opened before the action gets the conflict page instead
of quietly undoing it.
"""

from dataclasses import dataclass, field

from django.db import transaction

from . import related, workflow
from .models import Article

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
