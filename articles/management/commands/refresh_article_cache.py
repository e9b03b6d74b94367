"""Store what each article keeps for its pages: its related articles
(articles/related.py) and its bylines and tags (articles/bylines_tags.py).

    manage.py refresh_article_cache        # only articles missing one or the other
    manage.py refresh_article_cache --all  # every article, e.g. after changing a rule

Saving an article stores both; rows written around save() (raw SQL,
queryset.update(), loaddata, an older release) have none, and their page reads them
from the tables or ranks live until this fills them in.

The ranking is the site's own (related.RelatedWindow), fed every candidate's time,
section and tags once, instead of three queries per article.
The lists are written in batches, each in its own transaction, with a progress line and
the rate on stderr.
"""

import time
from bisect import bisect_right
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connections, router, transaction
from django.utils import timezone
from taggit.models import TaggedItem

from articles import bylines_tags, related
from articles.models import Article
from articles.related import RelatedWindow
from newsroom import pagecache

BATCH = 2000


class Command(BaseCommand):
    help = (
        "Store the related articles and the bylines and tags of articles that "
        "have none stored (or of all, with --all)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Recompute every article's, not only the missing ones.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        targets = Article.objects.all()
        if not options["all"]:
            targets = targets.filter(related_ids__isnull=True)
        targets = list(
            targets.order_by("-published_at", "-pk").values_list(
                "pk", "published_at", "section_id"
            )
        )
        total = len(targets)
        if total:
            window, times, positions, tags = self.candidates()
        now = timezone.now()
        done = 0
        for start in range(0, total, BATCH):
            lists = []
            for pk, published_at, section_id in targets[start : start + BATCH]:
                own = positions.get(pk)
                position = bisect_right(times, published_at or now)
                ids = window.rank(position, section_id, tags.get(pk, ()), own=own)
                lists.append((ids, pk))
            self.store(lists)
            done += len(lists)
            if options["verbosity"] >= 1:
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stderr.write(
                    f"{done:,}/{total:,} articles ({done / total:.0%}, {rate:,.0f}/s)"
                )
        stored = self.store_bylines_tags(everything=options["all"])
        # update() sends no signals: pages that ranked live may now show another list.
        if total or stored:
            pagecache.invalidate()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored the related articles of {total:,} articles and the bylines "
                f"and tags of {stored:,} in {seconds:.1f} s."
            )
        )

    def store_bylines_tags(self, everything):
        """Store the bylines and tags of articles without them (or of all)."""
        targets = Article.objects.all()
        if not everything:
            targets = targets.filter(bylines_tags__isnull=True)
        ids = list(targets.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                bylines_tags.refresh(ids[start : start + BATCH])
        return len(ids)

    def candidates(self):
        """Return a RelatedWindow holding every candidate in publication order, their
        times, each candidate's position by id, and every article's tag ids."""
        tags = defaultdict(list)
        content_type = ContentType.objects.get_for_model(Article)
        for object_id, tag_id in (
            TaggedItem.objects.filter(content_type=content_type)
            .order_by()
            .values_list("object_id", "tag_id")
            .iterator(chunk_size=10_000)
        ):
            tags[object_id].append(tag_id)
        window = RelatedWindow(window=related.WINDOW, keep=related.RELATED_STORED)
        times, positions = [], {}
        rows = (
            related.stored_candidates()
            .filter(published_at__isnull=False)
            .order_by("published_at", "pk")
            .values_list("pk", "published_at", "section_id")
        )
        for pk, published_at, section_id in rows.iterator(chunk_size=10_000):
            positions[pk] = window.add(pk, section_id, tags.get(pk, ()))
            times.append(published_at)
        return window, times, positions, tags

    def store(self, lists):
        connection = connections[router.db_for_write(Article)]
        field = Article._meta.get_field("related_ids")
        meta, quote = Article._meta, connection.ops.quote_name
        table, column, key = map(quote, (meta.db_table, field.column, meta.pk.column))
        sql = f"UPDATE {table} SET {column} = %s WHERE {key} = %s"
        values = [(field.get_db_prep_save(ids, connection), pk) for ids, pk in lists]
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.executemany(sql, values)
