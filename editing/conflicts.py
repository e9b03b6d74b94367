"""Edit conflicts in admin forms: nothing anyone typed is lost or silently replaced.

A form carries the version it was opened on (`edit_version`) and, signed, what its
fields showed then (`edit_base`). When a save arrives for an older version than the
stored one, nothing is saved and the form is rebuilt on the current version:

- a field the editor did not touch now shows the current value;
- a field they changed keeps their text and is shown beside the current value, with
  a choice per field: keep mine, or take the current one. Where only they changed it,
  "mine" is preselected; where someone else changed it too, they must choose.

The rebuilt form carries the current version, so the next save goes through, but only
after the editor has seen the current values; a form that still carries the old
version is refused again, however often it is sent.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import ProseEditorWidget

from .diff import html_to_text, inline_diff
from .presence import display_name

TOKEN = "edit_version"
BASE = "edit_base"
PENDING = "_conflict_fields"
MINE, THEIRS = "mine", "theirs"
_SALT = "editing.conflicts.base"


def choice_name(name):
    return f"_keep_{name}"


def _widget(field):
    widget = field.widget
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    return widget


def _is_rich(field):
    return isinstance(_widget(field), ProseEditorWidget)


def data_for(bound_field, value):
    """Return {key: [strings]}: what a browser sends for bound_field showing value."""
    field, key = bound_field.field, bound_field.html_name
    widget = _widget(field)
    if isinstance(widget, forms.CheckboxInput):
        return {key: ["on"] if widget.check_test(value) else []}
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        data = {}
        for suffix, sub, part in zip(
            widget.widgets_names, widget.widgets, parts, strict=True
        ):
            shown = sub.format_value(part)
            data[key + suffix] = ["" if shown is None else str(shown)]
        return data
    if getattr(widget, "allow_multiple_selected", False):
        return {key: [str(v) for v in widget.format_value(value)]}
    shown = widget.format_value(value)
    if isinstance(shown, list):
        shown = shown[0] if shown else ""
    return {key: ["" if shown is None else str(shown)]}


def _put(data, entries):
    for key, values in entries.items():
        if values:
            data.setlist(key, values)
        else:
            data.pop(key, None)


def _querydict(entries):
    data = QueryDict(mutable=True)
    for values in entries.values():
        _put(data, values)
    return data


_BETWEEN_TAGS = re.compile(r">\s+<")
# The editor wraps the content of list items and table cells in a paragraph, and
# tables in <tbody>: stored HTML from elsewhere comes back so without anyone typing.
_WRAPPED = re.compile(r"<(li|td|th)([^>]*)><p>(.*?)</p></\1>", re.DOTALL)
_TBODY = re.compile(r"</?tbody>")


def _canonical_html(value):
    value = _BETWEEN_TAGS.sub("><", value.strip())
    value = _TBODY.sub("", value)
    return _WRAPPED.sub(r"<\1\2>\3</\1>", value)


def _norm(value, rich=False):
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
        return _canonical_html(value) if rich else value
    if isinstance(value, list | tuple):
        return [_norm(part) for part in value]
    return value


def _same(field, a, b):
    rich = _is_rich(field)
    a, b = _norm(a, rich), _norm(b, rich)
    return a == b or not field.has_changed(a, b)


def _readable(field, value):
    try:
        value = field.clean(value)
    except ValidationError:
        pass
    if value in (None, "", []):
        return str(_("(leeg)"))
    if isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, list | tuple):
        return ", ".join(str(part) for part in value)
    if isinstance(value, str) and _is_rich(field):
        return html_to_text(value)
    return str(value)


@dataclass
class ConflictRow:
    name: str
    label: str
    mine: str
    theirs: str
    diff: str
    both_changed: bool
    choice: str

    @property
    def choice_name(self):
        return choice_name(self.name)


@dataclass
class Conflict:
    rows: list
    who: str
    when: str


def last_saved(obj):
    """Return (who, when) of the last admin save of obj, from the admin's log."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
        )
        .select_related("user")
        .order_by("-action_time", "-pk")
        .first()
    )
    if entry is None:
        return str(_("iemand anders")), ""
    return display_name(entry.user), timezone.localtime(entry.action_time).strftime(
        "%H:%M"
    )


