"""Fill the site with realistic Dutch demo content, quickly, for development and for
the benchmark.

    manage.py seed_demo                               # 1,000 articles, 200 ticker items
    manage.py seed_demo --articles 100000 --ticker 5000 --seed 3
    manage.py seed_demo --flush-demo                  # remove the demo content
    manage.py seed_demo --flush-demo --articles 5000  # replace it
    manage.py seed_demo --images 0                    # articles without pictures

Pictures: --images (default 30) scenes drawn with Pillow (articles/demo_images.py),
stored once through the image library with alt text, caption, credit and renditions,
and reused by later runs; most articles get one of them as their lead image.

Articles (with sections, authors and bylines, tags) and ticker items are written with
bulk inserts in batches: no save() per row and no signals, so the ticker cache and the
page cache are invalidated explicitly at the end. Everything happens in one
transaction: an interrupted run writes nothing.

Each article's related list (Article.related_ids) is ranked in Python as the articles
are generated, among the articles of this run: after a second run, or with real
articles next to the demo ones, `manage.py refresh_related --all` ranks across all.

Demo rows are marked so that --flush-demo finds them and nothing else: articles,
ticker items and pictures are created by the inactive user "demo-data"; demo authors,
sections and tags have slugs that start with "demo-". Sections and tags that already
exist with the same name are reused (and kept by --flush-demo).
"""

import bisect
import contextlib
import importlib.util
import itertools
import random
import re
import time
from collections import deque
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import demo, related
from articles.demo_images import ensure_demo_images, remove_demo_images
from articles.models import Article, ArticleAuthor, ArticleCredits, Author, Section
from liveblog import demo as liveblog_demo
from ticker import live as ticker_live
from ticker.models import TickerItem

DEMO_USERNAME = "demo-data"
DEMO_PREFIX = "demo-"
DEFAULT_ARTICLES = 1000
DEFAULT_TICKER = 200
DEFAULT_IMAGES = 30
MAX_IMAGES = 200
# The share of articles with a lead image; the rest show how pages look without.
PICTURE_SHARE = 0.85
MAX_ARTICLES = 1_000_000
MAX_TICKER = 100_000
AUTHORS = 40
BATCH = 1000
# On PostgreSQL the articles stream in through one COPY while the bylines and tag
# links of this many wait in memory (about 20 MB of them at 50,000).
HOLD = 50_000
# About 58 articles a day, a busy newsroom: 100,000 articles reach back almost five
# years, 1,000 about two and a half weeks.
ARTICLE_GAP_MINUTES = 25
TICKER_GAP_MINUTES = 15


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
                        liveblog_demo.create(loader.user, seed=options["seed"])
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
                ArticleCredits,
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


class Loaded:
    def __init__(self):
        self.articles = self.ticker = self.bylines = self.tagged = 0
        self.sections = self.authors = self.tags = 0
        self.images = self.new_images = self.pictured = 0
        self.article_seconds = 0.0
        self.statuses = {
            "published": 0,
            "scheduled": 0,
            "expired": 0,
            "draft": 0,
            "in review": 0,
            "killed": 0,
        }


