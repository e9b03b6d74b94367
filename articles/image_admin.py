"""The image library in the admin: upload with preview, focal point, search, reuse.

Registered from articles/admin.py, which also uses the thumbnail and preview helpers
for the article list and form.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.forms import CleanTextMixin

from . import images, workflow
from .models import Article, Image

FOCAL_STEP = "0.01"


def admin_thumbnail(image):
    """Return a small 3:2 thumbnail of image for admin lists, or ""."""
    if image is None:
        return ""
    rendition = image.rendition(320, crop="3:2")
    if rendition is None:
        return format_html(
            '<span class="admin-thumb admin-thumb--missing" title="{}">?</span>',
            _("Nog geen versies: draai make_renditions."),
        )
    return format_html(
        '<img class="admin-thumb" src="{}" alt="" width="60" height="40" '
        'loading="lazy">',
        rendition.url,
    )


def preview_data(image):
    """Return what the article form shows about its lead image, as plain data."""
    rendition = image.rendition(640)
    return {
        "id": image.pk,
        "src": rendition.url if rendition else "",
        "width": rendition.width if rendition else 0,
        "height": rendition.height if rendition else 0,
        "alt": image.alt,
        "decorative": image.decorative,
        "needs_alt": image.needs_alt,
        "caption": image.caption,
        "credit": image.credit,
        "change_url": reverse("admin:articles_image_change", args=[quote(image.pk)]),
    }


def lead_image_preview(image):
    """Return the lead image block of the article form; static/articles/
    lead_image_preview.js refreshes it when another image is chosen."""
    url = reverse("admin:articles_image_preview", args=[0])
    if image is None:
        body = format_html(
            '<p class="lead-image-preview__empty">{}</p>', _("Nog geen afbeelding.")
        )
    else:
        data = preview_data(image)
        body = format_html(
            '<img class="admin-preview" src="{}" alt="" width="{}" height="{}">'
            '<dl class="lead-image-preview__facts">{}</dl>',
            data["src"],
            data["width"],
            data["height"],
            _facts(data),
        )
    return format_html(
        '<div class="lead-image-preview" data-lead-image-preview data-url="{}">'
        "{}</div>",
        url,
        body,
    )


def _facts(data):
    if data["decorative"]:
        alt = _("decoratief: schermlezers slaan deze afbeelding over")
    elif data["needs_alt"]:
        alt = _("ontbreekt: nodig om te publiceren")
    else:
        alt = data["alt"]
    rows = [
        (_("alt-tekst"), "missing" if data["needs_alt"] else "", alt),
        (_("bijschrift"), "", data["caption"] or "—"),
        (_("fotocredit"), "", data["credit"] or "—"),
    ]
    return format_html_join(
        "", '<dt>{}</dt><dd class="{}">{}</dd>', ((a, b, c) for a, b, c in rows)
    )


class ImageUploadWidget(AdminFileWidget):
    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "accept": "image/jpeg,image/png,image/webp,image/gif",
                "data-focal-source": "",
                **(attrs or {}),
            }
        )


class ImageUploadField(forms.FileField):
    """A file field that takes only real JPEG, PNG, WebP and GIF images.

    Its cleaned value is an images.PreparedImage: the file checked, decoded and
    re-encoded without metadata. The same checks serve imports, through
    images.create_image().
    """

    widget = ImageUploadWidget

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return images.prepare_upload(upload)


class ImageAdminForm(CleanTextMixin, forms.ModelForm):
    file = ImageUploadField(
        label=_("Bestand"),
        help_text=Image._meta.get_field("file").help_text,
    )

    class Meta:
        model = Image
        fields = ["alt", "decorative", "caption", "credit", "focal_x", "focal_y"]
        widgets = {
            "alt": forms.Textarea(attrs={"rows": 2, "cols": 60, "maxlength": 300}),
            "focal_x": forms.NumberInput(
                attrs={"step": FOCAL_STEP, "min": 0, "max": 1, "class": "vFocalField"}
            ),
            "focal_y": forms.NumberInput(
                attrs={"step": FOCAL_STEP, "min": 0, "max": 1, "class": "vFocalField"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # A saved image keeps its file unless a new one is chosen.
            self.fields["file"].required = False
            self.fields["file"].help_text = _(
                "Alleen kiezen om de foto te vervangen: elk artikel met deze "
                "afbeelding toont dan de nieuwe."
            )

    def clean(self):
        cleaned_data = super().clean()
        alt = (cleaned_data.get("alt") or "").strip()
        if "alt" in cleaned_data:
            cleaned_data["alt"] = alt
        if alt or cleaned_data.get("decorative") or self.instance.pk is None:
            return cleaned_data
        live = list(
            self.instance.articles.published().values_list("title", flat=True)[:3]
        )
        if live:
            self.add_error(
                "alt",
                _(
                    "Deze afbeelding staat bij een gepubliceerd artikel (‘%(title)s’): "
                    "vul een alt-tekst in of vink ‘decoratief’ aan."
                )
                % {"title": live[0]},
            )
        return cleaned_data


class AltTextFilter(admin.SimpleListFilter):
    title = _("alt-tekst")
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return [
            ("missing", _("Ontbreekt")),
            ("present", _("Ingevuld")),
            ("decorative", _("Decoratief")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(decorative=False, alt="")
        if self.value() == "present":
            return queryset.exclude(alt="")
        if self.value() == "decorative":
            return queryset.filter(decorative=True)
        return queryset


class UsageFilter(admin.SimpleListFilter):
    title = _("gebruik")
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", _("Bij een artikel")), ("no", _("Nergens gebruikt"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(articles__isnull=False).distinct()
        if self.value() == "no":
            return queryset.filter(articles__isnull=True)
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = [
        "thumbnail",
        "description",
        "credit",
        "alt_state",
        "dimensions",
        "usage",
        "created_by",
        "created_at",
    ]
    list_display_links = ["thumbnail", "description"]
    list_filter = [
        AltTextFilter,
        UsageFilter,
        ("created_by", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["caption", "credit", "alt"]
    date_hierarchy = "created_at"
    list_per_page = 40
    readonly_fields = [
        "focal_picker",
        "dimensions",
        "used_in",
        "created_by",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["file", "focal_picker", ("focal_x", "focal_y")]}),
        (
            _("Beschrijving"),
            {
                "fields": ["alt", "decorative", "caption", "credit"],
                "description": _(
                    "De alt-tekst beschrijft voor wie de foto niet ziet wat erop "
                    "staat, bijv. ‘Vissers trekken een boot het strand op bij "
                    "Essaouira’. Zonder alt-tekst kan een artikel met deze foto niet "
                    "gepubliceerd worden, tenzij de foto decoratief is."
                ),
            },
        ),
        (
            _("Gegevens"),
            {"fields": ["dimensions", "used_in", "created_by", "created_at"]},
        ),
    ]

    class Media:
        css = {"all": ["articles/images_admin.css"]}
        js = ["articles/focal_point.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("created_by")
            .annotate(usage_count=Count("articles"))
            # Named again: with the count's GROUP BY, Meta.ordering no longer counts
            # as ordered, and the autocomplete pages through this queryset.
            .order_by(*Image._meta.ordering)
        )

    # Permissions: reporters may fix their own uploads until an article with them
    # goes out; after that the image is the editors' responsibility, as the article.

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or workflow.can_publish(request.user):
            return True
        return (
            obj.created_by_id == request.user.pk
            and not obj.articles.filter(
                status__in=[Article.Status.PUBLISHED, Article.Status.KILLED]
            ).exists()
        )

    # List columns.

    @admin.display(description="")
    def thumbnail(self, obj):
        return admin_thumbnail(obj)

    @admin.display(description=_("afbeelding"), ordering="caption")
    def description(self, obj):
        return str(obj)

    @admin.display(description=_("alt-tekst"))
    def alt_state(self, obj):
        if obj.decorative:
            return format_html('<span class="alt-state">{}</span>', _("decoratief"))
        if obj.needs_alt:
            return format_html(
                '<span class="alt-state alt-state--missing">{}</span>',
                _("ontbreekt"),
            )
        return obj.alt

    @admin.display(description=_("afmetingen"))
    def dimensions(self, obj):
        if not obj.width:
            return "—"
        return f"{obj.width} × {obj.height}"

    @admin.display(description=_("gebruikt"), ordering="usage_count")
    def usage(self, obj):
        count = getattr(obj, "usage_count", None)
        if count is None:
            count = obj.articles.count()
        return ngettext("%d artikel", "%d artikelen", count) % count

    @admin.display(description=_("gebruikt bij"))
    def used_in(self, obj):
        if obj.pk is None:
            return "—"
        articles = list(obj.articles.order_by("-published_at", "-pk")[:20])
        if not articles:
            return _("Nog bij geen enkel artikel.")
        return format_html(
            '<ul class="image-usage">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (
                        reverse("admin:articles_article_change", args=[quote(a.pk)]),
                        a.title,
                        a.get_status_display(),
                    )
                    for a in articles
                ),
            ),
        )

    @admin.display(description=_("focuspunt"))
    def focal_picker(self, obj):
        rendition = obj.rendition(960) if obj.pk else None
        crop = obj.rendition(640, crop="3:2") if obj.pk else None
        return format_html(
            '<div class="focal-picker" data-focal-picker>'
            '<div class="focal-picker__frame">'
            '<img class="focal-picker__image" src="{}" alt=""{}>'
            '<span class="focal-picker__marker" aria-hidden="true"></span></div>'
            '<p class="help">{}</p>'
            '<figure class="focal-picker__card">'
            '<img class="focal-picker__card-image" src="{}" alt="">'
            "<figcaption>{}</figcaption></figure></div>",
            rendition.url if rendition else "",
            "" if rendition else " hidden",
            _(
                "Klik op het belangrijkste deel van de foto (een gezicht, de bal): "
                "uitsneden voor kaarten en lijsten houden dat punt in beeld. Of vul "
                "de getallen hieronder in."
            ),
            crop.url if crop else "",
            _("Zo ziet een kaart (3:2) eruit"),
        )

    # Saving and deleting.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        prepared = form.cleaned_data.get("file")
        try:
            if isinstance(prepared, images.PreparedImage):
                images.save_upload(obj, prepared)
                if prepared.animated:
                    self.message_user(
                        request,
                        _(
                            "Dit is een bewegende GIF: de site toont alleen het "
                            "eerste beeld."
                        ),
                        messages.WARNING,
                    )
            else:
                obj.save()
                if not obj.renditions_current:
                    images.make_renditions(obj)
        except OSError:
            # The record is saved; pages show no image until the versions exist.
            self.message_user(
                request,
                _(
                    "De versies voor de site konden niet worden gemaakt. De afbeelding "
                    "is bewaard; de beheerder kan ‘manage.py make_renditions’ draaien."
                ),
                messages.ERROR,
            )

    def delete_model(self, request, obj):
        self._delete_files_on_commit([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._delete_files_on_commit(list(queryset))
        super().delete_queryset(request, queryset)

    def _delete_files_on_commit(self, image_list):
        doomed = [
            (image.pk, image.file.name, image.file.storage) for image in image_list
        ]

        def delete():
            for pk, name, storage in doomed:
                images.delete_files(storage, pk, name)

        transaction.on_commit(delete)

    # The article form asks for a chosen image's preview.

    def get_urls(self):
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_image_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        image = Image.objects.filter(pk=object_id).first()
        if image is None:
            raise Http404
        data = preview_data(image)
        data["facts"] = str(_facts(data))
        return JsonResponse(data)