class ConflictCheckedForm(forms.ModelForm):
    """A model form that refuses saves on top of a version its editor has not seen.

    Subclasses name the model field that changes with every save (`version_field`)
    and call `check_conflict()` from `clean()` for existing objects.
    """

    edit_version = forms.CharField(widget=forms.HiddenInput, required=False)
    edit_base = forms.CharField(widget=forms.HiddenInput, required=False)

    version_field = "version"
    # Set when the form is shown again because of a conflict.
    conflict = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[TOKEN].initial = self.edit_token(self.instance)
            # A callable: only worked out when the form is actually shown.
            self.fields[BASE].initial = self._signed_snapshot

    @classmethod
    def edit_token(cls, obj):
        value = getattr(obj, cls.version_field)
        return value.isoformat() if isinstance(value, datetime) else str(value)

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name not in (TOKEN, BASE)]

    def compared_fields(self):
        """Return the names of the fields that hold the object's content."""
        names = []
        for name, field in self.fields.items():
            if name in (TOKEN, BASE) or field.disabled:
                continue
            try:
                self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            names.append(name)
        return names

    def current_object(self):
        """Return the object as stored now, locked until the save's transaction ends
        (a save that starts now cannot slip in between this check and our write)."""
        manager = self.instance._meta.default_manager
        return manager.select_for_update().filter(pk=self.instance.pk).first()

    def conflict_message(self, who, when, opened):
        """Return the message above the rebuilt form; opened is the version the
        editor had opened."""
        return _(
            "Let op: %(who)s heeft dit opgeslagen (%(when)s) nadat u het opende. Er is "
            "niets opgeslagen. Het formulier toont nu de huidige versie; wat u zelf "
            "had veranderd staat er nog in, met de huidige tekst ernaast. Kies per "
            "veld en sla opnieuw op."
        ) % {"who": who, "when": when}

    # Snapshots: what the form's fields show, as the browser would send it.

    def _snapshot(self, form):
        return {
            name: data_for(form[name], form[name].value())
            for name in self.compared_fields()
        }

    def _signed_snapshot(self):
        return signing.dumps(self._snapshot(self), salt=_SALT, compress=True)

    def _base(self):
        try:
            return signing.loads(self.data.get(BASE, ""), salt=_SALT)
        except signing.BadSignature:
            return None

    def _pending(self):
        names = self.data.get(PENDING, "").split(",")
        return [name for name in names if name in self.fields]

    def _value(self, name, data):
        bound = self[name]
        return bound.field.widget.value_from_datadict(data, self.files, bound.html_name)

    def full_clean(self):
        # "Take the current one" means: what this form was rebuilt with.
        if self.is_bound and (pending := self._pending()):
            base = self._base()
            chosen = [n for n in pending if self.data.get(choice_name(n)) == THEIRS]
            if base is not None and chosen:
                self.data = self.data.copy()
                for name in chosen:
                    if name in base:
                        _put(self.data, base[name])
        super().full_clean()

    def check_conflict(self):
        """Raise ValidationError (and rebuild the form) unless this save is made on
        the stored version, with every earlier conflict decided."""
        current = self.current_object()
        if current is None:
            raise ValidationError(
                _("Dit is intussen verwijderd; opslaan kan niet meer."), code="gone"
            )
        token = self.edit_token(current)
        opened = self.cleaned_data.get(TOKEN) or ""
        if opened == token:
            self._check_decided()
            return
        theirs_form = type(self)(instance=current)
        theirs = self._snapshot(theirs_form)
        base = self._base()
        base_data = _querydict(base) if base is not None else None
        theirs_data = _querydict(theirs)
        data = self.data.copy()
        rows = []
        for name in self.compared_fields():
            field = self.fields[name]
            mine_value = self._value(name, self.data)
            theirs_value = self._value(name, theirs_data)
            if _same(field, mine_value, theirs_value):
                continue
            if base_data is not None:
                base_value = self._value(name, base_data)
                if _same(field, mine_value, base_value):
                    _put(data, theirs[name])  # not touched here: take the current
                    continue
                both = not _same(field, theirs_value, base_value)
            else:
                both = True
            data.pop(choice_name(name), None)
            if not both:
                data[choice_name(name)] = MINE
            rows.append(self._row(name, mine_value, theirs_value, both, data))
        data[TOKEN] = token
        data[BASE] = signing.dumps(theirs, salt=_SALT, compress=True)
        data[PENDING] = ",".join(row.name for row in rows)
        self.data = data
        who, when = last_saved(current)
        self.conflict = Conflict(rows, who, when)
        raise ValidationError(self.conflict_message(who, when, opened), code="conflict")

    def _check_decided(self):
        pending = self._pending()
        if not pending:
            return
        base = self._base()
        base_data = _querydict(base) if base is not None else QueryDict()
        undecided = [
            n for n in pending if self.data.get(choice_name(n)) not in (MINE, THEIRS)
        ]
        rows = []
        for name in pending:
            choice = self.data.get(choice_name(name), "")
            mine = self._value(name, self.data)
            theirs = self._value(name, base_data)
            rows.append(self._row(name, mine, theirs, choice == "", self.data))
        for name in undecided:
            self.add_error(
                name,
                _("Kies hierboven: uw versie houden of de huidige overnemen."),
            )
        if undecided:
            self.conflict = Conflict(rows, *last_saved(self.instance))

    def _row(self, name, mine, theirs, both, data):
        field = self.fields[name]
        mine_text, theirs_text = _readable(field, mine), _readable(field, theirs)
        return ConflictRow(
            name=name,
            label=str(field.label or name),
            mine=mine_text,
            theirs=theirs_text,
            diff=inline_diff(theirs_text, mine_text),
            both_changed=both,
            choice=data.get(choice_name(name), ""),
        )


# Inline rows: see EditingAdminMixin.get_formset_kwargs.

_INLINE_SALT = "editing.conflicts.inlines"
INLINE_BASE = "_edit_inline_base"


def formset_data(formset):
    """Return {key: [strings]}: what a browser sends for an unbound formset."""
    data = {}
    management = formset.management_form
    for name in management.fields:
        data.update(data_for(management[name], management[name].value()))
    for form in formset.forms:
        for name, field in form.fields.items():
            if field.disabled or isinstance(field.widget, forms.FileInput):
                continue
            data.update(data_for(form[name], form[name].value()))
    return data


def sign_inlines(snapshots):
    return signing.dumps(snapshots, salt=_INLINE_SALT, compress=True)


def unsign_inlines(value):
    try:
        return signing.loads(value or "", salt=_INLINE_SALT)
    except signing.BadSignature:
        return None


def same_data(data, snapshot, prefix):
    """Return whether data (a QueryDict) holds for the formset with prefix exactly
    what snapshot holds: the same rows, none added."""
    for key, values in snapshot.items():
        if _norm(data.getlist(key)) != _norm(values):
            return False
    return all(key in snapshot for key in data if key.startswith(f"{prefix}-"))
