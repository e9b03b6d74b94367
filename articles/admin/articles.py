from datetime import datetime

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from editing.admin import EditingAdminMixin
from editing.conflicts import ConflictCheckedForm
from newsroom.forms import CleanTextMixin, CleanTextModelForm
from ticker.actions import push_to_ticker, ticker_link

from . import (
    bulk,
    bylines_admin,
    related,
    tag_admin,
    user_admin,  # noqa: F401  (registers the account admin)
    workflow,
)
from .admin_list import ArticleListColumns, state_label
from .image_admin import lead_image_preview
from .models import (
    Article,
    ArticleAuthor,
    ArticleUpdate,
    Author,
    PreviewLink,
    Section,
    SlugRedirect,
)
from .revisions import compare_fields
from .widgets import TagAutocompleteWidget


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["name", "slug", "user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["user"]

    def get_urls(self):
        return [
            path(
                "picker/",
                self.admin_site.admin_view(
                    bylines_admin.AuthorPickerView.as_view(admin_site=self.admin_site)
                ),
                name=bylines_admin.PICKER_URL_NAME,
            ),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        # The picker's second line reads each author's account and its groups.
        queryset = queryset.select_related("user").prefetch_related("user__groups")
        return super().get_search_results(request, queryset, search_term)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    autocomplete_fields = ["article"]


class ArticleChildInline:
    """Let an inline be edited only where its article may be edited."""

    def _article_editable(self, request, obj):
        return obj is None or workflow.can_edit(request.user, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._article_editable(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._article_editable(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._article_editable(
            request, obj
        )


class ArticleAuthorInline(ArticleChildInline, admin.TabularInline):
    model = ArticleAuthor
    form = bylines_admin.BylineForm
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["widget"] = bylines_admin.AuthorPickerWidget(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PreviewLinkForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.revoked:
            # Revoked is final: the fields show it, and a forged POST changes nothing.
            for name in ("revoked", "expires_at"):
                if name in self.fields:
                    self.fields[name].disabled = True


class PreviewLinkInline(ArticleChildInline, admin.TabularInline):
    model = PreviewLink
    form = PreviewLinkForm
    extra = 0
    fields = ["link", "expires_at", "revoked", "created_by", "created_at"]
    readonly_fields = ["link", "created_by", "created_at"]
    verbose_name_plural = _("voorbeeldlinks (voor wie geen account heeft)")

    @admin.display(description=_("link"))
    def link(self, obj):
        if obj.pk is None:
            return _("Wordt gemaakt bij opslaan.")
        state = _("geldig") if obj.is_valid() else _("werkt niet meer")
        return format_html(
            '<a href="{}" rel="noopener" target="_blank">{}</a> ({})',
            obj.get_absolute_url(),
            obj.get_absolute_url(),
            state,
        )

    def has_delete_permission(self, request, obj=None):
        # Links are revoked, not deleted, so the admin still shows who shared what.
        return False


class ArticleUpdateInline(admin.TabularInline):
    model = ArticleUpdate
    extra = 0
    fields = ["created_at", "kind", "note", "created_by"]
    readonly_fields = fields
    verbose_name_plural = _("openbaar logboek van updates en correcties")

    # The log is append-only: entries are only made by saving a significant update.
    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PublicationStateFilter(admin.SimpleListFilter):
    title = _("publicatie")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("live", _("Online")),
            ("scheduled", _("Ingepland")),
            ("expired", _("Verlopen")),
            ("unpublished", _("Niet gepubliceerd")),
        ]

    def queryset(self, request, queryset):
        published = Article.Status.PUBLISHED
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "expired":
            return queryset.filter(status=published, expires_at__lte=timezone.now())
        if self.value() == "unpublished":
            return queryset.exclude(status=published)
        return queryset


CHANGE_MINOR = "minor"
CHANGE_KINDS = [
    (
        CHANGE_MINOR,
        _("Kleine correctie (tikfout): voor lezers verandert er niets"),
    ),
    (
        ArticleUpdate.Kind.UPDATE,
        _("Belangrijke update: nieuwe informatie, ‘Bijgewerkt’-tijd schuift op"),
    ),
    (
        ArticleUpdate.Kind.CORRECTION,
        _("Correctie: er stond iets onjuists, ‘Bijgewerkt’-tijd schuift op"),
    ),
]

# What a restore brings back is the content; where the article stands in the
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


class ArticleAdminForm(CleanTextMixin, ConflictCheckedForm):
    change_kind = forms.ChoiceField(
        label=_("soort wijziging"),
        choices=CHANGE_KINDS,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Dit artikel staat online. Kies eerlijk: alleen een belangrijke update "
            "of correctie verandert de ‘Bijgewerkt’-tijd en komt in het openbare "
            "logboek onder het artikel."
        ),
    )
    change_note = forms.CharField(
        label=_("toelichting voor lezers"),
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_(
            "Verplicht bij een update of correctie, bijv. ‘Het aantal doden is "
            "aangepast na nieuwe cijfers van de autoriteiten.’"
        ),
    )

    # Set by ArticleAdmin.get_form for the request at hand.
    request = None
    restore_base = None
    live_edit = False

    class Meta:
        model = Article
        # No status: it only changes through the workflow buttons and actions.
        fields = [
            "kicker",
            "title",
            "slug",
            "lead",
            "body",
            "published_at",
            "expires_at",
            "section",
            "tags",
            "featured",
            "kill_reason",
            "lead_image",
            "lead_image_caption",
        ]
        widgets = {
            "tags": TagAutocompleteWidget(Article),
            # One or two sentences: a few lines, not the body's room.
            "lead": AdminTextareaWidget(attrs={"rows": 4}),
        }

    def _keep_precise(self, name):
        # The date/time widgets show whole seconds; an untouched value must not lose
        # its microseconds (or count as a change) on the way back.
        value, stored = self.cleaned_data.get(name), getattr(self.instance, name)
        if value and stored and value == stored.replace(microsecond=0):
            return stored
        return value

    def clean_tags(self):
        tags = self.cleaned_data["tags"]
        if self.request is not None:
            tag_admin.check_new_tags(self.request.user, tags)
        return tags

    def clean_published_at(self):
        return self._keep_precise("published_at")

    def clean_expires_at(self):
        return self._keep_precise("expires_at")

    @property
    def transition(self):
        return self.data.get("_transition", "")

    @property
    def is_live_edit(self):
        """Return whether this save changes an article readers can see now."""
        return (
            self.instance.pk is not None
            and self.instance.is_published()
            and self.transition in {"", "publish"}
            and not self.instance.is_scheduled
        )

    def clean(self):
        cleaned_data = super().clean()
        # Runs before the form's values are copied onto the instance: it still holds
        # the stored article (workflow fields included), which the rules look at.
        article = self.instance
        user = self.request.user
        if article.pk is not None:
            self.check_conflict()
        if self.transition:
            try:
                workflow.check_transition(user, article, self.transition)
            except workflow.TransitionError as error:
                raise ValidationError(str(error), code="transition") from None
            if self.transition == "kill" and not cleaned_data.get("kill_reason"):
                self.add_error(
                    "kill_reason" if "kill_reason" in self.fields else None,
                    _("Geef een reden op: lezers zien die op het oude adres."),
                )
        if self._goes_out_with_lead_image():
            self._check_lead_image(cleaned_data)
        if "change_kind" in self.fields and self.is_live_edit:
            self._check_change_kind(cleaned_data)
        # Kept for save_model: by then the instance holds the submitted values.
        self.live_edit = self.is_live_edit
        return cleaned_data

    def _goes_out_with_lead_image(self):
        """Return whether this save publishes the article's lead image: a publish,
        or a new lead image on an article that is (or is scheduled to be) out."""
        if self.transition == "publish":
            return True
        return (
            not self.transition
            and self.instance.status == Article.Status.PUBLISHED
            and "lead_image" in self.changed_data
        )

    def _check_lead_image(self, cleaned_data):
        if "lead_image" not in cleaned_data and "lead_image" in self.fields:
            return  # the field has its own error already
        image = cleaned_data.get("lead_image", self.instance.lead_image)
        try:
            workflow.check_publishable(self.instance, lead_image=image)
        except workflow.NotPublishable as error:
            field = "lead_image" if "lead_image" in self.fields else None
            self.add_error(field, str(error))

    def _check_change_kind(self, cleaned_data):
        kind = cleaned_data.get("change_kind")
        restoring = self.restore_base is not None
        if not kind and (restoring or self.has_changed()):
            self.add_error(
                "change_kind",
                _(
                    "Dit artikel staat online: kies of dit een kleine correctie is of "
                    "een belangrijke update of correctie."
                ),
            )
        elif kind and kind != CHANGE_MINOR and not cleaned_data.get("change_note"):
            self.add_error(
                "change_note",
                _("Schrijf voor lezers kort op wat er is veranderd."),
            )

    def current_object(self):
        # On the restore page the database holds the old revision until the save.
        if self.restore_base is not None:
            return self.restore_base
        return super().current_object()

    def conflict_message(self, who, when, opened):
        return conflict_message(
            self.instance, int(opened) if opened.isdigit() else None
        )


def conflict_message(article, opened_version):
    versions = list(
        Version.objects.get_for_object(article).select_related("revision__user")[:50]
    )
    latest = versions[0] if versions else None
    opened = next(
        (v for v in versions if v.field_dict.get("version") == opened_version), None
    )
    who = _("iemand anders")
    when = ""
    if latest is not None:
        if latest.revision.user:
            who = (
                latest.revision.user.get_full_name()
                or latest.revision.user.get_username()
            )
        when = workflow.format_when(latest.revision.date_created)
    text = _(
        "Let op: %(who)s heeft dit artikel opgeslagen (%(when)s) nadat u het opende. "
        "Er is niets opgeslagen. Het formulier toont nu de huidige versie; wat u zelf "
        "had veranderd staat er nog in, met de huidige tekst ernaast. Kies per veld "
        "en sla opnieuw op."
    ) % {"who": who, "when": when}
    if latest is None:
        return text
    url = reverse("admin:articles_article_diff", args=[quote(article.pk), latest.pk])
    if opened is not None:
        url += f"?from={opened.pk}"
    return format_html(
        '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
        text,
        url,
        _("Bekijk de andere wijziging"),
    )


@admin.register(Article)
class ArticleAdmin(EditingAdminMixin, ArticleListColumns, VersionAdmin):
    form = ArticleAdminForm
    # The columns live in admin_list.py; "status" says whether readers see it.
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
    actions = [
        "submit_for_review",
        "publish",
        "unpublish",
        "back_to_draft",
        push_to_ticker,
    ]
    save_on_top = True
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    class Media:
        css = {"all": ["articles/admin.css", "articles/images_admin.css"]}
        js = ["articles/lead_image_preview.js"]

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
            kwargs["initial"] = bylines_admin.byline_initial(request)
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

    # The form's read-only fields (the list's columns are in admin_list.py).

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
            # A plain link, outside the form: following it never saves the article.
            ticker_link=(
                ticker_link(request.user, obj)
                if change and obj is not None and not restoring
                else None
            ),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Transitions for several articles at once, from the list.

    def _bulk_transition(self, request, queryset, name, done_message):
        result = bulk.apply_to_each(queryset, name, request.user)
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
                    reverse(
                        "admin:articles_image_change", args=[article.lead_image_id]
                    ),
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

    # History: revisions, readable differences, restore and recovery.

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
        old_data = _readable(old.field_dict) if old else {}
        rows = compare_fields(old_data, _readable(new.field_dict), DIFF_FIELDS)
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


def _readable(field_dict):
    values = dict(field_dict)
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = workflow.format_when(value)
    if values.get("status") in Article.Status.values:
        values["status"] = Article.Status(values["status"]).label
    return values