class DemoLoader:
    """Write demo content with bulk inserts; call inside a transaction."""

    def __init__(self, *, seed, progress=None):
        self.seed = seed
        self.rng = random.Random(seed)
        # Its own sequence: pictures leave the texts and statuses of a seed alone.
        self.picture_rng = random.Random(f"pictures-{seed}")
        self.image_ids = []
        self.writer = demo.DemoWriter(seed)
        self.progress = progress
        self.now = timezone.now()
        self.done = 0
        self.loaded = Loaded()

    def load(self, articles, ticker, *, images=0):
        self.user = demo_user(create=True)
        self.sections = self.ensure_sections()
        self.authors = self.ensure_authors()
        self.tags = self.ensure_tags()
        if articles and images:
            self.image_ids, made = ensure_demo_images(self.user, images, self.seed)
            self.loaded.images, self.loaded.new_images = len(self.image_ids), made
        self.loaded.sections = len(self.sections)
        self.loaded.authors = len(self.authors)
        self.loaded.tags = len(self.tags)
        started = time.monotonic()
        public = self.create_articles(articles)
        self.loaded.article_seconds = time.monotonic() - started
        self.create_ticker(ticker, public)
        return self.loaded

    def step(self, count, label):
        self.done += count
        if self.progress is not None:
            self.progress.update(self.done, label)

    # Vocabulary: reused when it exists, created with a demo- slug when not.

    def ensure_sections(self):
        existing = {section.name.lower(): section for section in Section.objects.all()}
        order = (Section.objects.aggregate(top=Max("order"))["top"] or 0) + 1
        sections = []
        for n, (name, description) in enumerate(demo.SECTIONS):
            section = existing.get(name.lower())
            if section is None:
                section = Section.objects.create(
                    name=name,
                    slug=free_slug(Section, DEMO_PREFIX + slugify(name)),
                    description=description,
                    order=order + n,
                )
            sections.append(section)
        return sections

    def ensure_authors(self):
        authors = list(Author.objects.filter(slug__startswith=DEMO_PREFIX))
        if authors:
            return authors
        # No demo- slug is taken yet, and the names are distinct.
        return Author.objects.bulk_create(
            Author(
                name=name,
                slug=DEMO_PREFIX + slugify(name),
                bio=demo.BIOS[n % len(demo.BIOS)],
            )
            for n, name in enumerate(demo.author_names(AUTHORS))
        )

    def ensure_tags(self):
        existing = {tag.name.lower(): tag for tag in Tag.objects.all()}
        slugs = {tag.slug for tag in existing.values()}
        tags, new = [], []
        for name in demo.tag_names():
            tag = existing.get(name.lower())
            if tag is None:
                slug = base = DEMO_PREFIX + slugify(name)
                for n in itertools.count(2):
                    if slug not in slugs:
                        break
                    slug = f"{base}-{n}"
                slugs.add(slug)
                tag = Tag(name=name, slug=slug)
                existing[name.lower()] = tag
                new.append(tag)
            tags.append(tag)
        Tag.objects.bulk_create(new)
        return tags

    # Articles

    def create_articles(self, count):
        """Create count articles, oldest first, with their related articles; return
        (published_at, pk) of the public ones, oldest first."""
        rng = self.rng
        # A few popular tags and a long tail, as on a real site.
        tag_weights = list(
            itertools.accumulate(
                1 / (rank + 1) ** 0.9 for rank in range(len(self.tags))
            )
        )
        serial = Article.objects.filter(created_by=self.user).count()
        self.taken_slugs = clashing_slugs(serial + 1, serial + count)
        self.content_type = ContentType.objects.get_for_model(Article)
        self.credit = {author.pk: [author.name, author.slug] for author in self.authors}
        self.tag_credit = {tag.pk: [tag.name, tag.slug] for tag in self.tags}
        self.credits_field = ArticleCredits._meta.get_field("bylines")
        # The times are drawn from now backwards, then written oldest first: ids
        # grow with publication time, as in a real archive.
        moment = self.now - timedelta(minutes=rng.uniform(1, 10))
        moments = []
        for _ in range(count):
            moment -= timedelta(minutes=rng.expovariate(1 / ARTICLE_GAP_MINUTES))
            moments.append(moment)
        moments.reverse()
        ids = iter(reserve_ids(Article, count))
        # An article's related list needs the related.WINDOW candidates published
        # after it, so it waits for those. Drafts and scheduled articles are ranked
        # around now, at the end; scheduled ones are no candidates here (the site's
        # own ranking takes them in, and shows them once they are due).
        window = demo.RelatedWindow(window=related.WINDOW, keep=related.RELATED_STORED)
        waiting, ready, later = deque(), [], []
        self.public = []
        # No query from here to the end of the block (BulkWriter).
        with BulkWriter(Article, hold=HOLD) as self.out:
            for moment in moments:
                serial += 1
                article = self.article(serial, moment)
                article.pk = next(ids)
                tags = [self.tags[i].pk for i in self.tag_indexes(tag_weights)]
                entry = (article, tags)
                if article.published_at is None or article.published_at > self.now:
                    later.append(entry)
                    continue
                own = None
                if article.status == Article.Status.PUBLISHED and not (
                    article.expires_at and article.expires_at <= self.now
                ):
                    own = window.add(article.pk, article.section_id, tags)
                waiting.append((entry, len(window), own))
                while waiting and window.complete(waiting[0][1]):
                    self.rank(window, *waiting.popleft(), ready)
                if len(ready) >= BATCH:
                    self.write_articles(ready)
                    ready = []
            for queued in waiting:
                self.rank(window, *queued, ready)
            for entry in later:
                self.rank(window, entry, len(window), None, ready)
            for start in range(0, len(ready), BATCH):
                self.write_articles(ready[start : start + BATCH])
        self.public.sort()
        return self.public

    def rank(self, window, entry, position, own, ready):
        article, tags = entry
        article.related_ids = window.rank(position, article.section_id, tags, own=own)
        ready.append(entry)

    def write_articles(self, entries):
        content_type = self.content_type.pk
        batch = [article for article, _tags in entries]
        self.unique_slugs(batch)
        self.out.write_objects(batch)
        bylines, tagged, credits = [], [], []
        for article, tags in entries:
            own = self.bylines(article)
            bylines.extend(own)
            tagged.extend((content_type, article.pk, tag) for tag in tags)
            credits.append(self.credits(article, own, tags))
            if article.is_published():
                self.public.append((article.published_at, article.pk))
        self.out.write_rows(
            ArticleAuthor, ["article", "author", "role", "order"], bylines
        )
        self.out.write_rows(TaggedItem, ["content_type", "object_id", "tag"], tagged)
        self.out.write_rows(ArticleCredits, ["article", "bylines", "tags"], credits)
        self.loaded.articles += len(batch)
        self.loaded.bylines += len(bylines)
        self.loaded.tagged += len(tagged)
        self.step(len(batch), "articles")

    def credits(self, article, bylines, tags):
        """Return the row articles/credits.py would store for article: bylines in
        order, tags alphabetically (ignoring case)."""
        stored_bylines = [
            [author, *self.credit[author], role] for _, author, role, _ in bylines
        ]
        stored_tags = sorted(
            ([tag, *self.tag_credit[tag]] for tag in tags),
            key=lambda tag: (tag[1].lower(), tag[0]),
        )
        connection = self.out.connection
        return (
            article.pk,
            self.credits_field.get_db_prep_save(stored_bylines, connection),
            self.credits_field.get_db_prep_save(stored_tags, connection),
        )

    def article(self, serial, moment):
        rng = self.rng
        text = self.writer.article()
        article = Article(
            title=text.title,
            slug=f"{slugify(text.title)[:180].strip('-')}-{serial}",
            kicker=text.kicker,
            lead=text.lead,
            body=text.body,
            section=rng.choice(self.sections),
            status=Article.Status.PUBLISHED,
            published_at=moment,
            created_by=self.user,
        )
        if self.image_ids and self.picture_rng.random() < PICTURE_SHARE:
            article.lead_image_id = self.picture_rng.choice(self.image_ids)
            self.loaded.pictured += 1
        roll = rng.random()
        statuses = self.loaded.statuses
        if roll < 0.005:
            # Embargoed: due within the next three days.
            article.published_at = self.now + timedelta(minutes=rng.uniform(10, 4320))
            statuses["scheduled"] += 1
        elif roll < 0.025:
            article.status, article.published_at = Article.Status.DRAFT, None
            statuses["draft"] += 1
        elif roll < 0.035:
            article.status, article.published_at = Article.Status.REVIEW, None
            statuses["in review"] += 1
        elif roll < 0.04:
            article.status = Article.Status.KILLED
            article.killed_at = min(
                moment + timedelta(hours=rng.uniform(1, 48)), self.now
            )
            article.kill_reason = (
                "Dit artikel is ingetrokken: het bevatte onjuiste informatie."
            )
            statuses["killed"] += 1
        elif roll < 0.05 and moment + timedelta(days=30) < self.now:
            article.expires_at = moment + timedelta(days=30)
            statuses["expired"] += 1
        else:
            statuses["published"] += 1
            article.featured = rng.random() < 0.03
            if rng.random() < 0.05:
                article.public_updated_at = min(
                    moment + timedelta(hours=rng.uniform(1, 12)), self.now
                )
                article.update_note = "Aangevuld met reacties en nieuwe cijfers."
        return article

    def unique_slugs(self, batch):
        """Give the rare article whose slug is already taken a suffix.

        Without a query: a slug ends in its article's serial, so only an existing
        slug that clashing_slugs() read can take it, or one this method suffixed
        in an earlier batch, which joins them.
        """
        taken = {article.slug for article in batch if article.slug in self.taken_slugs}
        if not taken:
            return
        for article in batch:
            slug = article.slug
            while article.slug in taken:
                article.slug = f"{article.slug[:190]}-{self.rng.randrange(10**6)}"
            taken.add(article.slug)
            if article.slug != slug:
                self.taken_slugs.add(article.slug)

    def bylines(self, article):
        rng = self.rng
        roll = rng.random()
        count = 1 if roll < 0.7 else 2 if roll < 0.92 else 3
        roles = ["tekst", rng.choice(["tekst", "foto", "foto", "video"]), "redactie"]
        return [
            (article.pk, author.pk, role, order)
            for order, (author, role) in enumerate(
                zip(rng.sample(self.authors, count), roles, strict=False)
            )
        ]

    def tag_indexes(self, weights):
        # Two to six different tags: a popular one drawn twice is drawn again.
        wanted = self.rng.randint(2, 6)
        picks = set()
        while len(picks) < wanted:
            picks.update(
                self.rng.choices(
                    range(len(self.tags)), cum_weights=weights, k=wanted - len(picks)
                )
            )
        return sorted(picks)

    # Ticker

    def create_ticker(self, count, public):
        rng = self.rng
        times = [moment for moment, _pk in public]
        moment = self.now - timedelta(minutes=rng.uniform(0.5, 3))
        for start in range(0, count, BATCH):
            batch = []
            for n in range(start, min(start + BATCH, count)):
                moment -= timedelta(minutes=rng.expovariate(1 / TICKER_GAP_MINUTES))
                item = TickerItem(
                    headline=self.writer.ticker_line(),
                    published_at=moment,
                    created_by=self.user,
                    is_breaking=rng.random() < 0.02,
                    is_visible=rng.random() >= 0.01,
                )
                if n % 97 == 5:
                    # Now and then one planned for later today.
                    item.published_at = self.now + timedelta(
                        minutes=rng.uniform(5, 600)
                    )
                if rng.random() < 0.25:
                    item.expires_at = item.published_at + timedelta(hours=6)
                # Four in ten link to the newest public article of that moment.
                if times and rng.random() < 0.4:
                    index = bisect.bisect_right(times, item.published_at) - 1
                    if index >= 0:
                        item.article_id = public[index][1]
                batch.append(item)
            TickerItem.objects.bulk_create(batch)
            self.loaded.ticker += len(batch)
            self.step(len(batch), "items")


