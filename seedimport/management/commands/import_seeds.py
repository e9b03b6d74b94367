"""Import seed text files: ticker items and at most one published article per file.

A seed file is a scraped news page. Each line is read for what it is:

  - 17:07Headline glued to its time     a ticker item (a space after the time is fine)
  Article title                         the first line of text
  Lead                                  the second
  Paragraph ...                         every further line of text: a body paragraph

The ticker lines, newest first, may stand before the article, after it, or both; blank
lines and page boilerplate ("Volg ons op Facebook", the list in seedimport/lines.py)
are skipped anywhere. A ticker line never becomes part of the article. Sloppy ticker
lines are read where the time is certain, with a warning: "-17:07Kop", "– 17:07 Kop"
(any dash or bullet), "- 17.07Kop", "- 17 : 07 Kop", "- 17:07 | Kop", "17:07Kop" (no
dash); others are skipped with a warning ("- 12.50 euro" may be a price). A file of
ticker lines only imports them ("no article in this file"); a file of an article only
imports it.

Files are UTF-8 (a BOM is fine) with LF, CRLF or CR line ends. Folders are read for
their *.txt files (not recursively); all files are imported in name order, each in its
own transaction. Symbolic links to files are refused, not followed.

Dates: the files carry times, not dates. Times are read in the site time zone
(TIME_ZONE) on --date; by default on the latest date on which every time in the file
has passed, so nothing lands in the future. The article is published at the newest
ticker time of its file (the page showed it then at the latest), in the section named
by NEWSROOM_DEFAULT_SECTION; ticker items are visible at once.

Fatal for the file (nothing of it is imported, the other files still are, exit 1):
an empty, unreadable or binary file (NUL bytes, UTF-16), a symbolic link, bytes that
are not UTF-8 (the byte offset is named), a file over 5 MB, a line over 10,000
characters, a ticker time that does not exist ("- 25:61"), text on both sides of
ticker lines (which text is the article is unclear), a title without lead or text,
nothing to import (only boilerplate or skipped lines), and any value the admin would
reject too (a headline over 160 characters, a title over 200, a lead over 600).

Warnings (the file is imported): control characters and U+2028/U+2029 are replaced by
a space; zero-width characters (U+200B, U+200C, U+200D, U+2060), stray BOMs and bidi
override/isolate characters are removed, and a line left empty by that is skipped; a
sloppy ticker line is read (how it deviates is named); a ticker line without a
headline (or with only invisible characters), with a headline seen earlier in the file
or with an unclear time is skipped, and so is a dash or bullet line without a time
next to ticker lines or before the article; a time later than the line above is read
as the day before (the list crossed midnight).

Re-running is safe. The import log (admin: "Geïmporteerde items") remembers each
imported line by file name plus headline or title: a second run creates and changes
nothing, an edited record is kept as the editors left it ("kept, edited since
import"), a deleted one is not brought back. Lines already imported from another file,
or already on the site, are skipped. Delete a log entry to import its line again.

Output: a line per file (created / unchanged / kept / skipped) and a total with the
date used; -v 2 lists every line with what it was taken for (ticker, title, lead,
body, boilerplate, skipped and why) and what became of it, -v 0 only errors.
--dry-run runs the whole import in a transaction that is rolled back: with -v 2 it
shows how a file will be read before anything is written. Exit status: 0 when every
file imported, 1 when a file failed, 2 for bad arguments. docs/seeds.md has more.
"""

import argparse
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.core.management.base import (
    BaseCommand,
    CommandError,
    DjangoHelpFormatter,
    no_translations,
)
from django.db import DatabaseError, transaction
from django.utils import timezone

from seedimport.models import SeedRecord
from seedimport.parser import SeedError, load_seed, read_date

KINDS = {SeedRecord.Kind.TICKER: "ticker item ", SeedRecord.Kind.ARTICLE: "article "}
ACTIONS = ["created", "unchanged", "kept", "skipped"]
SHOWN = 80  # characters of a lead or body paragraph that -v 2 shows
KEPT = {
    SeedRecord.State.EDITED: "kept, edited since import",
    SeedRecord.State.DELETED: "kept, deleted since import (not restored)",
}


