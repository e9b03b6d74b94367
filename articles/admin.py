from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Article, ArticleAuthor, Author, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["user"]


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]


class PublicationStateFilter(admin.SimpleListFilter):
    title = _("publicatie")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("live", _("Online")),
            ("scheduled", _("Ingepland")),
            ("unpublished", _("Niet gepubliceerd")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Article.Status.PUBLISHED
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.filter(status=published, published_at__gt=now)
        if self.value() == "unpublished":
            return queryset.exclude(status=published)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "title",
        "section",
        "status_badge",
        "published_at",
        "author_names",
        "is_published",
    ]
    list_display_links = ["thumbnail", "title"]
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
    autocomplete_fields = ["section"]
    inlines = [ArticleAuthorInline]
    actions = ["publish", "unpublish"]
    save_on_top = True

    class Media:
        css = {"all": ["articles/admin.css"]}

    readonly_fields = [
        "lead_image_preview",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    ]
    fieldsets = [
        (None, {"fields": ["kicker", "title", "slug", "lead", "body"]}),
        (
            _("Publicatie"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "section",
                    "tags",
                    "featured",
                    "update_note",
                ]
            },
        ),
        (
            _("Hoofdafbeelding"),
            {
                "fields": [
                    "lead_image",
                    "lead_image_preview",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        (
            _("Geschiedenis"),
            {
                "classes": ["collapse"],
                "fields": ["created_at", "created_by", "updated_at", "updated_by"],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "bylines", queryset=ArticleAuthor.objects.select_related("author")
                )
            )
        )

    @admin.display(description="")
    def thumbnail(self, obj):
        if not obj.lead_image:
            return ""
        return format_html(
            '<img class="admin-thumb" src="{}" alt="" width="60" height="40">',
            obj.lead_image.url,
        )

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        if obj.is_scheduled:
            label = _("Ingepland voor %(when)s") % {
                "when": timezone.localtime(obj.published_at).strftime("%d-%m-%Y %H:%M")
            }
            css = "scheduled"
        else:
            label, css = obj.get_status_display(), obj.status
        return format_html('<span class="status-badge status-{}">{}</span>', css, label)

    @admin.display(description=_("auteurs"))
    def author_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all())

    @admin.display(description=_("online"), boolean=True)
    def is_published(self, obj):
        return obj.is_published()

    @admin.display(description=_("voorbeeld"))
    def lead_image_preview(self, obj):
        if not obj.lead_image:
            return _("Nog geen afbeelding.")
        return format_html(
            '<img class="admin-preview" src="{}" alt="{}">',
            obj.lead_image.url,
            obj.lead_image_alt,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Geselecteerde artikelen publiceren"))
    def publish(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            article.status = Article.Status.PUBLISHED
            article.updated_by = request.user
            article.save()
            count += 1
        self.message_user(
            request,
            ngettext("%d artikel gepubliceerd.", "%d artikelen gepubliceerd.", count)
            % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Publicatie van geselecteerde artikelen intrekken"))
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.status = Article.Status.DRAFT
            article.updated_by = request.user
            article.save()
            count += 1
        self.message_user(
            request,
            ngettext(
                "Publicatie van %d artikel ingetrokken.",
                "Publicatie van %d artikelen ingetrokken.",
                count,
            )
            % count,
            messages.SUCCESS,
        )