def vacuum(*models):
    """Vacuum and analyze the tables just filled, once the load is committed
    (PostgreSQL).

    ANALYZE gives the planner the new rows' statistics; VACUUM marks their pages
    all-visible, without which an index-only scan must visit the table for every
    row and PostgreSQL prefers reading the whole table for a count (the sitemap
    index: 150 ms instead of 7 at 100,000 articles). Autovacuum does both a minute
    or so later, where it is on. Inside a transaction (a test) only ANALYZE can run.
    (SQLite keeps no statistics unless asked, and the site's queries do not rely
    on them.)
    """
    connection = connections[router.db_for_write(Article)]
    if connection.vendor != "postgresql":
        return
    in_transaction = connection.in_atomic_block or not connection.get_autocommit()
    command = "ANALYZE" if in_transaction else "VACUUM (ANALYZE)"
    for model in models:
        table = connection.ops.quote_name(model._meta.db_table)
        try:
            # A savepoint in a transaction; without the rights to vacuum a table,
            # the load stays as it is.
            with contextlib.ExitStack() as stack:
                if in_transaction:
                    stack.enter_context(transaction.atomic())
                cursor = stack.enter_context(connection.cursor())
                cursor.execute(f"{command} {table}")
        except DatabaseError:
            pass


def compress_quickly():
    """Have PostgreSQL compress this transaction's long values with lz4, not pglz.

    An article's body and its search document (a generated column) are compressed
    as they are stored; pglz took about a twelfth of the server's time for a load.
    The values read back the same, and a later save compresses by the server's own
    setting again. Skipped where PostgreSQL was built without lz4.
    """
    connection = connections[router.db_for_write(Article)]
    if connection.vendor != "postgresql":
        return
    try:
        # A savepoint, as in vacuum(); a released one keeps the setting.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL default_toast_compression = lz4")
    except DatabaseError:
        pass