def _is_utf8(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def name_lines(numbers):
    """Return "line 3", or "lines 1–4, 7" for several line numbers in order."""
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    ranges = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return "lines " + ", ".join(
        str(first) if first == last else f"{first}–{last}" for first, last in ranges
    )


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    pass


class Command(BaseCommand):
    help = __doc__

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="seed files or folders (default: SEEDS_DIR, the project's seeds/)",
        )
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="read the files' times on this date (default: see above)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="parse, validate and report, then roll back: nothing is written",
        )

    @no_translations
    def handle(self, *, paths, date, dry_run, verbosity, **options):
        self.verbosity = verbosity
        if isinstance(date, str):
            try:
                date = read_date(date)
            except ValueError as error:
                raise CommandError(f"--date: {error}", returncode=2) from None
        files = self.find_files(paths or [settings.SEEDS_DIR])
        if not files:
            return

        now = timezone.localtime()
        results = {}
        # A dry run imports all files in one transaction that is rolled back, so that
        # it reports what a real run would do, later files seeing earlier ones.
        try:
            with transaction.atomic() if dry_run else nullcontext():
                for number, path in enumerate(files, start=1):
                    prefix = f"[{number}/{len(files)}] " if len(files) > 1 else ""
                    results[path.name] = self.run_file(path, prefix, date, now, dry_run)
                if dry_run:
                    transaction.set_rollback(True)
        except KeyboardInterrupt:
            done = (
                "nothing was written (dry run)"
                if dry_run
                else (
                    "those stay imported, the file in progress was rolled back; run "
                    "again to finish"
                )
            )
            raise CommandError(
                f"Interrupted after {len(results)} of {len(files)} files: {done}.",
                returncode=130,
            ) from None

        failed = [name for name, result in results.items() if result is None]
        done = [result for result in results.values() if result is not None]
        totals = {
            action: sum(result.count(action) for result in done) for action in ACTIONS
        }
        summary = (
            f"Total: {len(files)} file{'s' if len(files) != 1 else ''}, "
            f"{len(failed)} failed; {self.format_counts(totals, dry_run)}"
        )
        if done:
            days = sorted({min(r.day for r in done), max(r.day for r in done)})
            summary += "; date used: " + " to ".join(str(day) for day in days)
        self.log(1, summary + ".")
        if dry_run:
            self.log(1, "Dry run: nothing was written.")
        elif not failed and not totals["created"]:
            self.log(1, "Nothing new: everything in these files was imported before.")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(files)} seed files failed and were not "
                f"imported: {', '.join(failed)}"
            )

    def run_file(self, path, prefix, date, now, dry_run):
        """Import one file in its own transaction; return None if it failed."""
        try:
            seed = load_seed(path)
            day = date or seed.default_date(now)
            with transaction.atomic():
                result = SeedRecord.objects.import_seed(seed, day=day, now=now)
        except (SeedError, DatabaseError) as error:
            self.stderr.write(f"{prefix}{self.describe_error(path, error)}")
            self.stderr.write(f"{prefix}FAILED: nothing of {path.name} was imported.")
            return None
        counts = self.format_counts({a: result.count(a) for a in ACTIONS}, dry_run)
        if seed.article is None:
            counts += "; no article in this file"
        self.log(1, f"{prefix}{path.name} (date {day}): {counts}")
        self.report_lines(seed, result, now, dry_run)
        return result

    def find_files(self, paths):
        """Return the seed files named by paths, sorted by file name."""
        files = {}
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                try:
                    found = [
                        child
                        for child in path.iterdir()
                        if child.suffix == ".txt"
                        and not child.name.startswith(".")
                        # A link is listed so that it fails loudly (load_seed
                        # refuses links), rather than being followed or ignored.
                        and (child.is_symlink() or child.is_file())
                    ]
                except OSError as error:
                    raise CommandError(
                        f"cannot read the folder {path}: {error.strerror}", returncode=2
                    ) from None
                if not found:
                    self.log(1, self.style.WARNING(f"No seed files (*.txt) in {path}."))
            elif path.is_file() or path.is_symlink():
                found = [path]
            elif path.exists():
                raise CommandError(f"{path} is not a file or folder", returncode=2)
            else:
                raise CommandError(f"{path} does not exist", returncode=2)
            for file in found:
                if not file.name.isprintable() or not _is_utf8(file.name):
                    raise CommandError(
                        f"{file!r}: the file name must be printable UTF-8 text, as "
                        "the import log stores it",
                        returncode=2,
                    )
                # The file name is the import's identity, so two files may not share
                # one, wherever they are.
                other = files.setdefault(file.name, file)
                if other.resolve() != file.resolve():
                    raise CommandError(
                        f"{other} and {file} have the same name; seed file names must "
                        "be unique, as the import log identifies files by name",
                        returncode=2,
                    )
        return [files[name] for name in sorted(files)]

    def report_lines(self, seed, result, now, dry_run):
        # The same warning on many lines (a whole ticker written sloppily) is one.
        grouped = {}
        for warning in seed.warnings:
            grouped.setdefault(warning.message, []).append(warning.line)
        for message, lines in grouped.items():
            self.log(
                1,
                self.style.WARNING(
                    f"  warning: {seed.source}, {name_lines(lines)}: {message}"
                ),
            )
        if any(
            seed.ticker_moment(item, result.day, now.tzinfo) > now
            for item in seed.ticker
        ):
            self.log(
                1,
                self.style.WARNING(
                    f"  warning: {seed.source}: on {result.day} some times are still "
                    "in the future; those items appear from their time on"
                ),
            )
        if self.verbosity >= 2:
            outcomes = {outcome.line: outcome for outcome in result.outcomes}
            for line in seed.lines:
                self.report_line(line, outcomes.get(line.line), dry_run)
            return
        for outcome in result.outcomes:
            if outcome.action == "kept":
                kind = KINDS.get(outcome.kind, "")
                self.log(
                    1,
                    f"  {KEPT[outcome.detail]}: line {outcome.line}: {kind}"
                    f"{outcome.text!r}",
                )

    def report_line(self, line, outcome, dry_run):
        """Say what line was taken for and what the import did with it (-v 2)."""
        role = line.role
        if role == "ticker":
            role = f"ticker {line.detail}"
        elif role == "title":
            role = "title of the article"
        elif role == "skipped":
            role = f"skipped ({line.detail})"
        text = line.text
        if line.role in ("lead", "body") and len(text) > SHOWN:
            text = text[: SHOWN - 1] + "…"
        action = ""
        if outcome is not None and line.role != "skipped":
            action = self.describe_outcome(outcome, dry_run)
        message = f"  line {line.line}: {role}{action}: {text!r}"
        if outcome is not None and outcome.action == "created":
            message = self.style.SUCCESS(message)
        self.stdout.write(message)

    def describe_outcome(self, outcome, dry_run):
        if outcome.action == "created":
            return ", would create" if dry_run else ", created"
        if outcome.action == "unchanged":
            return ", unchanged (imported before)"
        if outcome.action == "kept":
            return f", {KEPT[outcome.detail]}"
        if outcome.detail == "boilerplate":
            return ", skipped"
        return f", skipped ({outcome.detail})"

    def describe_error(self, path, error):
        if isinstance(error, SeedError):
            return str(error)
        hint = ""
        if "no such table" in str(error) or "does not exist" in str(error):
            hint = " (has `manage.py migrate` been run?)"
        return f"{path.name}: database error: {error}".strip() + hint

    def format_counts(self, counts, dry_run):
        created = "would create" if dry_run else "created"
        return (
            f"{created} {counts['created']}, unchanged {counts['unchanged']}, "
            f"kept {counts['kept']}, skipped {counts['skipped']}"
        )

    def log(self, level, message):
        if self.verbosity >= level:
            self.stdout.write(message)
