from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models, transaction
from django.db.models import BooleanField, Case, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Article
from editing.admin import EditingAdminMixin
from newsroom.forms import CleanTextModelForm

from .actions import headline_for, short_when
from .forms import TickerItemAdminForm
from .live import invalidate
from .models import TickerItem

PUBLISH_PERMISSION = "ticker.publish_tickeritem"
LINK_CHARS = 40


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def may_touch(user, item):
    """Return whether user may change or delete item (given the model permission):
    editors every item, reporters their own hidden proposals."""
    if can_publish(user):
        return True
    return not item.is_visible and item.created_by_id == user.pk


class ListCheckbox(forms.CheckboxInput):
    """A check box in the change list that carries its own label."""

    template_name = "ticker/widgets/list_checkbox.html"

    def __init__(self, label, attrs=None):
        super().__init__(attrs)
        self.label = label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["label"] = self.label
        return context


class ReaderStateFilter(admin.SimpleListFilter):
    title = _("wat lezers zien")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return TickerItem.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case TickerItem.State.LIVE:
                return queryset.live(now)
            case TickerItem.State.SCHEDULED:
                return queryset.scheduled(now)
            case TickerItem.State.EXPIRED:
                return queryset.filter(is_visible=True, expires_at__lte=now)
            case TickerItem.State.HIDDEN:
                return queryset.filter(is_visible=False)
        return queryset