def reserve_ids(model, count):
    """Return count unused primary keys for model, in ascending order.

    Ids known before the rows are written, so that an article's related list can
    name articles written after it. Never an id a deleted row had: on SQLite the
    table's AUTOINCREMENT counter is read too, on PostgreSQL its sequence hands them
    out.
    """
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        top = model._meta.default_manager.aggregate(top=Max("pk"))["top"] or 0
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table]
            )
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
    return range(top + 1, top + 1 + count)


def clashing_slugs(first, last):
    """Return the existing article slugs that end in -N for an N from first to last.

    A demo slug is its title's and its serial (title-N), so only these can be taken
    already: read once, before the articles stream in (BulkWriter).
    """
    if first > last:
        return set()
    digits = rf"-[0-9]{{{len(str(first))},{len(str(last))}}}$"
    slugs = Article._meta.default_manager.filter(slug__regex=digits).values_list(
        "slug", flat=True
    )
    return {
        slug
        for slug in slugs.iterator(chunk_size=10_000)
        if first <= int(slug.rpartition("-")[2]) <= last
    }


class BulkWriter:
    """Insert many model instances, and plain rows for a few link tables, within
    the caller's transaction; use as a context manager, which writes what is left.

    Elsewhere than on PostgreSQL everything goes in at once, as multi-row INSERTs.
    On PostgreSQL the instances stream in through one COPY that stays open from one
    write_objects() to the next: the server stores a batch (its search document
    and index entries, most of a load's time) while Python composes the next one
    on the other core, instead of each waiting for the other batch by batch. One
    connection runs one COPY at a time, so the link rows wait in memory until
    every `hold` instances and the end. No query can run while the COPY is open:
    psycopg would wait for its connection forever, so a guard raises instead.
    """

    def __init__(self, model, *, hold=HOLD):
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        self.stream = self.connection.vendor == "postgresql"
        self.hold = hold
        self.held = {}
        self.streamed = 0
        self.copy = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if exc_info[0] is None:
            self.flush()
        elif self.copy is not None:
            # Ends the COPY with the error, so that the transaction rolls back.
            self.copy, stack = None, self.copy_stack
            stack.__exit__(*exc_info)

    def write_objects(self, objs):
        """Insert unsaved instances, their primary keys set first (reserve_ids())."""
        fields, rows = object_rows(self.connection, self.model, objs)
        if self.stream:
            if self.copy is None:
                self.open_copy(fields)
            write_row = self.copy.write_row
            for row in rows:
                write_row(row)
            self.streamed += len(rows)
        else:
            _insert(self.connection, self.model, fields, rows)
        if self.streamed >= self.hold:
            self.flush()

    def write_rows(self, model, field_names, rows):
        """Insert plain value tuples into model's table (insert_rows())."""
        if self.stream:
            self.held.setdefault((model, tuple(field_names)), []).extend(rows)
        else:
            insert_rows(model, field_names, rows)

    def flush(self):
        if self.copy is not None:
            self.copy, stack = None, self.copy_stack
            stack.close()
        for (model, field_names), rows in self.held.items():
            insert_rows(model, field_names, rows)
        self.held.clear()
        self.streamed = 0

    def open_copy(self, fields):
        from psycopg.copy import QueuedLibpqWriter

        connection = self.connection
        with contextlib.ExitStack() as stack:
            cursor = stack.enter_context(connection.cursor()).cursor
            stack.enter_context(connection.wrap_database_errors)
            stack.enter_context(connection.execute_wrapper(no_queries))
            # The writer sends the rows from a thread of its own, so that composing
            # goes on while the server is slower to take them.
            self.copy = stack.enter_context(
                copy_in(
                    connection,
                    cursor,
                    self.model,
                    fields,
                    writer=QueuedLibpqWriter(cursor),
                )
            )
            self.copy_stack = stack.pop_all()


