"""An article's history in the admin: revisions, readable differences between two
of them, restoring one and recovering a deleted article."""

from datetime import datetime

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from editing.diff import compare_fields

from .. import workflow
from ..models import Article

DIFF_FIELDS = [
    ("title", _("titel"), False),
    ("kicker", _("bovenkop"), False),
    ("lead", _("intro"), False),
    ("body", _("tekst"), True),
    ("slug", _("slug"), False),
    ("status", _("status"), False),
    ("published_at", _("publicatiedatum"), False),
    ("expires_at", _("offline vanaf"), False),
    ("lead_image_caption", _("bijschrift"), False),
]


# workflow stays as it is now, so restoring never publishes or unpublishes.
WORKFLOW_FIELDS = [
    "status",
    "published_at",
    "expires_at",
    "featured",
    "kill_reason",
    "killed_at",
    "public_updated_at",
    "update_note",
    "version",
    "created_by_id",
]


class ArticleHistoryMixin:
    """History, diff, restore and recover views of ArticleAdmin (before
    reversion's VersionAdmin in its bases)."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/diff/",
                self.admin_site.admin_view(self.diff_view),
                name="{}_{}_diff".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_recover": workflow.can_publish(request.user)
            and self.has_add_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def _may_recover(self, request):
        return workflow.can_publish(request.user) and self.has_add_permission(request)

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        current = Article.objects.filter(pk=unquote(object_id)).first()
        if current is None:
            raise Http404
        if not self.has_change_permission(request, current):
            raise PermissionDenied
        request._article_restore_base = current
        return super().revision_view(request, object_id, version_id, extra_context)

    def missing_article_redirect(self, request, object_id):
        """Say that the article is gone and go to the admin's index, as Django's
        own views do for a missing object."""
        message = gettext(
            "%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"
        ) % {"name": self.opts.verbose_name, "key": object_id}
        self.message_user(request, message, messages.WARNING)
        return HttpResponseRedirect(
            reverse("admin:index", current_app=self.admin_site.name)
        )

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self.missing_article_redirect(request, object_id)
        versions = list(
            Version.objects.get_for_object(obj).select_related("revision__user")
        )
        can_restore = self.has_change_permission(request, obj)
        latest = versions[0] if versions else None
        action_list = []
        for index, version in enumerate(versions):
            args = [quote(obj.pk), version.pk]
            previous = versions[index + 1] if index + 1 < len(versions) else None
            diff_url = reverse("admin:articles_article_diff", args=args)
            action_list.append(
                {
                    "revision": version.revision,
                    "version": version,
                    "url": reverse("admin:articles_article_revision", args=args)
                    if can_restore and version is not latest
                    else None,
                    "diff_url": diff_url if previous else None,
                    "compare_url": reverse(
                        "admin:articles_article_diff",
                        args=[quote(obj.pk), latest.pk],
                    )
                    + f"?from={version.pk}"
                    if version is not latest
                    else None,
                }
            )
        return super().history_view(
            request,
            object_id,
            {"action_list": action_list, **(extra_context or {})},
        )

    def diff_view(self, request, object_id, version_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # A deleted article's text is for those who may recover it.
            if not self._may_recover(request):
                raise PermissionDenied
        elif not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object_reference(
            Article, unquote(object_id)
        ).select_related("revision__user")
        new = versions.filter(pk=version_id).first()
        if new is None:
            raise Http404
        from_id = request.GET.get("from", "")
        if from_id:
            if not from_id.isdigit():
                raise Http404
            old = versions.filter(pk=from_id).first()
            if old is None:
                raise Http404
        else:
            old = versions.filter(pk__lt=new.pk).first()
        old_data = readable(old.field_dict) if old else {}
        rows = compare_fields(old_data, readable(new.field_dict), DIFF_FIELDS)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "object_id": object_id,
            "title": _("Verschillen tussen twee versies"),
            "old": old,
            "new": new,
            "rows": rows,
            "can_restore": obj is not None and self.has_change_permission(request, obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/articles/article/revision_diff.html", context
        )


def readable(field_dict):
    values = dict(field_dict)
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = workflow.format_when(value)
    if values.get("status") in Article.Status.values:
        values["status"] = Article.Status(values["status"]).label
    return values
