"""Forms that put what editors type through newsroom/text.py before checking it."""

from django import forms

from .text import clean_line, clean_text

LINE_WIDGETS = (forms.TextInput, forms.URLInput, forms.EmailInput)


def cleaner_for(field):
    """Return how field's submitted text is cleaned, or None for no text field.

    One-line inputs (titles, names, captions, tags) become one clean line; text
    areas and the body editor keep their line breaks.
    """
    if not isinstance(field, forms.CharField):
        return None
    if isinstance(field.widget, forms.Textarea):  # the body's editor is one too
        return clean_text
    if isinstance(field.widget, LINE_WIDGETS):
        return clean_line
    return None  # passwords, hidden values


class CleanTextMixin:
    """Clean every text field's submitted value before it is validated, so the
    characters XML and feeds cannot carry never get in, and "required" or a length
    limit judge the text as it will be stored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        data = self.data.copy()
        for name, field in self.fields.items():
            clean = None if field.disabled else cleaner_for(field)
            key = self.add_prefix(name)
            if clean is None or key not in data:
                continue
            if hasattr(data, "setlist"):
                data.setlist(key, [clean(value) for value in data.getlist(key)])
            elif isinstance(data[key], str):
                data[key] = clean(data[key])
        self.data = data


class CleanTextModelForm(CleanTextMixin, forms.ModelForm):
    """The admin's default ModelForm, with clean text."""
