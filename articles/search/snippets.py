"""The search results' titles and passages, with the reader's words in <mark>."""

import html
import re
import unicodedata

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .query import SPACE, strip_plural

SNIPPET_CHARS = 240
# Private-use characters mark the matches in PostgreSQL's headline; the text is then
# escaped as a whole and only these become <mark>, so nothing else can turn into HTML.
START, STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|hr|h[1-6]|li|ul|ol|blockquote|figure|figcaption|table|caption|"
    r"thead|tbody|tr|th|td)\b[^>]*>",
    re.IGNORECASE,
)


class _FoldTable(dict):
    """str.translate() table that drops a letter's diacritics: "ë" becomes "e"."""

    def __missing__(self, code):
        char = chr(code)
        base, *marks = unicodedata.normalize("NFD", char)
        folded = base if marks and all(map(unicodedata.combining, marks)) else char
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def _fold(text):
    """Return text without diacritics, as the FTS5 tokenizer folds it, one character
    for one: a match's position in it is its position in text."""
    return text.translate(_FOLD)


def _term_pattern(query):
    stems = {_fold(strip_plural(term)) for term in query.terms}
    stems = sorted(stems, key=len, reverse=True)
    if not stems:
        return None
    # A word that starts with a term counts: "datacenter" marks "datacenters" too.
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE
    )


def _mark(text, pattern):
    """Return text escaped, with the matches of pattern in <mark>."""
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(_fold(text)):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def highlight_title(article, query):
    """Return the title, escaped, with the words of the query in <mark>."""
    return mark_safe(_mark(article.title, _term_pattern(query)))


def snippet(article, query):
    """Return a short passage of the article around the query's words, escaped, with
    those words in <mark>."""
    headline = getattr(article, "headline", None)
    # PostgreSQL's headline, also when empty (no lead or body): the page's rows
    # are read without their body then.
    if headline is not None:
        return mark_safe(_from_headline(headline))
    return mark_safe(_python_snippet(article, query))


def _from_headline(headline):
    text = SPACE.sub(" ", html.unescape(headline)).strip()
    parts, last = [], 0
    for match in _MARKED.finditer(text):
        parts.append(escape(_unmarked(text[last : match.start()])))
        parts.append(f"<mark>{escape(_unmarked(match.group(1)))}</mark>")
        last = match.end()
    parts.append(escape(_unmarked(text[last:])))
    return "".join(parts)


def _unmarked(text):
    return text.replace(START, "").replace(STOP, "")


def _python_snippet(article, query):
    # The lead is plain text; only the body is HTML, whose paragraphs, headings,
    # list items and line breaks end in a space, not glued to the next.
    body = html.unescape(strip_tags(_BLOCK_TAG.sub(" ", article.body)))
    text = SPACE.sub(" ", f"{article.lead} {body}").strip()
    pattern = _term_pattern(query)
    first = pattern.search(_fold(text)) if pattern else None
    start = 0
    if first and first.start() > SNIPPET_CHARS // 3:
        start = text.rfind(" ", 0, first.start() - SNIPPET_CHARS // 4) + 1
    end = start + SNIPPET_CHARS
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    passage = text[start:end].strip()
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return f"{escape(prefix)}{_mark(passage, pattern)}{escape(suffix)}"
