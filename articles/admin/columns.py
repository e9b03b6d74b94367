"""The article change list's columns: few, and readable at 1280 px and on a phone.

One cell per question an editor asks: which article (title, cut short with the
whole title on hover, and under it section, authors and, on a phone, the date),
where it stands (status), and when it goes or went out. articles/static/articles/
admin.css hides the thumbnail and the date column on narrow screens. The
publication-state filter is here too.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from images.admin import admin_thumbnail
from newsroom.dates import short_when

from .. import workflow
from ..models import Article

TITLE_CHARS = 90
NO_THUMBNAIL = mark_safe(
    '<span class="admin-thumb admin-thumb--none" aria-hidden="true"></span>'
)


class ArticleListColumns:
    """Columns for ArticleAdmin.list_display; the queryset brings section, lead
    image and bylines (ArticleAdmin.get_queryset), so no cell queries."""

    @admin.display(description="")
    def thumbnail(self, obj):
        # An empty frame rather than the admin's "-": the column is pictures only.
        return admin_thumbnail(obj.lead_image) or NO_THUMBNAIL

    @admin.display(description=_("titel"), ordering="title")
    def title_column(self, obj):
        meta = [obj.section.name] if obj.section_id else []
        authors = ", ".join(byline.author.name for byline in obj.bylines.all())
        if authors:
            meta.append(authors)
        date = ""
        if obj.published_at:
            date = format_html(
                '<span class="admin-meta__date"> · {}</span>',
                short_when(obj.published_at),
            )
        return format_html(
            '<span class="admin-title" title="{}">{}</span>'
            '<span class="admin-meta">{}{}</span>',
            obj.title,
            Truncator(obj.title).chars(TITLE_CHARS),
            format_html_join(" · ", "{}", ((part,) for part in meta)),
            date,
        )

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        label, css = state_label(obj)
        short = {
            "scheduled": _("Ingepland"),
            "expired": _("Offline"),
        }.get(css, label)
        return format_html(
            '<span class="status-badge status-{}" title="{}">{}</span>',
            css,
            label,
            short,
        )

    @admin.display(description=_("publicatie"), ordering="published_at")
    def published_column(self, obj):
        if obj.published_at is None:
            return "—"
        return format_html(
            '<time datetime="{}">{}</time>',
            obj.published_at.isoformat(),
            short_when(obj.published_at),
        )


def state_label(article):
    """Return (label, css class) for where article stands, as editors say it."""
    if article.is_scheduled:
        return (
            _("Ingepland voor %(when)s")
            % {"when": workflow.format_when(article.published_at)},
            "scheduled",
        )
    if article.status == Article.Status.PUBLISHED and article.is_expired:
        return (
            _("Offline sinds %(when)s")
            % {"when": workflow.format_when(article.expires_at)},
            "expired",
        )
    return article.get_status_display(), article.status


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