@admin.register(TickerItem)
class TickerItemAdmin(EditingAdminMixin, admin.ModelAdmin):
    form = TickerItemAdminForm
    # Few columns, so that the headline has room at 1280 px and a row reads as a
    # card on a phone (ticker/admin.css); the link and who made it go with the state.
    list_display = [
        "shown_time",
        "headline",
        "reader_state",
        "is_breaking",
        "is_visible",
    ]
    list_display_links = ["shown_time"]
    list_editable = ["headline", "is_breaking", "is_visible"]
    list_filter = [
        ReaderStateFilter,
        "is_breaking",
        ("created_by", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["article", "created_by"]
    list_per_page = 50
    search_fields = ["headline", "url", "article__title"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["article"]
    actions = ["make_visible", "hide", "expire_now"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["ticker/admin.css"]}

    # Permissions: reporters propose, editors publish.

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        # What readers see now is the editors' to change; reporters see it read-only,
        # and change only their own proposals, not a colleague's.
        if obj is not None and not may_touch(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_touch(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    # The form: only the headline is required.

    def get_fieldsets(self, request, obj=None):
        timing = {"fields": ["published_at", "expires_at", "is_visible"]}
        if not can_publish(request.user):
            timing["description"] = _(
                "Je bericht wordt als voorstel verborgen opgeslagen; een eindredacteur "
                "maakt het zichtbaar."
            )
        fieldsets = [
            (None, {"fields": ["headline", "is_breaking", "article", "url"]}),
            (_("Tijd en zichtbaarheid"), timing),
        ]
        if obj is not None:
            fieldsets.append(
                (
                    _("Geschiedenis"),
                    {
                        "classes": ["collapse"],
                        "fields": ["created_by", "created_at", "updated_at"],
                    },
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            fields.append("is_visible")
        return fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "headline":
            # The whole headline in view while it is typed, in the form and in the
            # list: lines that grow with the text (admin.css), not a box that cuts
            # it off. No maxlength: a pasted headline that is too long gets a form
            # error rather than being cut off silently by the browser. Line breaks
            # become spaces when the item is saved.
            field.widget = forms.Textarea(
                attrs={"rows": 2, "class": "ticker-headline-input"}
            )
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "published_at" in form.base_fields:
            field = form.base_fields["published_at"]
            field.required = False
            field.help_text = _(
                "Leeg of ongewijzigd: het moment van opslaan. Een tijd in de toekomst "
                "plant het bericht in."
            )
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # ?article=<id> (from an article's page) fills in the headline too, and a
        # scheduled article's time, so its headline does not run before it is out.
        if initial.get("article"):
            article = Article.objects.filter(pk=initial["article"]).first()
            if article is not None:
                if not initial.get("headline"):
                    initial["headline"] = headline_for(article)
                if article.is_scheduled:
                    initial.setdefault("published_at", article.published_at)
        return initial

    def get_changelist_form(self, request, **kwargs):
        # Switches that say what they are on a phone too, where the columns' headers
        # are not shown; a label for screen readers everywhere.
        kwargs.setdefault("widgets", {}).update(
            {
                name: ListCheckbox(TickerItem._meta.get_field(name).verbose_name)
                for name in ("is_breaking", "is_visible")
            }
        )
        form_class = super().get_changelist_form(
            request, **{"form": CleanTextModelForm, **kwargs}
        )
        if can_publish(request.user):
            return form_class

        user = request.user

        class ProposalChangelistForm(form_class):
            """Let reporters quick-edit their own hidden proposals, nothing else."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                mine = may_touch(user, self.instance)
                for name, field in self.fields.items():
                    if name == "is_visible" or not mine:
                        field.disabled = True

        return ProposalChangelistForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            # The form may have been opened a while ago: an unchanged time means now,
            # unless it is still to come (the time of a scheduled article).
            now = timezone.now()
            if obj.published_at is None or (
                "published_at" not in form.changed_data and obj.published_at <= now
            ):
                obj.published_at = now
        if not can_publish(request.user):
            obj.is_visible = False
        super().save_model(request, obj, form, change)
        if not change and not obj.is_visible and not can_publish(request.user):
            self.message_user(
                request,
                _(
                    "Opgeslagen als voorstel: een eindredacteur moet het zichtbaar "
                    "maken."
                ),
                messages.WARNING,
            )

    # The change list shows what readers see.

    def get_queryset(self, request):
        in_ticker = TickerItem.objects.live().values("pk")[: settings.TICKER_ITEMS]
        return (
            super()
            .get_queryset(request)
            .with_links()
            .annotate(
                in_ticker=Case(
                    When(pk__in=in_ticker, then=True),
                    default=False,
                    output_field=BooleanField(),
                )
            )
        )

    @admin.display(description=_("tijd"), ordering="published_at")
    def shown_time(self, obj):
        return short_when(obj.published_at)

    @admin.display(description=_("wat lezers zien"))
    def reader_state(self, obj):
        state = obj.reader_state()
        label = state.label
        if state == TickerItem.State.LIVE:
            if getattr(obj, "in_ticker", True):
                label = _("in de ticker")
            else:
                state, label = "archived", _("alleen in het archief")
        elif state == TickerItem.State.SCHEDULED:
            label = _("ingepland: %(when)s") % {"when": short_when(obj.published_at)}
        elif state == TickerItem.State.EXPIRED:
            label = _("verlopen: %(when)s") % {"when": short_when(obj.expires_at)}
        meta = [self.link(obj)] if obj.article_id or obj.url else []
        if obj.created_by_id:
            meta.append(_("door %(user)s") % {"user": obj.created_by.get_username()})
        return format_html(
            '<span class="ticker-state ticker-state--{}">{}</span>'
            '<span class="ticker-meta">{}</span>',
            state,
            label,
            format_html_join(" · ", "{}", ((part,) for part in meta)),
        )

    @admin.display(description=_("link"))
    def link(self, obj):
        # Cut short, whole on hover: the headline is what this list is about.
        if obj.article_id:
            note = "" if obj.get_link() else _(" (nog niet openbaar)")
            return format_html(
                '<a href="{}" title="{}">{}</a>{}',
                reverse("admin:articles_article_change", args=[obj.article_id]),
                obj.article.title,
                Truncator(obj.article.title).chars(LINK_CHARS),
                note,
            )
        if obj.url:
            return format_html(
                '<a href="{}" title="{}" rel="noopener noreferrer">{}</a>',
                obj.url,
                obj.url,
                Truncator(obj.url).chars(LINK_CHARS),
            )
        return "—"

    # Bulk actions: update() skips signals, so they invalidate the ticker themselves.

    @admin.action(description=_("Zichtbaar maken"), permissions=["publish"])
    def make_visible(self, request, queryset):
        changed = self._bulk_update(
            request, queryset.filter(is_visible=False), ["is_visible"], is_visible=True
        )
        self.message_user(
            request,
            ngettext(
                "%d bericht zichtbaar gemaakt.",
                "%d berichten zichtbaar gemaakt.",
                changed,
            )
            % changed,
            messages.SUCCESS,
        )

    @admin.action(description=_("Verbergen"), permissions=["publish"])
    def hide(self, request, queryset):
        changed = self._bulk_update(
            request, queryset.filter(is_visible=True), ["is_visible"], is_visible=False
        )
        self.message_user(
            request,
            ngettext("%d bericht verborgen.", "%d berichten verborgen.", changed)
            % changed,
            messages.SUCCESS,
        )

    @admin.action(description=_("Nu laten verlopen"), permissions=["publish"])
    def expire_now(self, request, queryset):
        now = timezone.now()
        due = queryset.filter(published_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
        changed = self._bulk_update(request, due, ["expires_at"], expires_at=now)
        self.message_user(
            request,
            ngettext(
                "%d bericht verlopen: het staat niet meer in de ticker, wel in het "
                "archief.",
                "%d berichten verlopen: ze staan niet meer in de ticker, wel in het "
                "archief.",
                changed,
            )
            % changed,
            messages.SUCCESS,
        )
        scheduled = queryset.filter(published_at__gt=now).count()
        if scheduled:
            self.message_user(
                request,
                ngettext(
                    "%d ingepland bericht overgeslagen; verberg het in plaats daarvan.",
                    "%d ingeplande berichten overgeslagen; verberg ze in plaats "
                    "daarvan.",
                    scheduled,
                )
                % scheduled,
                messages.WARNING,
            )

    def _bulk_update(self, request, queryset, fields, **values):
        # The rows are locked as they are read, so what the action checked (hidden,
        # due...) still holds when it writes; only the action's fields are written.
        with transaction.atomic():
            items = list(queryset.select_for_update(of=("self",)))
            if not items:
                return 0
            TickerItem.objects.filter(pk__in=[item.pk for item in items]).update(
                updated_at=timezone.now(), **values
            )
        invalidate()
        names = [str(TickerItem._meta.get_field(name).verbose_name) for name in fields]
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=items,
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": names}}],
        )
        return len(items)
