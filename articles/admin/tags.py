"""Tags in the admin: clean names, and new tags only from those allowed to make them.

A tag page is public the moment an article with the tag is: a reporter typing a new
tag into an article would add a topic to the site. Editors make tags (taggit's
add_tag permission); reporters pick from the existing ones.
"""

from functools import reduce
from operator import or_

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin
from taggit.models import Tag

from newsroom.forms import CleanTextModelForm

ADD_TAG_PERMISSION = "taggit.add_tag"


def new_tag_names(names):
    """Return those of names no tag has yet (ignoring case, as taggit does here)."""
    if not names:
        return []
    lookup = reduce(or_, (Q(name__iexact=name) for name in names))
    existing = {
        name.lower()
        for name in Tag.objects.filter(lookup).values_list("name", flat=True)
    }
    return [name for name in names if name.lower() not in existing]


def check_new_tags(user, names):
    """Raise ValidationError when names hold a new tag that user may not make."""
    if user.has_perm(ADD_TAG_PERMISSION):
        return
    new = new_tag_names(names)
    if new:
        raise ValidationError(
            _(
                "U mag geen nieuwe tags maken: %(tags)s. Kies een bestaande tag, of "
                "vraag de eindredactie om de tag aan te maken."
            )
            % {"tags": ", ".join(f"‘{name}’" for name in new)},
            code="new_tag",
        )


class NewsroomTagAdmin(TagAdmin):
    form = CleanTextModelForm


if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)
admin.site.register(Tag, NewsroomTagAdmin)
