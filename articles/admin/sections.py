"""Sections and old article addresses in the admin."""

from django.contrib import admin

from newsroom.forms import CleanTextModelForm

from ..models import Section, SlugRedirect


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    autocomplete_fields = ["article"]