def no_queries(execute, sql, params, many, context):
    raise RuntimeError(f"No query while rows stream in through COPY: {sql}")


def object_rows(connection, model, objs):
    """Return model's concrete fields and the values of objs for them, as saving
    them would store them.

    Without bulk_create()'s SQL compiler, which took a sixth of a load preparing
    every value of every row.
    """
    fields = model._meta.concrete_fields
    rows = [
        [
            field.get_db_prep_save(field.pre_save(obj, True), connection)
            for field in fields
        ]
        for obj in objs
    ]
    return fields, rows


def insert_rows(model, field_names, rows):
    """Insert plain value tuples into model's table.

    For the link tables (bylines, tags): several rows per article, where building a
    model instance per row costs more than the insert itself. The values are ids and
    short strings that need no conversion.
    """
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    _insert(connection, model, fields, rows)


def _insert(connection, model, fields, rows):
    # COPY on PostgreSQL, elsewhere multi-row INSERTs (one statement per row is what
    # makes a database slow here).
    if connection.vendor == "postgresql":
        _copy(connection, model, fields, rows)
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) ".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
    )
    size = max(1, min(connection.ops.bulk_batch_size(fields, rows), 1000))
    placeholder = ["%s"] * len(fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            values = connection.ops.bulk_insert_sql(fields, [placeholder] * len(chunk))
            cursor.execute(sql + values, [value for row in chunk for value in row])


def _copy(connection, model, fields, rows):
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with copy_in(connection, cursor.cursor, model, fields) as copy:
            for row in rows:
                copy.write_row(row)


@contextlib.contextmanager
def copy_in(connection, cursor, model, fields, **options):
    """COPY into fields of model's table, with psycopg's cursor; binary when psycopg
    knows each column's type, so that the server parses no text (a twentieth of
    its time for an article)."""
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
    )
    types = [
        cursor.adapters.types.get(re.sub(r"\(.*\)", "", db_type))
        if (db_type := field.db_type(connection)) and "[" not in db_type
        else None
        for field in fields
    ]
    if all(types):
        sql += " (FORMAT BINARY)"
    with cursor.copy(sql, **options) as copy:
        if all(types):
            copy.set_types([info.oid for info in types])
        yield copy


