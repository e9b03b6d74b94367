"""What every admin form with rich text or shared editing gets (EditingAdminMixin)."""

from django import forms
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from js_asset import Media

from . import presence
from .conflicts import (
    INLINE_BASE,
    TOKEN,
    formset_data,
    last_saved,
    same_data,
    sign_inlines,
    unsign_inlines,
)


class EditingAdminMixin:
    """For a ModelAdmin whose change form uses a ConflictCheckedForm.

    - The form's media carry the request's CSP nonce, on every page that shows the
      form: add, change, popup, and django-reversion's restore and recover pages,
      which render their response inside the view, before any middleware could
      add it. The rich-text editor's import map is an inline script and needs it.
    - Who else has the object open is shown, kept fresh by a heartbeat.
    """

    @property
    def media(self):
        return super().media + forms.Media(
            js=["editing/presence.js", "editing/conflict.js"],
            css={"all": ["editing/editing.css"]},
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name="{}_{}_presence".format(*info),
            ),
            *super().get_urls(),
        ]

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        if obj is not None and obj.pk is not None and not add:
            presence.purge()
            context["editing_presence"] = self._presence(request, obj)
            context["editing_inline_base"] = self._inline_snapshots(
                request, obj, context.get("inline_admin_formsets", [])
            )
            context["editing_inline_conflicts"] = getattr(
                request, "_editing_inline_conflicts", []
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Inline rows after a conflict (an article's bylines): compared per inline as a
    # whole. Rows this editor did not touch show as stored now; rows they changed
    # are kept, with a note when someone else changed them too.

    def _inline_snapshots(self, request, obj, inline_admin_formsets):
        snapshots = {}
        for inline_admin_formset in inline_admin_formsets:
            if not inline_admin_formset.has_change_permission:
                continue
            inline = inline_admin_formset.opts
            prefix = inline_admin_formset.formset.prefix
            current = inline.get_formset(request, obj)(
                instance=obj, prefix=prefix, queryset=inline.get_queryset(request)
            )
            snapshots[prefix] = formset_data(current)
        return sign_inlines(snapshots)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if "data" not in kwargs or obj is None or obj.pk is None:
            return kwargs
        if request.POST.get(TOKEN) == self.form.edit_token(obj):
            return kwargs
        base = (unsign_inlines(request.POST.get(INLINE_BASE)) or {}).get(prefix)
        if base is None:
            return kwargs
        if same_data(request.POST, base, prefix):
            # Not touched in this (stale) form: show the rows as stored now.
            return {key: kwargs[key] for key in ("instance", "prefix", "queryset")}
        current = formset_data(
            inline.get_formset(request, obj)(
                instance=obj, prefix=prefix, queryset=inline.get_queryset(request)
            )
        )
        if current != base:
            # Changed here and by someone else: keep this editor's rows, and say so.
            conflicts = getattr(request, "_editing_inline_conflicts", [])
            conflicts.append(str(inline.verbose_name_plural))
            request._editing_inline_conflicts = conflicts
        return kwargs

    def response_change(self, request, obj):
        # Saved: done with this form (a "save and continue" opens it again).
        presence.leave(request.user, obj)
        return super().response_change(request, obj)

    def _presence(self, request, obj, *, opened_version=None):
        if self.has_change_permission(request, obj):
            presence.touch(request.user, obj)
        verbose_name = self.opts.verbose_name
        people = [
            {
                **person.as_json(),
                "text": _("%(name)s bewerkt dit %(what)s ook")
                % {"name": person.name, "what": verbose_name},
                "detail": _("geopend om %(since)s, actief om %(seen)s")
                % person.as_json(),
            }
            for person in presence.others(request.user, obj)
        ]
        info = self.opts.app_label, self.opts.model_name
        data = {
            "others": people,
            "url": reverse("admin:{}_{}_presence".format(*info), args=[obj.pk]),
            "interval": settings.EDITING_HEARTBEAT_SECONDS * 1000,
            "changed": "",
        }
        token = self.form.edit_token(obj)
        if opened_version is not None and opened_version != token:
            who, when = last_saved(obj)
            data["changed"] = _(
                "%(who)s heeft dit %(what)s om %(when)s opgeslagen. Bij opslaan "
                "ziet u per veld wat er verschilt en kiest u wat blijft."
            ) % {"who": who, "what": verbose_name, "when": when}
        return data

    def presence_view(self, request, object_id):
        return require_POST(self._presence_view)(request, object_id)

    def _presence_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if request.POST.get("leave"):
            presence.leave(request.user, obj)
            return HttpResponse(status=204)
        data = self._presence(
            request, obj, opened_version=request.POST.get("version") or None
        )
        # admin_view already marks the answer uncacheable.
        return JsonResponse({key: data[key] for key in ("others", "changed")})
