"""The live blog's admin page is where coverage runs: a compact form at the top posts
an update without leaving the page, the newest updates are listed below it (edit,
delete, approve, push to the ticker), and the coverage settings come last."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from js_asset import Media
from reversion.admin import VersionAdmin

from editing.admin import EditingAdminMixin
from ticker.models import TickerItem

from . import rules
from .forms import CONTENT_FIELDS, POST_FIELDS, UpdateForm
from .models import LiveBlog, LiveBlogUpdate

LISTED_IN_ADMIN = 50


def change_url(liveblog_id):
    return reverse("admin:liveblog_liveblog_change", args=[liveblog_id])


def push_to_ticker(user, update):
    """Create a ticker item for a key event, linking to the live blog."""
    item = TickerItem(
        headline=update.title,
        article=update.liveblog.article,
        published_at=timezone.now(),
        is_visible=user.has_perm("ticker.publish_tickeritem"),
        created_by=user,
    )
    item.full_clean()
    item.save()
    return item


@admin.register(LiveBlog)
class LiveBlogAdmin(VersionAdmin):
    list_display = ["article", "state", "coverage_start", "coverage_end", "count"]
    list_filter = ["state"]
    search_fields = ["article__title"]
    autocomplete_fields = ["article"]
    fields = ["article", "state", "coverage_start", "coverage_end", "reporter_approval"]
    change_form_template = "admin/liveblog/liveblog/change_form.html"

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("article")
            .annotate(update_count=Count("updates"))
        )
        if not rules.is_editor(request.user):
            author = getattr(request.user, "author", None)
            if author is None:  # "author=None" would match articles without bylines
                return queryset.none()
            queryset = queryset.filter(article__bylines__author=author)
        return queryset

    @admin.display(description=gettext_lazy("updates"), ordering="update_count")
    def count(self, obj):
        return obj.update_count

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/post/",
                view(self.post_update_view),
                name="liveblog_liveblog_post",
            ),
            path(
                "<path:object_id>/state/",
                view(self.state_view),
                name="liveblog_liveblog_state",
            ),
            path(
                "<path:object_id>/update/<int:update_id>/<str:action>/",
                view(self.update_action_view),
                name="liveblog_liveblog_update_action",
            ),
            *super().get_urls(),
        ]

    def get_liveblog(self, request, object_id):
        liveblog = self.get_object(request, unquote(object_id))
        if liveblog is None or not self.has_view_permission(request, liveblog):
            raise PermissionDenied
        return liveblog

    def change_view(self, request, object_id, form_url="", extra_context=None):
        liveblog = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if liveblog is not None:
            extra_context.update(self.coverage_context(request, liveblog))
        return super().change_view(request, object_id, form_url, extra_context)

    def post_form_class(self):
        """Return the compact form, choosing its image as the article form does."""
        image = LiveBlogUpdate._meta.get_field("image")
        return forms.modelform_factory(
            LiveBlogUpdate,
            form=UpdateForm,
            fields=POST_FIELDS,
            widgets={"image": AutocompleteSelect(image, self.admin_site)},
        )

    def post_form_media(self, request, media, post_form):
        """Return media with the compact form's added, all with the request's CSP
        nonce: the form's rich-text editor loads through an inline import map."""
        return Media.from_media(media + post_form.media, nonce=request.csp_nonce)

    def render_change_form(self, request, context, *args, **kwargs):
        if context.get("post_form") is not None:
            context["media"] = self.post_form_media(
                request, context["media"], context["post_form"]
            )
        return super().render_change_form(request, context, *args, **kwargs)

    def coverage_context(self, request, liveblog, post_form=None):
        user = request.user
        can_post = rules.can_post(user, liveblog)
        if post_form is None and can_post:
            post_form = self.post_form_class()(
                can_push=user.has_perm("ticker.add_tickeritem")
            )
        updates = list(
            liveblog.updates.select_related("author", "image").order_by(
                "approved", "-published_at", "-pk"
            )[:LISTED_IN_ADMIN]
        )
        for update in updates:
            update.can_edit = rules.can_edit_update(user, update)
            update.can_delete = rules.can_delete_update(user, update)
        return {
            "liveblog": liveblog,
            "post_form": post_form,
            "can_post": can_post,
            "is_editor": rules.is_editor(user),
            "updates": updates,
            "update_total": liveblog.updates.count(),
            "pending": sum(1 for update in updates if not update.approved),
            "states": LiveBlog.State,
            "public_url": liveblog.article.get_absolute_url(),
        }

    def post_update_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        liveblog = self.get_liveblog(request, object_id)
        user = request.user
        if not rules.can_post(user, liveblog):
            raise PermissionDenied
        update = LiveBlogUpdate(
            liveblog=liveblog,
            author=getattr(user, "author", None),
            created_by=user,
            approved=not rules.needs_approval(user, liveblog),
        )
        form = self.post_form_class()(
            request.POST,
            instance=update,
            can_push=user.has_perm("ticker.add_tickeritem"),
        )
        if not form.is_valid():
            # The form again, with the editor's text and the errors.
            context = {
                **self.admin_site.each_context(request),
                **self.coverage_context(request, liveblog, form),
                "opts": self.opts,
                "title": _("Nieuwe update: %(title)s") % {"title": liveblog},
                "media": self.post_form_media(request, self.media, form),
            }
            return TemplateResponse(
                request, "admin/liveblog/liveblog/post_error.html", context, status=400
            )
        with transaction.atomic(), reversion.create_revision():
            update = form.save()
            reversion.set_user(user)
            reversion.set_comment(_("Update geplaatst."))
            if form.cleaned_data.get("push_to_ticker"):
                push_to_ticker(user, update)
        if update.approved:
            messages.success(request, _("Update geplaatst."))
        else:
            messages.warning(
                request, _("Update opgeslagen; hij verschijnt na goedkeuring.")
            )
        return HttpResponseRedirect(change_url(liveblog.pk) + "#updates")

    def state_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        liveblog = self.get_liveblog(request, object_id)
        if not self.has_change_permission(request, liveblog):
            raise PermissionDenied
        state = request.POST.get("state")
        if state not in LiveBlog.State.values:
            messages.error(request, _("Onbekende status."))
            return HttpResponseRedirect(change_url(liveblog.pk))
        now = timezone.now()
        liveblog.state = state
        if state == LiveBlog.State.LIVE:
            liveblog.coverage_start = liveblog.coverage_start or now
            liveblog.coverage_end = None
        elif state == LiveBlog.State.ENDED:
            liveblog.coverage_end = now
        with transaction.atomic(), reversion.create_revision():
            liveblog.save()
            reversion.set_user(request.user)
            reversion.set_comment(
                _("Verslag: %(state)s") % {"state": liveblog.get_state_display()}
            )
        messages.success(
            request,
            _("Het verslag is nu: %(state)s.")
            % {"state": liveblog.get_state_display()},
        )
        return HttpResponseRedirect(change_url(liveblog.pk))

    def update_action_view(self, request, object_id, update_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        liveblog = self.get_liveblog(request, object_id)
        update = get_object_or_404(liveblog.updates, pk=update_id)
        user = request.user
        if action == "approve":
            if not user.has_perm("liveblog.approve_liveblogupdate"):
                raise PermissionDenied
            with transaction.atomic(), reversion.create_revision():
                update.approved = True
                update.published_at = timezone.now()
                update.save()
                reversion.set_user(user)
                reversion.set_comment(_("Update goedgekeurd."))
            messages.success(request, _("Update goedgekeurd en geplaatst."))
        elif action == "ticker":
            if not (
                user.has_perm("ticker.add_tickeritem")
                and rules.can_edit_update(user, update)
            ):
                raise PermissionDenied
            if not (update.key_event and update.title and update.approved):
                messages.error(
                    request,
                    _("Alleen een geplaatste kerngebeurtenis kan naar de ticker."),
                )
            else:
                push_to_ticker(user, update)
                messages.success(request, _("De kop staat in de nieuwsticker."))
        else:
            raise PermissionDenied
        return HttpResponseRedirect(change_url(liveblog.pk) + "#updates")


@admin.register(LiveBlogUpdate)
class LiveBlogUpdateAdmin(EditingAdminMixin, VersionAdmin):
    """An update's own change form, reached from its live blog's page; the editing
    app adds the editor's nonce, presence and the per-field conflict check."""

    form = UpdateForm
    list_display = [
        "__str__",
        "liveblog",
        "published_at",
        "author",
        "key_event",
        "pinned",
        "approved",
    ]
    list_filter = ["key_event", "pinned", "approved", "liveblog__state"]
    search_fields = ["title", "body", "liveblog__article__title"]
    autocomplete_fields = ["image", "author"]
    readonly_fields = ["liveblog", "edited_at"]

    def get_fields(self, request, obj=None):
        fields = [
            "liveblog",
            "published_at",
            "title",
            "body",
            "image",
            "quote",
            "quote_source",
            "author",
            "key_event",
            "pinned",
        ]
        if request.user.has_perm("liveblog.approve_liveblogupdate"):
            fields.append("approved")
        return [*fields, "edited_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = [
            f for f in self.get_fields(request, obj) if f not in self.readonly_fields
        ]
        # Pushing an existing update is a button on the live blog's page.
        return super().get_form(request, obj, change, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("liveblog__article")
        if not rules.is_editor(request.user):
            author = getattr(request.user, "author", None)
            if author is None:
                return queryset.none()
            queryset = queryset.filter(
                liveblog__article__bylines__author=author, created_by=request.user
            )
        return queryset

    def has_add_permission(self, request):
        # Updates are posted from their live blog's page.
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or rules.can_edit_update(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and rules.is_editor(
            request.user
        )

    def save_model(self, request, obj, form, change):
        if change and CONTENT_FIELDS & set(form.changed_data):
            obj.edited_at = timezone.now()
        super().save_model(request, obj, form, change)

    def response_post_save_change(self, request, obj):
        # Saved: back to the live blog's page, where coverage runs.
        return HttpResponseRedirect(change_url(obj.liveblog_id) + "#updates")

    def delete_view(self, request, object_id, extra_context=None):
        update = self.get_object(request, unquote(object_id))
        response = super().delete_view(request, object_id, extra_context)
        deleted = request.method == "POST" and response.status_code == 302
        if deleted and update is not None:
            return HttpResponseRedirect(change_url(update.liveblog_id) + "#updates")
        return response