def demo_user(*, create=False):
    """Return the inactive user who "created" the demo articles and ticker items."""
    User = get_user_model()
    user = User.objects.filter(**{User.USERNAME_FIELD: DEMO_USERNAME}).first()
    if user is None and create:
        user = User(**{User.USERNAME_FIELD: DEMO_USERNAME}, is_active=False)
        user.set_unusable_password()
        user.save()
    return user


def free_slug(model, slug):
    base, n = slug, 2
    while model._meta.default_manager.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def flush_demo():
    """Delete the demo content; return how many rows of each kind went."""
    removed = dict.fromkeys(
        (
            "articles",
            "ticker",
            "authors",
            "sections",
            "tags",
            "kept_authors",
            "images",
            "kept_images",
        ),
        0,
    )
    user = demo_user()
    if user is not None:
        articles = Article.objects.filter(created_by=user)
        removed["articles"] = articles.count()
        removed["ticker"] = delete_quietly(TickerItem.objects.filter(created_by=user))
        # Tags hang on a generic relation, which deleting an article leaves behind.
        delete_quietly(
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                object_id__in=articles.values("pk"),
            )
        )
        delete_quietly(articles)
        removed["images"], removed["kept_images"] = remove_demo_images(user)
        user.delete()
    demo_authors = Author.objects.filter(slug__startswith=DEMO_PREFIX)
    removed["kept_authors"] = demo_authors.filter(bylines__isnull=False).count()
    removed["authors"] = demo_authors.filter(bylines__isnull=True).delete()[0]
    removed["sections"] = (
        Section.objects.filter(slug__startswith=DEMO_PREFIX, articles__isnull=True)
        .distinct()
        .delete()[0]
    )
    removed["tags"] = Tag.objects.filter(
        slug__startswith=DEMO_PREFIX, taggit_taggeditem_items=None
    ).delete()[0]
    return removed


def delete_quietly(queryset):
    """Delete the rows of queryset, and what depends on them, without loading them.

    QuerySet.delete() loads every row and sends a signal for each (every one of
    them invalidating the caches): minutes for 100,000 articles. Here each table
    gets one DELETE or UPDATE, following on_delete like Django's collector does, and
    the caches are invalidated once at the end, as after the bulk inserts. Return
    how many rows of queryset went.
    """
    model = queryset.model
    keys = queryset.values("pk")
    for relation in model._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one):
            continue
        field = relation.field
        dependent = relation.related_model._meta.base_manager.filter(
            **{f"{field.name}__in": keys}
        )
        if relation.on_delete is models.CASCADE:
            delete_quietly(dependent)
        elif relation.on_delete is models.SET_NULL:
            dependent.update(**{field.name: None})
        elif relation.on_delete is not models.DO_NOTHING and dependent.exists():
            raise CommandError(
                f"Cannot remove the demo {model._meta.verbose_name_plural}: "
                f"{relation.related_model._meta.verbose_name_plural} still use them."
            )
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql, params = keys.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({sql})", params)
        return cursor.rowcount


def invalidate_caches():
    """Drop the cached ticker and, when the page cache exists, the cached pages."""
    ticker_live.invalidate()
    if importlib.util.find_spec("newsroom.pagecache") is not None:
        from newsroom import pagecache

        pagecache.invalidate()
