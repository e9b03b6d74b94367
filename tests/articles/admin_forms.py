"""Build the POST data an admin change form would send, from the page's own forms.

Tests then override only what they are about, so hidden fields, new fields and the
inline formsets' management data come along as a browser would send them.
"""

from django.forms import CheckboxInput, FileInput, MultiWidget
from django.urls import reverse


def change_url(article):
    """Return the admin change form's address for article."""
    return reverse("admin:articles_article_change", args=[article.pk])


def _field_data(form):
    data = {}
    for field in form:
        widget = field.field.widget
        value = field.value()
        if isinstance(widget, FileInput) or field.field.disabled:
            continue
        if isinstance(widget, CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif isinstance(widget, MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, (sub, part) in enumerate(
                zip(widget.widgets, parts, strict=True)
            ):
                shown = sub.format_value(part)
                data[f"{field.html_name}_{index}"] = "" if shown is None else shown
        elif getattr(widget, "allow_multiple_selected", False):
            data[field.html_name] = [str(v) for v in value or []]
        else:
            shown = widget.format_value(value)
            if isinstance(shown, list):
                shown = shown[0] if shown else ""
            data[field.html_name] = "" if shown is None else shown
    return data


def admin_form_data(response, **overrides):
    """Return the POST data of the change form rendered in response, with overrides."""
    context = response.context
    data = _field_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_field_data(formset.management_form))
        for form in formset.forms:
            data.update(_field_data(form))
    data.update(overrides)
    return data
