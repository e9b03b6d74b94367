"""Fill the site with realistic Dutch demo content, quickly, for development and for
the benchmark.

    manage.py seed_demo                               # 1,000 articles, 200 ticker items
    manage.py seed_demo --articles 100000 --ticker 5000 --seed 3
    manage.py seed_demo --flush-demo                  # remove the demo content
    manage.py seed_demo --flush-demo --articles 5000  # replace it

Articles (with sections, authors and bylines, tags) and ticker items are written with
bulk inserts in batches: no save() per row and no signals, so the ticker cache and the
page cache are invalidated explicitly at the end. Everything happens in one
transaction: an interrupted run writes nothing.

Each article's related list (Article.related_ids) is ranked in Python as the articles
are generated, among the articles of this run: after a second run, or with real
articles next to the demo ones, `manage.py refresh_related --all` ranks across all.

Demo rows are marked so that --flush-demo finds them and nothing else: articles and
ticker items are created by the inactive user "demo-data"; demo authors, sections and
tags have slugs that start with "demo-". Sections and tags that already exist with the
same name are reused (and kept by --flush-demo).
"""

import bisect
import importlib.util
import itertools
import random
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
from articles.models import Article, ArticleAuthor, Author, Section
from ticker import live as ticker_live
from ticker.models import TickerItem

DEMO_USERNAME = "demo-data"
DEMO_PREFIX = "demo-"
DEFAULT_ARTICLES = 1000
DEFAULT_TICKER = 200
MAX_ARTICLES = 1_000_000
MAX_TICKER = 100_000
AUTHORS = 40
BATCH = 1000
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
                    loaded = loader.load(articles, ticker)
                    analyze(Article, ArticleAuthor, TaggedItem, TickerItem)
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
            if removed["kept_authors"]:
                self.stdout.write(
                    self.style.WARNING(
                        f"Kept {removed['kept_authors']} demo author(s) that other "
                        "articles still name in their byline."
                    )
                )
        if loaded is not None:
            self.report(loaded, time.monotonic() - started)

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
                f"{loaded.tagged:,} tag links), and {loaded.ticker:,} ticker items, "
                f"in {seconds:.1f} s."
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
        self.rng = random.Random(seed)
        self.writer = demo.DemoWriter(seed)
        self.progress = progress
        self.now = timezone.now()
        self.done = 0
        self.loaded = Loaded()

    def load(self, articles, ticker):
        self.user = demo_user(create=True)
        self.sections = self.ensure_sections()
        self.authors = self.ensure_authors()
        self.tags = self.ensure_tags()
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
        for moment in moments:
            serial += 1
            article = self.article(serial, moment)
            article.pk = next(ids)
            tags = [self.tags[index].pk for index in self.tag_indexes(tag_weights)]
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
        content_type = ContentType.objects.get_for_model(Article)
        batch = [article for article, _tags in entries]
        self.unique_slugs(batch)
        insert_objects(Article, batch)
        bylines, tagged = [], []
        for article, tags in entries:
            bylines.extend(self.bylines(article))
            tagged.extend((content_type.pk, article.pk, tag) for tag in tags)
            if article.is_published():
                self.public.append((article.published_at, article.pk))
        insert_rows(ArticleAuthor, ["article", "author", "role", "order"], bylines)
        insert_rows(TaggedItem, ["content_type", "object_id", "tag"], tagged)
        self.loaded.articles += len(batch)
        self.loaded.bylines += len(bylines)
        self.loaded.tagged += len(tagged)
        self.step(len(batch), "articles")

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
        """Give the rare article whose slug is already taken a suffix (one query)."""
        taken = set(
            Article.objects.filter(slug__in=[a.slug for a in batch]).values_list(
                "slug", flat=True
            )
        )
        for article in batch:
            while article.slug in taken:
                article.slug = f"{article.slug[:190]}-{self.rng.randrange(10**6)}"
            taken.add(article.slug)

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


def analyze(*models):
    """Refresh PostgreSQL's planner statistics for the tables just filled.

    Autovacuum would, a minute or so later; until then PostgreSQL plans queries on
    100,000 new rows as if the tables were nearly empty. (SQLite keeps no statistics
    unless asked, and the site's queries do not rely on them.)
    """
    connection = connections[router.db_for_write(Article)]
    if connection.vendor != "postgresql":
        return
    for model in models:
        try:
            # A savepoint: without the rights to analyze, the load itself stays valid.
            with transaction.atomic(), connection.cursor() as cursor:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"ANALYZE {table}")
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
        top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table]
            )
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
    return range(top + 1, top + 1 + count)


def insert_objects(model, objs):
    """Insert unsaved model instances, their primary keys set first (reserve_ids()).

    The values go in as insert_rows() writes them: COPY on PostgreSQL, several times
    faster than INSERT there, and multi-row INSERTs elsewhere, without bulk_create()'s
    SQL compiler, which took a sixth of a load preparing every value of every row.
    """
    connection = connections[router.db_for_write(model)]
    if any(obj.pk is None for obj in objs):
        for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
            obj.pk = pk
    fields = model._meta.concrete_fields
    rows = [
        [
            field.get_db_prep_save(field.pre_save(obj, True), connection)
            for field in fields
        ]
        for obj in objs
    ]
    _insert(connection, model, fields, rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


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
    columns = [field.column for field in fields]
    if connection.vendor == "postgresql":
        _copy(connection, model, columns, rows)
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) ".format(
        quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
    )
    size = max(1, min(connection.ops.bulk_batch_size(fields, rows), 1000))
    placeholder = ["%s"] * len(fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            values = connection.ops.bulk_insert_sql(fields, [placeholder] * len(chunk))
            cursor.execute(sql + values, [value for row in chunk for value in row])


def _copy(connection, model, columns, rows):
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
    )
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


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
    while model._default_manager.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def flush_demo():
    """Delete the demo content; return how many rows of each kind went."""
    removed = dict.fromkeys(
        ("articles", "ticker", "authors", "sections", "tags", "kept_authors"), 0
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
        dependent = relation.related_model._base_manager.filter(
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
