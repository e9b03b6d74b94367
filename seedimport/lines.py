"""Read one line of a seed file: clean it, then tell what it looks like.

Plain Python, used by ``seedimport/parser.py``, which decides from the whole file which
lines are the ticker and which the article. A line is read on its own here:

- boilerplate: known page furniture ("Volg ons op Facebook"), see BOILERPLATE;
- a ticker line: a time at the start, after a dash (``- 17:07Kop``). Sloppy scrapes
  write it in other ways (``-17:07``, ``– 17:07``, ``• 17:07``, ``- 17.07``,
  ``- 17 : 07``, or the dash lost): each is read where the time is certain, with a note
  saying how the line deviates, and is "ticker-like" where it is not (``- 12.50 euro``
  may be a price) so that the file's reader can skip it, never take it for article text;
- a marker line: a dash or bullet without a time (a list item, or a ticker line whose
  time was lost), which only its neighbours can place;
- content: anything else.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from newsroom.text import ZERO_WIDTH
from newsroom.text import clean_line as clean_text_line

# Page furniture a scrape picks up. Matched against the whole line, ignoring case and
# trailing punctuation, so a sentence that merely mentions Facebook is still content.
BOILERPLATE = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"volg ons( ook)? (op|via) (facebook|twitter|x|instagram|tiktok|youtube"
        r"|linkedin|telegram|whatsapp|threads|bluesky)",
        r"(like|vind) ons op facebook",
        r"abonneer (je|u) op (onze )?(nieuwsbrief|youtube|kanaal)",
        r"(deel|delen)( dit( artikel| bericht)?)?( op [\w ]+)?",
        r"lees (ook|meer|verder)",
        r"(meer|laatste|het laatste) nieuws",
        r"(nieuws)?ticker|net binnen|breaking( news)?",
        r"advertentie",
        r"(terug )?naar boven",
        r"reacties?( \(\d+\))?",
        r"(plaats een |geef een )?reactie( plaatsen)?",
        r"(alle rechten voorbehouden|©.*)",
        r"cookie(-| )?(instellingen|beleid|melding)",
    )
]
_TRAILING_PUNCTUATION = " .:!|»›→"

# Embedding, override and isolate controls can make text read differently from how it
# is stored (CVE-2021-42574); scraped headlines never need them. The marks LRM, RLM and
# ALM are kept: Arabic names in Dutch text legitimately use them.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)

# What a scrape puts before a ticker time instead of "- ": dashes of every width, the
# minus sign and bullets. A line that starts with one of these is never a title.
MARKERS = {
    "-": "a dash",
    "\u2010": "a hyphen (U+2010)",
    "\u2011": "a non-breaking hyphen (U+2011)",
    "\u2012": "a figure dash (U+2012)",
    "\u2013": "an en dash (U+2013)",
    "\u2014": "an em dash (U+2014)",
    "\u2015": "a horizontal bar (U+2015)",
    "\u2212": "a minus sign (U+2212)",
    "\u2022": "a bullet (U+2022)",
    "\u2023": "a triangular bullet (U+2023)",
    "\u2043": "a hyphen bullet (U+2043)",
    "\u25aa": "a square bullet (U+25AA)",
    "\u25cf": "a black circle (U+25CF)",
    "\u00b7": "a middle dot (U+00B7)",
    "*": "an asterisk",
}
_MARKER = "[" + re.escape("".join(MARKERS)) + "]"

# A time at the start of a (cleaned, single-spaced) line. The minutes are exactly two
# digits, so a headline that starts with a digit ("- 13:502 doden") keeps it.
TIME_START = re.compile(
    rf"(?P<marker>{_MARKER})?(?P<space> ?)(?P<hour>\d{{1,2}})"
    r"(?P<separator> ?[:.] ?)(?P<minute>\d{2})(?P<rest>.*)"
)
# "- 12:00 uur: de markt opent" is a sentence that starts with a time, not a headline.
_HOUR_WORD = re.compile(r"uur\b", re.IGNORECASE)
_QUOTES = "\"'‘’“”„«‹(["
# "- 17:07 | Kop", "- 17:07: Kop", "- 17:07 - Kop": punctuation between time and text.
_HEADLINE_SEPARATOR = re.compile(r" ?[-\u2013\u2014|:•·>»]+(?: |$)")


class LineError(ValueError):
    """A line that makes the whole file untrustworthy."""


@dataclass(frozen=True)
class Reading:
    """What one cleaned line looks like on its own.

    kind is "boilerplate", "ticker" (time and headline read), "ticker-like" (a ticker
    line that cannot be read; reason says why), "marker" (a dash or bullet without a
    time) or "content". note says how a ticker line deviates from "- HH:MM".
    """

    kind: str
    time: datetime.time | None = None
    headline: str = ""
    note: str = ""
    reason: str = ""
    written: str = ""  # the prefix as the file has it, "- 17:07"


def is_boilerplate(text: str) -> bool:
    """Return True if text is a known line of page furniture, not content."""
    normalised = " ".join(text.split()).rstrip(_TRAILING_PUNCTUATION)
    return any(pattern.fullmatch(normalised) for pattern in BOILERPLATE)


def clean_seed_line(raw: str) -> tuple[str, list[str]]:
    """Return raw cleaned by the site's text rule, and what had to be removed.

    The rule is newsroom.text.clean_line (NFC, no zero-widths, XML-safe, one space
    between words). Before it, bidi controls are removed and every control character
    becomes a space, as scraped text never needs them; each kind is reported once.
    """
    problems = []
    text = raw.translate(BIDI_CONTROLS)
    if text != raw:
        problems.append("removed bidi override/isolate characters")
    invisible = sorted({char for char in text if char in ZERO_WIDTH})
    if "\ufeff" in invisible:
        problems.append("removed a stray byte order mark (U+FEFF)")
        invisible.remove("\ufeff")
    if invisible:
        names = ", ".join(f"U+{ord(char):04X}" for char in invisible)
        problems.append(f"removed zero-width characters ({names})")
    chars = []
    for char in text:
        if char != "\t" and (
            unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in "\ufffe\uffff"
        ):
            chars.append(" ")
            problem = f"replaced control character U+{ord(char):04X} by a space"
            if problem not in problems:
                problems.append(problem)
        else:
            chars.append(char)
    return clean_text_line("".join(chars)), problems


def read_line(text: str) -> Reading:
    """Return what the cleaned, non-empty line text looks like on its own.

    Raise LineError for a ticker line whose time cannot exist ("- 25:61Kop").
    """
    if is_boilerplate(text):
        return Reading("boilerplate")
    match = TIME_START.fullmatch(text)
    reading = _read_time(match, text) if match else None
    if reading is not None:
        return reading
    if text[0] in MARKERS:
        return Reading("marker")
    return Reading("content")


def _read_time(match, text):
    """Return the Reading of a line that starts with a time, or None if it is no time.

    "12.000 mensen" and "- 25.000 mensen" start with a number, not a time. Without a
    dash, "12.50 euro" and "12:00 uur: de markt opent" are text; "17.07Kop" (glued as
    scraped) and "17.07 Kop" are not.
    """
    marker, separator = match["marker"], match["separator"]
    dotted = "." in separator
    rest = match["rest"]
    sentence = _HOUR_WORD.match(rest.strip())
    if dotted and rest[:1].isdigit():
        return None
    if marker is None and (sentence or (dotted and not _glued_or_headline(rest))):
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    shown = f"{match['hour']}{separator.strip()}{match['minute']}"
    valid = hour <= 23 and minute <= 59
    if not valid:
        if dotted:
            return Reading("ticker-like", reason=f"{shown!r} is not a valid time")
        raise LineError(f"{shown} is not a valid time (00:00 to 23:59)")
    if sentence:
        return Reading(
            "ticker-like",
            reason=f"a sentence starting with a time ({shown} uur), not a headline",
        )
    # A dot could be a price or a score ("- 12.50 euro"): only a headline glued to the
    # time, or starting with a capital letter or a quote, makes it a time.
    if dotted and not _glued_or_headline(rest):
        return Reading(
            "ticker-like",
            reason=f"{shown!r} may be a number rather than a time (ticker times are "
            "written HH:MM)",
        )
    deviations = []
    if marker is None:
        deviations.append("no dash before the time")
    elif marker != "-":
        deviations.append(f"{MARKERS[marker]} instead of a dash")
    if marker is not None and not match["space"]:
        deviations.append("no space before the time")
    if dotted:
        deviations.append("a dot instead of a colon in the time")
    if " " in separator:
        deviations.append("spaces inside the time")
    headline = rest.strip()
    separated = _HEADLINE_SEPARATOR.match(rest)
    if separated:
        headline = rest[separated.end() :].strip()
        deviations.append(f"{separated.group().strip()!r} between time and headline")
    note = ""
    if deviations:
        note = f"sloppy ticker line ({', '.join(deviations)}); read as a ticker item"
    return Reading(
        "ticker",
        datetime.time(hour, minute),
        headline,
        note=note,
        written=text[: match.end("minute")],
    )


def _glued_or_headline(rest):
    """Return True if rest (after a time) is a headline: glued, or capitalised."""
    return rest[:1].isalpha() or (
        rest[:1] == " " and (rest[1:2].isupper() or rest[1:2] in _QUOTES)
    )
