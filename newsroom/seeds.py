"""Read seed text files: ticker lines and one article, as scraped from a news page.

Plain Python (no Django, no database); ``manage.py import_seeds`` wraps it.

The format, line by line (lines end in LF, CRLF or CR; a UTF-8 BOM is allowed):

- ``- HH:MMHeadline`` (the time glued to the headline, as scraped) or
  ``- HH:MM Headline`` is a ticker item. They come first, newest first.
- Then one article: the first line is the title, the second the lead, every further
  line a body paragraph.
- Blank lines and known page boilerplate ("Volg ons op Facebook", see BOILERPLATE) are
  skipped anywhere.

Whatever makes the file untrustworthy raises SeedError, naming the file and line;
smaller problems in one line are cleaned, or skip that line, and are listed in
``Seed.warnings``.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINE_LENGTH = 10_000

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

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
        r"meer nieuws",
        r"advertentie",
        r"(terug )?naar boven",
        r"reacties?( \(\d+\))?",
        r"(plaats een |geef een )?reactie( plaatsen)?",
        r"(alle rechten voorbehouden|©.*)",
        r"cookie(-| )?(instellingen|beleid|melding)",
    )
]
_TRAILING_PUNCTUATION = " .:!|»›→"

# "- 17:07Headline" and "- 17:07 Headline". The minutes are exactly two digits, so a
# headline that starts with a digit ("- 13:502 doden") keeps it.
TICKER_LINE = re.compile(r"-\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})(?P<headline>.*)")
_TICKER_LIKE = re.compile(r"-(\s|$|\d{1,2}[:.]\d)")

# Embedding, override and isolate controls can make text read differently from how it
# is stored (CVE-2021-42574); plain headlines never need them. The marks LRM, RLM and
# ALM are kept: Arabic names in Dutch text legitimately use them.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)


class SeedError(Exception):
    """A seed file that cannot be imported; the message names the file and line."""

    def __init__(self, source, message, *, line=None):
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class TickerLine:
    line: int
    time: time
    headline: str
    # 1 when the list crossed midnight above this line: the item is from the day before.
    days_back: int = 0


@dataclass(frozen=True)
class SeedArticle:
    line: int
    title: str
    lead: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class SkippedLine:
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class SeedWarning:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Seed:
    source: str
    ticker: tuple[TickerLine, ...]
    article: SeedArticle
    skipped: tuple[SkippedLine, ...] = ()
    warnings: tuple[SeedWarning, ...] = ()

    def ticker_moment(self, item: TickerLine, day: date, tz: tzinfo) -> datetime:
        """Return when item was published, reading its time on day in tz."""
        return datetime.combine(day - timedelta(days=item.days_back), item.time, tz)

    def default_date(self, now: datetime) -> date:
        """Return the latest date on which every time in the file has passed by now.

        now is an aware datetime in the site's time zone. A file without times gets
        today's date.
        """
        day = now.date()
        while any(self.ticker_moment(t, day, now.tzinfo) > now for t in self.ticker):
            day -= timedelta(days=1)
        return day

    def article_moment(self, day: date, now: datetime) -> datetime:
        """Return the article's publication time: the newest ticker time on day.

        The page the file was scraped from showed the article next to the ticker, so the
        newest ticker time is the best known lower bound of when the article was online;
        with the default date that is never in the future. Without ticker times: 12:00
        on day, or now if that is still ahead today.
        """
        tz = now.tzinfo
        if self.ticker:
            return max(self.ticker_moment(t, day, tz) for t in self.ticker)
        noon = datetime.combine(day, time(12, 0), tz)
        return min(noon, now) if day == now.date() else noon


def is_boilerplate(text: str) -> bool:
    """Return True if text is a known line of page furniture, not content."""
    normalised = " ".join(text.split()).rstrip(_TRAILING_PUNCTUATION)
    return any(pattern.fullmatch(normalised) for pattern in BOILERPLATE)


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF and CR only (str.splitlines() also splits on U+2028 & co)."""
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _line_at(data, offset):
    return len(re.split(rb"\r\n|\r|\n", data[:offset]))


def decode_seed(data: bytes, *, source: str) -> str:
    """Return data as text, or raise SeedError if it is not a UTF-8 text file."""
    if not data.strip():
        raise SeedError(source, "the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise SeedError(
            source,
            f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
            "seed files are short text files",
        )
    if data.startswith(UTF16_BOMS):
        raise SeedError(source, "the file is UTF-16 text; save it as UTF-8")
    nul = data.find(b"\x00")
    if nul != -1:
        raise SeedError(
            source,
            f"binary content: a NUL byte at byte offset {nul}; this is not a text file",
            line=_line_at(data, nul),
        )
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = start + error.start
        raise SeedError(
            source,
            f"not UTF-8: byte 0x{data[offset]:02X} at byte offset {offset} cannot be "
            "decoded; save the file as UTF-8",
            line=_line_at(data, offset),
        ) from None
    if not text.strip():
        raise SeedError(source, "the file is empty (only blank lines)")
    return text


