"""Related articles: ranked when an article is saved, stored on it, read per view.

The ranking changes only when articles are saved, so it runs then (admin, import,
demo loader, `manage.py refresh_related`) and its ids go into Article.related_ids,
best first. The article page reads the stored ids with one "cards by ids" query and
shows the first RELATED_SHOWN that are public at that moment: a related article that
is taken offline, killed or expires drops out without anyone recomputing anything.

Rule: the candidates are the WINDOW articles published just before the article and
just after it (one range of the publication index, never the whole archive); those
sharing the most tags come first, then those of the same section, newest first.
Stored lists also consider scheduled articles (published, not yet due), which the
page filters out until their time comes; so nothing needs to be recomputed when an
embargo ends.
"""

from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.models import TaggedItem

from . import rows
from .models import Article, bounded_first

RELATED_SHOWN = 4
# More than are shown, so that a few going offline still leave a full list.
RELATED_STORED = 8
WINDOW = 200
# Window ends when there are fewer than WINDOW articles on one side.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


def stored_candidates():
    """Return the articles a stored list may name: published, not expired, due or
    scheduled."""
    now = timezone.now()
    return Article.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        status=Article.Status.PUBLISHED,
    )


def ranked(article, candidates):
    """Return candidates ranked as related to article, best first (unsliced).

    The article's tags are read in a subquery, so the ranking sees what is stored,
    not what an unsaved instance holds, and costs one query.
    """
    moment = article.published_at or timezone.now()
    nth_before = (
        bounded_first(candidates, published_at__lte=moment)
        .order_by("-published_at", "-pk")
        .values("published_at")[WINDOW - 1 : WINDOW]
    )
    nth_after = (
        candidates.filter(published_at__gt=moment)
        .order_by("published_at", "pk")
        .values("published_at")[WINDOW - 1 : WINDOW]
    )
    window = bounded_first(
        candidates,
        published_at__lte=Coalesce(Subquery(nth_after), Value(LATEST)),
        published_at__gte=Coalesce(Subquery(nth_before), Value(EARLIEST)),
    )
    content_type = ContentType.objects.get_for_model(Article)
    own_tags = TaggedItem.objects.filter(
        content_type=content_type, object_id=article.pk
    ).values("tag_id")
    # Counted per candidate in a subquery on taggit's unique index, not by joining
    # and grouping every tag of every candidate.
    shared_tags = Coalesce(
        Subquery(
            TaggedItem.objects.filter(
                content_type=content_type,
                object_id=OuterRef("pk"),
                tag_id__in=own_tags,
            )
            .order_by()
            .values("object_id")
            .annotate(shared=Count("*"))
            .values("shared")
        ),
        0,
    )
    relevant = Q(shared_tags__gt=0)
    if article.section_id:
        relevant |= Q(section_id=article.section_id)
    return (
        window.exclude(pk=article.pk)
        .annotate(shared_tags=shared_tags)
        .filter(relevant)
        .order_by("-shared_tags", "-published_at", "-pk")
    )


def live(article):
    """Return the public related articles as cards, ranked now: for an article whose
    list was never stored."""
    return ranked(article, Article.objects.published()).for_cards()[:RELATED_SHOWN]


def compute(article):
    """Return the ids article's stored list should hold, best first."""
    return list(
        ranked(article, stored_candidates()).values_list("pk", flat=True)[
            :RELATED_STORED
        ]
    )


def is_candidate(article):
    return article.status == Article.Status.PUBLISHED and not article.is_expired


def refresh(article, *, follow_ups=True):
    """Rank and store article's related list; return the ids.

    Call after the article is saved with its tags. With follow_ups, a published
    article also refreshes the lists of the articles it now names, so that older
    articles gain a link to a new follow-up (at most RELATED_STORED more rankings).
    The lists are written with update(): no signals, as the save that called this
    has already told the page cache that articles changed.
    """
    ids = compute(article)
    Article.objects.filter(pk=article.pk).update(related_ids=ids)
    article.related_ids = ids
    if follow_ups and ids and is_candidate(article):
        others = Article.objects.filter(pk__in=ids).only(
            "pk", "published_at", "section_id"
        )
        for other in others:
            refresh(other, follow_ups=False)
    return ids


def for_page(article):
    """Return the related articles article's page shows, as cards, in stored order.

    One query for the stored ids, keeping those public now. Falls back to ranking
    live when the list was never stored (rows written around save(), or before the
    column existed).
    """
    ids = article.related_ids
    if ids is None:
        return list(live(article))
    if not ids:
        return []
    # Looked up by key, and the public rule applied per row (is_published() mirrors
    # published()): with the rule in the WHERE clause, SQLite walks the public index
    # through every published article instead, 15 ms at 100,000 articles.
    found = {card.pk: card for card in rows.cards(ids) if card.is_published()}
    return [found[pk] for pk in ids if pk in found][:RELATED_SHOWN]
