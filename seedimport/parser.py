"""Read seed text files: ticker lines and at most one article, as scraped from a page.

Plain Python (no Django, no database); ``manage.py import_seeds`` wraps it, and
``docs/seeds.md`` describes the format for ops.

Lines end in LF, CRLF or CR; a UTF-8 BOM is allowed. Every line is cleaned by the site's
text rule (``newsroom.text``: NFC, no zero-width characters, one space between words),
then read on its own (``seedimport.lines``): page boilerplate, a ticker line
(``- HH:MMHeadline``, sloppy variants too), a dash or bullet without a time, or text.
Then the file is read as a page: the ticker lines may stand before or after the
article, or both, with boilerplate anywhere; the text lines in one run form the
article (title, lead, body paragraphs). A ticker line is never part of the article:
text on both sides of ticker lines is refused as ambiguous.

Whatever makes the file untrustworthy raises SeedError, naming the file and line;
smaller problems in one line are cleaned, or skip that line, and are listed in
``Seed.warnings``. ``Seed.lines`` says what every line was taken for.
"""

import errno
import os
import re
import stat
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from seedimport.lines import (
    LineError,
    Reading,
    clean_seed_line,
    is_boilerplate,  # noqa: F401 (part of this module's interface)
    read_line,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINE_LENGTH = 10_000

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


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
class SeedLine:
    """What one non-blank line was taken for.

    role is "ticker", "title", "lead", "body", "boilerplate" or "skipped"; detail is
    the time of a ticker line or the reason a line was skipped.
    """

    line: int
    role: str
    text: str
    detail: str = ""


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
    article: SeedArticle | None  # None for a scrape of a page without an article
    skipped: tuple[SkippedLine, ...] = ()
    warnings: tuple[SeedWarning, ...] = ()
    lines: tuple[SeedLine, ...] = ()

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


@dataclass
class _Line:
    """A line that is neither blank nor boilerplate, while the page is being read."""

    number: int
    text: str
    kind: str  # as Reading.kind, then "content" or "skipped" for a marker line
    reading: Reading
    problems: list[str]


def parse_seed(text: str, *, source: str) -> Seed:
    """Parse the text of one seed file into a Seed, or raise SeedError."""
    page = _Page(source)
    for number, raw in enumerate(split_lines(text), start=1):
        page.read(number, raw)
    return page.seed()


class _Page:
    """Read a seed file line by line, then as a page (see the module docstring)."""

    def __init__(self, source):
        self.source = source
        self.lines = []  # _Line
        self.warnings = []
        self.skipped = []
        self.roles = {}  # line number -> SeedLine

    def error(self, message, line=None):
        return SeedError(self.source, message, line=line)

    def skip(self, number, text, reason, warning=""):
        self.skipped.append(SkippedLine(number, text, reason))
        role = "boilerplate" if reason == "boilerplate" else "skipped"
        self.roles[number] = SeedLine(
            number, role, text, "" if role != "skipped" else reason
        )
        if warning:
            self.warnings.append(SeedWarning(number, warning))

    def read(self, number, raw):
        if len(raw) > MAX_LINE_LENGTH:
            raise self.error(
                f"the line is {len(raw):,} characters long (at most "
                f"{MAX_LINE_LENGTH:,}); this is not a seed line",
                line=number,
            )
        text, problems = clean_seed_line(raw)
        if not text:
            if raw.strip():
                # Not blank to the eye of a program: what would have been a title or
                # a headline is gone, so say so rather than skip it in silence.
                self.skip(
                    number,
                    raw,
                    "nothing left after cleaning",
                    f"the line held only invisible or control characters "
                    f"({'; '.join(problems)}); skipped",
                )
            return
        self.warnings.extend(SeedWarning(number, problem) for problem in problems)
        try:
            reading = read_line(text)
        except LineError as error:
            raise self.error(str(error), line=number) from None
        if reading.kind == "boilerplate":
            self.skip(number, text, "boilerplate")
        else:
            self.lines.append(_Line(number, text, reading.kind, reading, problems))

    def seed(self):
        self.place_marker_lines()
        article = self.article()
        ticker = self.ticker()
        if article is None and not ticker:
            skipped = sorted(self.skipped, key=lambda s: s.line)
            why = "; ".join(f"line {s.line}: {s.reason}" for s in skipped[:5])
            more = f"; and {len(skipped) - 5} more" if len(skipped) > 5 else ""
            raise self.error(
                "nothing to import: no ticker items and no article (only blank "
                "lines, boilerplate or skipped lines"
                + (f": {why}{more})" if skipped else ")")
            )
        return Seed(
            source=self.source,
            ticker=tuple(ticker),
            article=article,
            skipped=tuple(sorted(self.skipped, key=lambda s: s.line)),
            warnings=tuple(sorted(self.warnings, key=lambda w: w.line)),
            lines=tuple(self.roles[number] for number in sorted(self.roles)),
        )

    def place_marker_lines(self):
        """Decide for each run of dash or bullet lines without a time what it is.

        After a line of text, up to another or the end of the file, it is a list in
        the article. Anywhere else (next to ticker lines, or before the article) it
        may be a ticker line that lost its time, so it is skipped with a warning,
        never taken for a title or lead.
        """
        lines = self.lines
        start = 0
        while start < len(lines):
            if lines[start].kind != "marker":
                start += 1
                continue
            end = start
            while end < len(lines) and lines[end].kind == "marker":
                end += 1
            before = lines[start - 1].kind if start else None
            after = lines[end].kind if end < len(lines) else None
            in_text = before == "content" and after in ("content", None)
            for line in lines[start:end]:
                if in_text:
                    line.kind = "content"
                else:
                    line.kind = "skipped"
                    self.skip(
                        line.number,
                        line.text,
                        "dash without a time",
                        f"{_shorten(line.text)!r} starts like a ticker line but has "
                        "no time (HH:MM); skipped, not taken for article text",
                    )
            start = end

    def article(self):
        """Return the one run of text lines as the article, None if there is none."""
        runs, run = [], None
        for line in self.lines:
            if line.kind == "content":
                if run is None:
                    run = []
                    runs.append(run)
                run.append(line)
            elif line.kind in ("ticker", "ticker-like"):
                run = None
        if not runs:
            return None
        if len(runs) > 1:
            first, second = runs[0], runs[1]
            between = next(
                line
                for line in self.lines
                if first[-1].number < line.number < second[0].number
                and line.kind in ("ticker", "ticker-like")
            )
            raise self.error(
                f"a ticker line between two runs of text ({_span(first)} and "
                f"{_span(second)}): a file holds one article, with the ticker lines "
                "above or below it, so which text is the article is unclear; move "
                "the ticker lines, or remove the text that is not the article",
                line=between.number,
            )
        (title, *rest) = runs[0]
        if not rest:
            raise self.error(
                "the article has a title but no lead or text", line=title.number
            )
        lead, *paragraphs = rest
        self.roles[title.number] = SeedLine(title.number, "title", title.text)
        self.roles[lead.number] = SeedLine(lead.number, "lead", lead.text)
        for paragraph in paragraphs:
            self.roles[paragraph.number] = SeedLine(
                paragraph.number, "body", paragraph.text
            )
        return SeedArticle(
            line=title.number,
            title=title.text,
            lead=lead.text,
            paragraphs=tuple(paragraph.text for paragraph in paragraphs),
        )

    def ticker(self):
        """Return the ticker items, newest first wherever they stood in the file."""
        ticker = []
        seen_headlines = {}
        previous_time = None
        days_back = 0
        for line in self.lines:
            reading = line.reading
            if line.kind == "ticker-like":
                self.skip(
                    line.number,
                    line.text,
                    "unclear ticker line",
                    f"{_shorten(line.text)!r} looks like a ticker line, but "
                    f"{reading.reason}; skipped, not taken for article text",
                )
                continue
            if line.kind != "ticker":
                continue
            if reading.note:
                self.warnings.append(SeedWarning(line.number, reading.note))
            headline = reading.headline
            if not headline:
                invisible = any(
                    "zero-width" in p or "byte order mark" in p for p in line.problems
                )
                self.skip(
                    line.number,
                    line.text,
                    "no headline",
                    "ticker line without a headline"
                    + (" (only invisible characters)" if invisible else ""),
                )
                continue
            if headline in seen_headlines:
                self.skip(
                    line.number,
                    line.text,
                    "duplicate",
                    f"same headline as line {seen_headlines[headline]}; skipped",
                )
                continue
            moment = reading.time
            if previous_time is not None and moment > previous_time:
                # Newest first: a later time further down is from the day before.
                days_back += 1
                self.warnings.append(
                    SeedWarning(
                        line.number,
                        f"{moment:%H:%M} is later than the ticker line above; read as "
                        "the day before (the ticker is newest first)",
                    )
                )
            previous_time = moment
            seen_headlines[headline] = line.number
            detail = f"{moment:%H:%M}"
            if reading.note:
                detail += f" (written {reading.written!r})"
            if days_back:
                detail += f", {days_back} day{'s' if days_back > 1 else ''} back"
            self.roles[line.number] = SeedLine(line.number, "ticker", headline, detail)
            ticker.append(TickerLine(line.number, moment, headline, days_back))
        return ticker


def _shorten(text, width=40):
    return text if len(text) <= width else text[: width - 1] + "…"


def _span(run):
    first, last = run[0].number, run[-1].number
    return f"line {first}" if first == last else f"lines {first}–{last}"


def load_seed(path: str | Path, *, source: str | None = None) -> Seed:
    """Read, decode and parse the seed file at path, or raise SeedError.

    A symbolic link is refused, not followed: a link to a system file would otherwise
    be published as an article. O_NOFOLLOW makes the check and the opening one step;
    O_NONBLOCK keeps a FIFO from hanging the import.
    """
    path = Path(path)
    source = source or path.name
    link = SeedError(
        source,
        "the file is a symbolic link; seed files must be regular files (copy the "
        "file into the folder instead of linking it)",
    )
    if path.is_symlink():
        raise link
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise SeedError(source, "not a regular file; seed files are text files")
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise link from None
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
