"""Admin widgets that save editors typing: tag suggestions."""

from django.urls import reverse
from taggit.forms import TagWidget


class TagAutocompleteWidget(TagWidget):
    """Suggest existing tags for the tag being typed.

    Suggestions come from the admin's own autocomplete view (taggit's Tag admin
    searches by name, and the view checks the editor's permissions). The field stays
    taggit's comma-separated text, so a new tag is simply typed.
    """

    class Media:
        js = ["articles/tag_autocomplete.js"]

    def __init__(self, model, field_name="tags", attrs=None):
        self.source = (model._meta.app_label, model._meta.model_name, field_name)
        super().__init__(
            attrs={"class": "vTextField", "autocomplete": "off", **(attrs or {})}
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        app_label, model_name, field_name = self.source
        context["widget"]["attrs"].update(
            {
                "data-tag-autocomplete": reverse("admin:autocomplete"),
                "data-app-label": app_label,
                "data-model-name": model_name,
                "data-field-name": field_name,
            }
        )
        return context
