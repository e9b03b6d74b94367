from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import SeedRecord


@admin.register(SeedRecord)
class SeedRecordAdmin(admin.ModelAdmin):
    """Show what ``import_seeds`` made from which seed line; written only by the
    command.

    Deleting an entry makes the next import treat that line as new again.
    """

    list_display = [
        "source",
        "line",
        "kind",
        "key",
        "linked_record",
        "current_state",
        "imported_at",
    ]
    list_display_links = ["source", "line"]
    list_filter = ["kind", "source"]
    list_select_related = ["article", "ticker_item"]
    search_fields = ["key", "source"]
    date_hierarchy = "imported_at"
    fields = [
        "source",
        "line",
        "kind",
        "key",
        "linked_record",
        "current_state",
        "imported_at",
        "fingerprint",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("wordt nu"))
    def linked_record(self, entry):
        record = entry.record
        if record is None:
            return "—"
        opts = record._meta
        try:
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]
            )
        except NoReverseMatch:
            return str(record)
        return format_html('<a href="{}">{}</a>', url, record)

    @admin.display(description=_("status"))
    def current_state(self, entry):
        return entry.state().label
