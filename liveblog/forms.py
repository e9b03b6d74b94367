from django import forms
from django.utils.translation import gettext_lazy as _

from editing.conflicts import ConflictCheckedForm
from ticker.models import HEADLINE_MAX_LENGTH

from .models import LiveBlogUpdate

# What the compact form at the top of a live blog's admin page asks for.
POST_FIELDS = [
    "title",
    "body",
    "image",
    "quote",
    "quote_source",
    "key_event",
    "pinned",
]
# Content fields: changing one of them marks the update as edited for readers.
CONTENT_FIELDS = frozenset({"title", "body", "image", "quote", "quote_source"})


class UpdateForm(ConflictCheckedForm):
    """An update, posted from the live blog's page or edited in its own admin form.

    Editing an existing update goes through the editing app's conflict check (see
    docs/editing.md): a save on top of a version its editor has not seen saves
    nothing and shows both texts, field by field.
    """

    push_to_ticker = forms.BooleanField(
        label=_("Ook in de nieuwsticker"),
        required=False,
        help_text=_(
            "Alleen bij een kerngebeurtenis: de kop verschijnt in de ticker, met een "
            "link naar het liveblog."
        ),
    )
    # Every save of an update counts up its version (LiveBlogUpdate.save).
    version_field = "version"

    class Meta:
        model = LiveBlogUpdate
        fields = POST_FIELDS

    def __init__(self, *args, can_push=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_push:
            del self.fields["push_to_ticker"]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("push_to_ticker"):
            if not cleaned_data.get("key_event"):
                self.add_error(
                    "push_to_ticker",
                    _("Alleen een kerngebeurtenis kan naar de ticker."),
                )
            elif len(cleaned_data.get("title", "")) > HEADLINE_MAX_LENGTH:
                self.add_error(
                    "title",
                    _("Voor de ticker is de kop hoogstens %(max)s tekens.")
                    % {"max": HEADLINE_MAX_LENGTH},
                )
        if self.instance.pk is not None:
            self.check_conflict()
        return cleaned_data