def clean_line(raw: str) -> tuple[str, list[str]]:
    """Return raw as clean, NFC-normalised text and a list of what had to be removed."""
    problems = []
    text = raw.translate(BIDI_CONTROLS)
    if text != raw:
        problems.append("removed bidi override/isolate characters")
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
        problems.append("removed a stray byte order mark (U+FEFF)")
    chars = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\t":
            chars.append(" ")
        elif category in {"Cc", "Zl", "Zp"}:
            chars.append(" ")
            problem = f"replaced control character U+{ord(char):04X} by a space"
            if problem not in problems:
                problems.append(problem)
        else:
            chars.append(char)
    text = unicodedata.normalize("NFC", "".join(chars))
    return re.sub(r" {2,}", " ", text).strip(), problems


def parse_seed(text: str, *, source: str) -> Seed:
    """Parse the text of one seed file into a Seed, or raise SeedError."""
    ticker, skipped, warnings = [], [], []
    article_lines = []  # (line number, text)
    seen_headlines = {}
    previous_time = None
    days_back = 0

    for number, raw in enumerate(split_lines(text), start=1):
        if len(raw) > MAX_LINE_LENGTH:
            raise SeedError(
                source,
                f"the line is {len(raw):,} characters long (at most "
                f"{MAX_LINE_LENGTH:,}); this is not a seed line",
                line=number,
            )
        line, problems = clean_line(raw)
        warnings.extend(SeedWarning(number, problem) for problem in problems)
        if not line:
            continue
        if is_boilerplate(line):
            skipped.append(SkippedLine(number, line, "boilerplate"))
            continue
        if article_lines:
            article_lines.append((number, line))
            continue

        match = TICKER_LINE.fullmatch(line)
        if match is None:
            if _TICKER_LIKE.match(line):
                raise SeedError(
                    source,
                    f"{line[:40]!r} starts like a ticker line but has no HH:MM time",
                    line=number,
                )
            article_lines.append((number, line))
            continue
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour > 23 or minute > 59:
            raise SeedError(
                source,
                f"{match['hour']}:{match['minute']} is not a valid time "
                "(00:00 to 23:59)",
                line=number,
            )
        moment = time(hour, minute)
        headline = match["headline"].strip()
        if not headline:
            warnings.append(SeedWarning(number, "ticker line without a headline"))
            skipped.append(SkippedLine(number, line, "no headline"))
            continue
        if headline in seen_headlines:
            warnings.append(
                SeedWarning(
                    number,
                    f"same headline as line {seen_headlines[headline]}; skipped",
                )
            )
            skipped.append(SkippedLine(number, line, "duplicate"))
            continue
        if previous_time is not None and moment > previous_time:
            # Newest first: a later time further down is from the day before.
            days_back += 1
            warnings.append(
                SeedWarning(
                    number,
                    f"{moment:%H:%M} is later than the line above; read as the day "
                    "before (the ticker is newest first)",
                )
            )
        previous_time = moment
        seen_headlines[headline] = number
        ticker.append(TickerLine(number, moment, headline, days_back))

    if not article_lines:
        raise SeedError(
            source, "no article: expected a title line after the ticker lines"
        )
    (title_line, title), *text_lines = article_lines
    if not text_lines:
        raise SeedError(
            source,
            "the article has a title but no lead or text",
            line=title_line,
        )
    return Seed(
        source=source,
        ticker=tuple(ticker),
        article=SeedArticle(
            line=title_line,
            title=title,
            lead=text_lines[0][1],
            paragraphs=tuple(text for _, text in text_lines[1:]),
        ),
        skipped=tuple(skipped),
        warnings=tuple(warnings),
    )


def load_seed(path: str | Path, *, source: str | None = None) -> Seed:
    """Read, decode and parse the seed file at path, or raise SeedError."""
    path = Path(path)
    source = source or path.name
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise SeedError(source, f"cannot read the file: {error.strerror}") from None
    return parse_seed(decode_seed(data, source=source), source=source)


def read_date(value: str) -> date:
    """Return the date in a YYYY-MM-DD string, or raise ValueError."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date") from None
