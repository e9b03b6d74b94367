"""One rule for the text that enters the site, whatever the door.

Titles, headlines, leads and authors arrive from admin forms, seed files and (later)
the API. Feeds and sitemaps are XML, which cannot carry C0 control characters other
than tab and newline, U+FFFE/U+FFFF or lone surrogates: one such character in a title
turns every feed into a 500. Zero-width characters are invisible but make two
identical-looking headlines differ, and break slugs and search.
"""

import re
import unicodedata

# Invisible characters that only ever get in the way in a news text.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

# What XML 1.0 cannot carry (besides tab, LF and CR): C0 controls, the two
# noncharacters at the end of the BMP and UTF-16 surrogates.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")
_WHITESPACE = re.compile(r"\s+")


def xml_safe(text: str) -> str:
    """Return text without the characters XML cannot carry, each replaced by a space.

    A space rather than nothing: a vertical tab pasted from a word processor
    (Shift+Enter) stands between two words.
    """
    return _XML_UNSAFE.sub(" ", text)


def clean_text(text: str) -> str:
    """Return multi-line text (a body, a lead) safe for XML, NFC, without zero-widths.

    Line breaks are kept; a caller that wants one line uses `clean_line`.
    """
    text = xml_safe(_ZERO_WIDTH.sub("", text))
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """Return text as one line: `clean_text`, each run of whitespace one space."""
    return _WHITESPACE.sub(" ", clean_text(text)).strip()
