"""Fill the site with realistic Dutch demo content, quickly, for development and for
the benchmark.

    manage.py seed_demo                               # 1,000 articles, 200 ticker items
    manage.py seed_demo --articles 100000 --ticker 5000 --seed 3
    manage.py seed_demo --flush-demo                  # remove the demo content
    manage.py seed_demo --flush-demo --articles 5000  # replace it
    manage.py seed_demo --images 0                    # articles without pictures

Pictures: --images (default 30) scenes drawn with Pillow (demo/pictures.py),
stored once through the image library with alt text, caption, credit and renditions,
and reused by later runs; most articles get one of them as their lead image.

Articles (with sections, authors and bylines, tags) and ticker items are written with
bulk inserts in batches: no save() per row and no signals, so the ticker cache and the
page cache are invalidated explicitly at the end. Everything happens in one
transaction: an interrupted run writes nothing.

Each article's related list (Article.related_ids) is ranked in Python as the articles
are generated, among the articles of this run: after a second run, or with real
articles next to the demo ones, `manage.py refresh_article_cache --all` ranks across
all.

The loading is in demo/loader.py, the bulk writing in demo/bulk.py, finding and
removing demo rows in demo/flush.py, the texts in demo/text.py.

Demo rows are marked so that --flush-demo finds them and nothing else: articles,
ticker items and pictures are created by the inactive user "demo-data"; demo authors,
sections and tags have slugs that start with "demo-". Sections and tags that already
exist with the same name are reused (and kept by --flush-demo).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleBylinesTags,
    Author,
    Section,
)
from demo import liveblogs
from demo.bulk import compress_quickly, vacuum
from demo.flush import flush_demo, invalidate_caches
from demo.loader import DemoLoader
from ticker.models import TickerItem

DEFAULT_ARTICLES = 1000
DEFAULT_TICKER = 200
DEFAULT_IMAGES = 30
MAX_IMAGES = 200
MAX_ARTICLES = 1_000_000
MAX_TICKER = 100_000


class Command(BaseCommand):
    help = (
        "Create realistic Dutch demo articles (sections, authors, tags) and ticker "
        "items in bulk, or remove them again with --flush-demo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            metavar="N",
            help=f"How many articles to create (default {DEFAULT_ARTICLES}; "
            "0 with --flush-demo only removes).",
        )
        parser.add_argument(
            "--ticker",
            type=int,
            metavar="M",
            help=f"How many ticker items to create (default {DEFAULT_TICKER}).",
        )
        parser.add_argument(
            "--images",
            type=int,
            default=DEFAULT_IMAGES,
            metavar="P",
            help=f"How many demo pictures the articles share (default "
            f"{DEFAULT_IMAGES}; drawn once, reused by later runs; 0: none).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            metavar="S",
            help="Random seed: the same seed gives the same texts (default 1).",
        )
        parser.add_argument(
            "--flush-demo",
            action="store_true",
            help="Remove existing demo content first. Without --articles/--ticker, "
            "only remove it.",
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        flush = options["flush_demo"]
        only_flush = flush and options["articles"] is None and options["ticker"] is None
        articles = options["articles"]
        ticker = options["ticker"]
        if articles is None:
            articles = 0 if only_flush else DEFAULT_ARTICLES
        if ticker is None:
            ticker = 0 if only_flush else DEFAULT_TICKER
        if not 0 <= articles <= MAX_ARTICLES:
            raise CommandError(
                f"--articles must be between 0 and {MAX_ARTICLES:,}, not {articles}."
            )
        if not 0 <= ticker <= MAX_TICKER:
            raise CommandError(
                f"--ticker must be between 0 and {MAX_TICKER:,}, not {ticker}."
            )
        if not 0 <= options["images"] <= MAX_IMAGES:
            raise CommandError(
                f"--images must be between 0 and {MAX_IMAGES}, not {options['images']}."
            )
        if not (flush or articles or ticker):
            raise CommandError("Nothing to do: --articles and --ticker are both 0.")

        started = time.monotonic()
        try:
            with transaction.atomic():
                removed = flush_demo() if flush else None
                loader = DemoLoader(
                    seed=options["seed"], progress=self.progress_for(articles + ticker)
                )
                loaded = None
                if articles or ticker:
                    compress_quickly()
                    loaded = loader.load(articles, ticker, images=options["images"])
                    if articles:  # and a few live blogs with their updates
                        liveblogs.create(loader.user, seed=options["seed"])
        except KeyboardInterrupt:
            raise CommandError("Interrupted: nothing was written.") from None
        except DatabaseError as error:
            raise CommandError(
                f"The database refused the demo data ({error}). Did `manage.py "
                "migrate` run?"
            ) from None
        # Bulk inserts send no signals: tell the caches ourselves.
        invalidate_caches()

        if removed is not None:
            self.stdout.write(
                "Removed demo content: {articles:,} articles, {ticker:,} ticker items, "
                "{authors:,} authors, {sections:,} sections, {tags:,} tags.".format(
                    **removed
                )
            )
            if removed["images"] or removed["kept_images"]:
                self.stdout.write(
                    f"Removed {removed['images']} demo pictures"
                    + (
                        f"; kept {removed['kept_images']} that other articles use."
                        if removed["kept_images"]
                        else "."
                    )
                )
            if removed["kept_authors"]:
                self.stdout.write(
                    self.style.WARNING(
                        f"Kept {removed['kept_authors']} demo author(s) that other "
                        "articles still name in their byline."
                    )
                )
        if loaded is not None:
            self.report(loaded, time.monotonic() - started)
            self.vacuum()

    def vacuum(self):
        try:
            vacuum(
                Article,
                ArticleAuthor,
                ArticleBylinesTags,
                Author,
                Section,
                Tag,
                TaggedItem,
                TickerItem,
            )
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted while vacuuming: the demo data is loaded; autovacuum, "
                "or VACUUM ANALYZE, finishes the statistics."
            ) from None

    def report(self, loaded, seconds):
        statuses = ", ".join(
            f"{count:,} {label}" for label, count in loaded.statuses.items() if count
        )
        rate = loaded.articles / loaded.article_seconds if loaded.articles else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {loaded.articles:,} demo articles ({statuses}) in "
                f"{loaded.sections} sections by {loaded.authors} authors with "
                f"{loaded.tags} tags ({loaded.bylines:,} bylines, "
                f"{loaded.tagged:,} tag links), {loaded.pictured:,} with one of "
                f"{loaded.images} pictures ({loaded.new_images} drawn now), and "
                f"{loaded.ticker:,} ticker items, in {seconds:.1f} s."
            )
        )
        if loaded.articles:
            self.stdout.write(f"Rate: {rate:,.0f} articles/s.")

    def progress_for(self, total):
        if self.verbosity < 1 or total == 0:
            return None
        return Progress(self.stderr, total)


class Progress:
    """A plain-text progress bar on stderr; a line per tenth when not a terminal."""

    WIDTH = 30

    def __init__(self, stream, total):
        self.stream = stream
        self.total = total
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.shown = -1
        self.last = 0.0

    def update(self, done, label):
        now = time.monotonic()
        fraction = done / self.total
        if self.tty:
            if now - self.last < 0.1 and done < self.total:
                return
        elif int(fraction * 10) == self.shown:
            return
        self.last, self.shown = now, int(fraction * 10)
        filled = round(fraction * self.WIDTH)
        rate = done / max(now - self.started, 1e-6)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        text = (
            f"[{bar}] {fraction:4.0%} {done:,}/{self.total:,} {label} ({rate:,.0f}/s)"
        )
        if self.tty:
            self.stream.write(f"\r{text}\033[K", ending="")
            if done >= self.total:
                self.stream.write("")
        else:
            self.stream.write(text)
        self.stream.flush()
