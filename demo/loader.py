"""DemoLoader: compose demo sections, authors, tags, articles (with their bylines,
tags, stored bylines-and-tags rows and related lists) and ticker items, and write
them with bulk inserts (demo/bulk.py)."""

import bisect
import itertools
import random
import time
from collections import deque
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import related
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleBylinesTags,
    Author,
    Section,
)
from demo import text as demo_text
from demo.bulk import HOLD, BulkWriter, reserve_ids
from demo.flush import DEMO_PREFIX, clashing_slugs, demo_user, free_slug
from demo.pictures import ensure_demo_images
from ticker.models import TickerItem

# The share of articles with a lead image; the rest show how pages look without.
PICTURE_SHARE = 0.85
AUTHORS = 40
BATCH = 1000
# About 58 articles a day, a busy newsroom: 100,000 articles reach back almost five
# years, 1,000 about two and a half weeks.
ARTICLE_GAP_MINUTES = 25
TICKER_GAP_MINUTES = 15


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
        self.writer = demo_text.DemoWriter(seed)
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
        for n, (name, description) in enumerate(demo_text.SECTIONS):
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
                bio=demo_text.BIOS[n % len(demo_text.BIOS)],
            )
            for n, name in enumerate(demo_text.author_names(AUTHORS))
        )

    def ensure_tags(self):
        existing = {tag.name.lower(): tag for tag in Tag.objects.all()}
        slugs = {tag.slug for tag in existing.values()}
        tags, new = [], []
        for name in demo_text.tag_names():
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
        self.author_row = {
            author.pk: [author.name, author.slug] for author in self.authors
        }
        self.tag_row = {tag.pk: [tag.name, tag.slug] for tag in self.tags}
        self.bylines_tags_field = ArticleBylinesTags._meta.get_field("bylines")
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
        window = related.RelatedWindow()
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
        bylines, tagged, stored = [], [], []
        for article, tags in entries:
            own = self.bylines(article)
            bylines.extend(own)
            tagged.extend((content_type, article.pk, tag) for tag in tags)
            stored.append(self.bylines_tags_row(article, own, tags))
            if article.is_published():
                self.public.append((article.published_at, article.pk))
        self.out.write_rows(
            ArticleAuthor, ["article", "author", "role", "order"], bylines
        )
        self.out.write_rows(TaggedItem, ["content_type", "object_id", "tag"], tagged)
        self.out.write_rows(ArticleBylinesTags, ["article", "bylines", "tags"], stored)
        self.loaded.articles += len(batch)
        self.loaded.bylines += len(bylines)
        self.loaded.tagged += len(tagged)
        self.step(len(batch), "articles")

    def bylines_tags_row(self, article, bylines, tags):
        """Return the row articles/bylines_tags.py would store for article: bylines in
        order, tags alphabetically (ignoring case)."""
        stored_bylines = [
            [author, *self.author_row[author], role] for _, author, role, _ in bylines
        ]
        stored_tags = sorted(
            ([tag, *self.tag_row[tag]] for tag in tags),
            key=lambda tag: (tag[1].lower(), tag[0]),
        )
        connection = self.out.connection
        return (
            article.pk,
            self.bylines_tags_field.get_db_prep_save(stored_bylines, connection),
            self.bylines_tags_field.get_db_prep_save(stored_tags, connection),
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
