"""Import seed text files as ticker items and a published article.

Each file holds ticker lines, newest first, then one article:

  - 17:07Headline glued to its time     a ticker item (a space after the time is fine)
  Article title                         the first other line
  Lead                                  the second
  Paragraph ...                         every further line: a body paragraph

Blank lines and page boilerplate ("Volg ons op Facebook", the list in
newsroom/seeds.py) are skipped. Files are UTF-8 (a BOM is fine) with LF, CRLF or CR line
ends. Folders are read for their *.txt files (not recursively); all files are imported
in name order, each in its own transaction.

Dates: the files carry times, not dates. Times are read in the site time zone
(TIME_ZONE) on --date; by default on the latest date on which every time in the file
has passed, so nothing lands in the future. The article is published at the newest
ticker time of its file (the page showed it then at the latest), in the section named
by NEWSROOM_DEFAULT_SECTION; ticker items are visible at once.

Fatal for the file (nothing of it is imported, the other files still are, exit 1):
an empty, unreadable or binary file (NUL bytes, UTF-16), bytes that are not UTF-8 (the
byte offset is named), a file over 5 MB, a line over 10,000 characters, a ticker time
that does not exist (25:61) or a "- " ticker line without a time, no article title, a
title without lead or text, and any value the admin would reject too (a headline over
160 characters, a title over 200, a lead over 600).

Warnings (the file is imported): control characters and U+2028/U+2029 are replaced by a
space; stray BOMs and bidi override/isolate characters are removed; a ticker line
without a headline or with a headline seen earlier in the file is skipped; a time later
than the line above is read as the day before (the list crossed midnight).

Re-running is safe. The import log (admin: "Geïmporteerde items") remembers each
imported line by file name plus original headline or title: a second run creates and
changes nothing, an edited record is kept as the editors left it ("kept, edited since
import"), a deleted one is not brought back. Lines already imported from another file,
or already on the site, are skipped. Delete a log entry to import its line again.

Output: a line per file (created / unchanged / kept / skipped) and a total with the
date used; -v 2 lists every line, -v 0 only errors. --dry-run runs the whole import in
a transaction that is rolled back. Exit status: 0 when every file imported, 1 when a
file failed, 2 for bad arguments.
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

from newsroom.models import SeedRecord
from newsroom.seeds import SeedError, load_seed, read_date

KINDS = {SeedRecord.Kind.TICKER: "ticker item ", SeedRecord.Kind.ARTICLE: "article "}
ACTIONS = ["created", "unchanged", "kept", "skipped"]
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
        self.log(
            1,
            f"{prefix}{path.name} (date {day}): "
            + self.format_counts({a: result.count(a) for a in ACTIONS}, dry_run),
        )
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
                        and child.is_file()
                    ]
                except OSError as error:
                    raise CommandError(
                        f"cannot read the folder {path}: {error.strerror}", returncode=2
                    ) from None
                if not found:
                    self.log(1, self.style.WARNING(f"No seed files (*.txt) in {path}."))
            elif path.is_file():
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
        for warning in seed.warnings:
            self.log(1, self.style.WARNING(f"  warning: {seed.source}, {warning}"))
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
        for outcome in result.outcomes:
            kind = KINDS.get(outcome.kind, "")
            what = f"line {outcome.line}: {kind}{outcome.text!r}"
            if outcome.action == "kept":
                self.log(1, f"  {KEPT[outcome.detail]}: {what}")
            elif outcome.action == "created":
                verb = "would create" if dry_run else "created"
                self.log(2, self.style.SUCCESS(f"  {verb}: {what}"))
            elif outcome.action == "unchanged":
                self.log(2, f"  unchanged: {what}")
            else:
                self.log(2, f"  skipped ({outcome.detail}): {what}")

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
