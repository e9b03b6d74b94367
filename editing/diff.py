"""Readable differences between two versions of a record, for the admin (revision
history and edit conflicts)."""

import difflib
import html
import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

_BLOCK_END = re.compile(
    r"</(p|h[1-6]|li|blockquote|tr|table|ul|ol)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE
)
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def html_to_text(value):
    """Return the text of stored rich text, one paragraph per line."""
    text = _BLOCK_END.sub("\n", value or "")
    text = html.unescape(strip_tags(text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def inline_diff(old, new):
    """Return new as HTML with words removed since old in <del> and added in <ins>.

    All text is escaped: a revision may hold anything an editor typed.
    """
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in {"insert", "replace"}:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))


def compare_fields(old, new, fields):
    """Return (label, old value, new value, diff HTML) for each field that changed.

    old and new are dicts of field values as django-reversion stores them; fields is
    a list of (name, label, is_rich_text).
    """
    rows = []
    for name, label, rich in fields:
        before, after = old.get(name), new.get(name)
        if rich:
            before, after = html_to_text(before), html_to_text(after)
        before = "" if before is None else str(before)
        after = "" if after is None else str(after)
        if before != after:
            rows.append((label, before, after, inline_diff(before, after)))
    return rows
