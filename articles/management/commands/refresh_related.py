"""Rank and store the related articles of articles whose list was never stored.

    manage.py refresh_related          # only articles without a stored list
    manage.py refresh_related --all    # every article, e.g. after changing the rule

Saving an article stores its list (articles/related.py); rows written around save()
(raw SQL, queryset.update(), loaddata, an older release) have none, and their page
ranks live until this fills them in. One ranking query per article, committed in
batches, newest articles first; a progress line with the rate goes to stderr.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from articles import related
from articles.models import Article
from newsroom import pagecache

BATCH = 500


class Command(BaseCommand):
    help = "Store the related-articles list of articles that have none (or --all)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Recompute every article's list, not only the missing ones.",
        )

    def handle(self, *args, **options):
        articles = Article.objects.only("pk", "published_at", "section_id")
        if not options["all"]:
            articles = articles.filter(related_ids__isnull=True)
        pks = list(
            articles.order_by("-published_at", "-pk").values_list("pk", flat=True)
        )
        total = len(pks)
        started = time.monotonic()
        done = 0
        for start in range(0, total, BATCH):
            chunk = pks[start : start + BATCH]
            with transaction.atomic():
                for article in Article.objects.filter(pk__in=chunk).only(
                    "pk", "published_at", "section_id"
                ):
                    related.refresh(article, follow_ups=False)
            done += len(chunk)
            if options["verbosity"] >= 1:
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stderr.write(
                    f"{done:,}/{total:,} articles ({done / total:.0%}, {rate:,.0f}/s)"
                )
        # update() sends no signals: pages that ranked live may now show another list.
        if total:
            pagecache.invalidate()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored the related articles of {total:,} articles in {seconds:.1f} s."
            )
        )
