from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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


class UpdateForm(forms.ModelForm):
    push_to_ticker = forms.BooleanField(
        label=_("Ook in de nieuwsticker"),
        required=False,
        help_text=_(
            "Alleen bij een kerngebeurtenis: de kop verschijnt in de ticker, met een "
            "link naar het liveblog."
        ),
    )
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LiveBlogUpdate
        fields = POST_FIELDS

    def __init__(self, *args, can_push=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_push:
            del self.fields["push_to_ticker"]
        if self.instance.pk:
            self.fields["edit_version"].initial = self.instance.version
        else:
            del self.fields["edit_version"]

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
        if "edit_version" in self.fields:
            self._check_version(cleaned_data.get("edit_version"))
        return cleaned_data

    def _check_version(self, submitted):
        # Locks the row until the admin's transaction ends, so a save that starts
        # now cannot slip in between this check and our write.
        current = (
            LiveBlogUpdate.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if submitted == current:
            return
        # Keep everything the editor typed, but let the next save go through once
        # they have looked at the other change.
        self.data = self.data.copy()
        self.data["edit_version"] = current
        raise ValidationError(
            _(
                "Iemand anders heeft deze update opgeslagen nadat je hem opende. "
                "Jouw tekst staat hieronder nog; vergelijk hem met de huidige versie "
                "(geschiedenis) en sla opnieuw op om die te overschrijven."
            ),
            code="conflict",
        )
