"""Bylines in the article form: the reporter's own author first on a new article,
and authors with a second line in the picker, so that look-alike names (three
"Fatima El Amrani"s) can be told apart.

The picker is the admin's own autocomplete (select2), pointed at a view of the
author admin that adds a "detail" to each result (AutocompleteJsonView's
serialize_result, as Django's documentation shows); author_picker.js shows it under
the name.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.urls import path
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from newsroom.forms import CleanTextModelForm

from ..models import Author

PICKER_URL_NAME = "articles_author_picker"


def own_author(user):
    """Return the author that belongs to user's account, or None."""
    if not user.is_authenticated:
        return None
    return Author.objects.filter(user=user).first()


def byline_initial(request):
    """Return the initial bylines of a new article: the writer's own, if any."""
    author = own_author(request.user)
    if author is None:
        return []
    return [{"author": author.pk}]


def author_detail(author):
    """Return the second line that tells author apart from namesakes: the newsroom
    role and e-mail domain of their account, else the start of their bio."""
    parts = []
    user = author.user
    if user is not None:
        parts += [group.name for group in user.groups.all()]
        domain = user.email.rpartition("@")[2] if "@" in user.email else ""
        if domain:
            parts.append(f"@{domain}")
    if not parts and author.bio:
        parts.append(Truncator(author.bio).chars(60))
    if not parts:
        parts.append(_("geen account, geen bio") + f" ({author.slug})")
    return " · ".join(parts)


class AuthorPickerView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        return super().serialize_result(obj, to_field_name) | {
            "detail": author_detail(obj)
        }


class AuthorPickerWidget(AutocompleteSelect):
    url_name = "%s:" + PICKER_URL_NAME

    @property
    def media(self):
        # After jquery.init.js, which gives select2 its django.jQuery.
        return super().media + forms.Media(
            js=["admin/js/jquery.init.js", "articles/author_picker.js"]
        )


class BylineForm(forms.ModelForm):
    def has_changed(self):
        # A new byline counts when it names an author, also when that author was
        # filled in for the writer (unchanged, Django would skip it when saving).
        if self.instance.pk is None:
            return bool(self["author"].value())
        return super().has_changed()


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
                    AuthorPickerView.as_view(admin_site=self.admin_site)
                ),
                name=PICKER_URL_NAME,
            ),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        # The picker's second line reads each author's account and its groups.
        queryset = queryset.select_related("user").prefetch_related("user__groups")
        return super().get_search_results(request, queryset, search_term)
