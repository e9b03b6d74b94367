"""The article form's inlines: bylines, preview links and the public update log."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import workflow
from ..models import ArticleAuthor, ArticleUpdate, PreviewLink
from . import bylines
from .forms import PreviewLinkForm


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
    form = bylines.BylineForm
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["widget"] = bylines.AuthorPickerWidget(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
