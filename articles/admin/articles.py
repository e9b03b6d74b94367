"""The article admin: list, form, permissions per article and saving.

The form is in forms.py, the inlines in inlines.py, the list's columns in
columns.py, the actions on many articles in bulk.py and the history views in
history.py.
"""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from editing.admin import EditingAdminMixin
from images.admin import lead_image_preview

from .. import extensions, related, workflow
from ..models import Article, ArticleAuthor, ArticleUpdate, PreviewLink
from . import bylines
from .bulk import BulkTransitionActions
from .columns import ArticleListColumns, PublicationStateFilter, state_label
from .forms import CHANGE_MINOR, ArticleAdminForm
from .history import WORKFLOW_FIELDS, ArticleHistoryMixin
from .inlines import ArticleAuthorInline, ArticleUpdateInline, PreviewLinkInline


@admin.register(Article)
class ArticleAdmin(
    EditingAdminMixin,
    ArticleListColumns,
    BulkTransitionActions,
    ArticleHistoryMixin,
    VersionAdmin,
):
    form = ArticleAdminForm
    # The columns live in columns.py; "status" says whether readers see it.
    list_display = ["thumbnail", "title_column", "status_badge", "published_column"]
    list_display_links = ["thumbnail", "title_column"]
    list_filter = [
        PublicationStateFilter,
        "status",
        "section",
        "featured",
        ("bylines__author", admin.RelatedOnlyFieldListFilter),
        "tags",
    ]
    list_select_related = ["section"]
    list_per_page = 50
    search_fields = ["title", "lead", "body"]
    date_hierarchy = "published_at"
    ordering = ["-created_at"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "lead_image"]
    inlines = [ArticleAuthorInline, PreviewLinkInline, ArticleUpdateInline]
    own_actions = ["submit_for_review", "publish", "unpublish", "back_to_draft"]

    @property
    def actions(self):
        # With those other apps add (articles/extensions.py), read per request, so
        # the admin's permission filtering and checks see them all.
        return [*self.own_actions, *extensions.admin_actions]

    save_on_top = True
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    class Media:
        css = {"all": ["articles/admin.css", "images/images_admin.css"]}
        js = ["images/lead_image_preview.js"]

    readonly_fields = [
        "workflow_state",
        "lead_image_preview",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "public_updated_at",
        "version",
    ]
    editor_only_fields = ["published_at", "expires_at", "featured", "kill_reason"]

    def get_fieldsets(self, request, obj=None):
        editable = self.has_change_permission(request, obj)
        live = obj is not None and obj.is_published()
        main = ["kicker", "title", "slug", "lead", "body"]
        fieldsets = [
            (None, {"fields": main}),
            (
                _("Publicatie"),
                {
                    "fields": [
                        "workflow_state",
                        "published_at",
                        "expires_at",
                        "section",
                        "tags",
                        "featured",
                    ]
                },
            ),
        ]
        if editable and live:
            fieldsets.append(
                (
                    _("Wijziging aan een gepubliceerd artikel"),
                    {
                        "fields": ["change_kind", "change_note"],
                        "classes": ["live-change"],
                    },
                )
            )
        if obj is not None and obj.status in {
            Article.Status.PUBLISHED,
            Article.Status.KILLED,
        }:
            fieldsets.append(
                (
                    _("Intrekken"),
                    {
                        "fields": ["kill_reason"],
                        "description": _(
                            "Alleen bij een artikel dat niet online mag blijven "
                            "(juridisch, onjuist): vul de openbare reden in en kies "
                            "‘Intrekken (kill)’. Het adres meldt dan ‘410 Gone’."
                        ),
                    },
                )
            )
        fieldsets += [
            (
                _("Hoofdafbeelding"),
                {
                    "fields": [
                        "lead_image",
                        "lead_image_preview",
                        "lead_image_caption",
                    ]
                },
            ),
            (
                _("Geschiedenis"),
                {
                    "classes": ["collapse"],
                    "fields": [
                        "created_at",
                        "created_by",
                        "updated_at",
                        "updated_by",
                        "public_updated_at",
                        "version",
                    ],
                },
            ),
        ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if not workflow.can_publish(request.user):
            fields += self.editor_only_fields
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.status != Article.Status.DRAFT:
            # A published address only changes on purpose, not by retyping a title.
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # get_form builds a new class per request, so these do not leak between users.
        form.request = request
        form.restore_base = getattr(request, "_article_restore_base", None)
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if (obj is None or obj.pk is None) and isinstance(inline, ArticleAuthorInline):
            # A new article is usually the writer's own.
            kwargs["initial"] = bylines.byline_initial(request)
        return kwargs

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Naming any relation here makes the changelist skip list_select_related.
            .select_related("created_by", "section", "lead_image")
            .prefetch_related(
                Prefetch(
                    "bylines", queryset=ArticleAuthor.objects.select_related("author")
                )
            )
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        base = getattr(request, "_article_restore_base", None)
        if obj is not None and base is not None:
            for name in WORKFLOW_FIELDS:
                setattr(obj, name, getattr(base, name))
        return obj

    # Permissions: the model permission, and then the newsroom's rules per article.

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    # The form's read-only fields (the list's columns are in columns.py).

    @admin.display(description=_("status"))
    def workflow_state(self, obj):
        if obj is None or obj.pk is None:
            label, css = Article.Status.DRAFT.label, "draft"
        else:
            label, css = state_label(obj)
        return format_html('<span class="status-badge status-{}">{}</span>', css, label)

    @admin.display(description=_("voorbeeld"))
    def lead_image_preview(self, obj):
        return lead_image_preview(obj.lead_image)

    # Saving.

    def save_model(self, request, obj, form, change):
        base = getattr(request, "_article_restore_base", None)
        old_slug = base.slug if base else form.initial.get("slug")
        was_public = change and obj.status == Article.Status.PUBLISHED
        user = request.user
        if not change:
            obj.created_by = user
        obj.updated_by = user
        notes = []
        withdrawn = bool(form.transition) and workflow.withdraws(obj, form.transition)
        if form.transition:
            workflow.apply_transition(
                obj, form.transition, user, reason=obj.kill_reason
            )
            notes.append(str(workflow.transition_message(obj)))
        kind = form.cleaned_data.get("change_kind")
        significant = form.live_edit and kind and kind != CHANGE_MINOR
        now = timezone.now()
        if significant:
            obj.public_updated_at = now
            obj.update_note = form.cleaned_data["change_note"]
        super().save_model(request, obj, form, change)
        if significant:
            ArticleUpdate.objects.create(
                article=obj,
                kind=kind,
                note=form.cleaned_data["change_note"],
                created_at=now,
                created_by=user,
            )
            notes.append(str(_("Openbaar gemeld als update of correctie.")))
        elif form.live_edit and kind == CHANGE_MINOR:
            notes.append(str(_("Kleine correctie.")))
        if was_public:
            workflow.remember_old_slug(obj, old_slug)
        request._article_workflow_notes = notes
        request._article_withdrawn = withdrawn

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inlines: a link form opened before the kill must not revive one.
        if getattr(request, "_article_withdrawn", False):
            workflow.revoke_preview_links(form.instance)
        # Now that the tags are stored too: rank the related articles once per save,
        # not on every page view.
        related.refresh(form.instance)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, PreviewLink) and instance.pk is None:
                instance.created_by = request.user
            instance.save()
            if isinstance(instance, PreviewLink) and instance in formset.new_objects:
                self._announce_preview_link(request, instance)
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    def _announce_preview_link(self, request, link):
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a> ({})',
                _("Voorbeeldlink om te delen:"),
                link.get_absolute_url(),
                request.build_absolute_uri(link.get_absolute_url()),
                _("geldig tot %(when)s")
                % {"when": workflow.format_when(link.expires_at)},
            ),
            messages.SUCCESS,
        )

    def _log_notes(self, request):
        notes = getattr(request, "_article_workflow_notes", None)
        if notes and reversion.is_active():
            return " ".join(notes)
        return ""

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if note := self._log_notes(request):
            reversion.set_comment(f"{entry.get_change_message()} {note}")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if note := self._log_notes(request):
            reversion.set_comment(f"{entry.get_change_message()} {note}")
        return entry

    def _workflow_response(self, request, obj):
        if "_preview_link" in request.POST and self.has_change_permission(request, obj):
            if not request.user.has_perm("articles.add_previewlink"):
                raise PermissionDenied
            link = PreviewLink.objects.create(article=obj, created_by=request.user)
            self._announce_preview_link(request, link)
        elif "_transition" in request.POST:
            self.message_user(
                request, workflow.transition_message(obj), messages.SUCCESS
            )
        else:
            return None
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[quote(obj.pk)])
        )

    def response_add(self, request, obj, post_url_continue=None):
        return self._workflow_response(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._workflow_response(request, obj) or super().response_change(
            request, obj
        )

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        article = obj or Article()
        editable = self.has_change_permission(request, obj)
        restoring = hasattr(request, "_article_restore_base")
        buttons = []
        if editable and not restoring:
            for transition in workflow.allowed_transitions(request.user, article):
                label = transition.label
                if transition.name == "publish":
                    label = (
                        _("Nu publiceren")
                        if article.is_scheduled
                        else _("Publiceren of inplannen")
                    )
                buttons.append((transition.name, label, transition.danger))
        context.update(
            workflow_buttons=buttons,
            can_share_preview=(
                editable
                and not restoring
                and request.user.has_perm("articles.add_previewlink")
            ),
            # Plain links, outside the form: following one never saves the article.
            extra_links=(
                [
                    link
                    for link in (
                        make_link(request.user, obj)
                        for make_link in extensions.change_form_links
                    )
                    if link is not None
                ]
                if change and obj is not None and not restoring
                else []
            ),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
