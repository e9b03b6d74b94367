"""Related articles: ranked when an article is saved, stored on it, read per view.

The ranking changes only when articles are saved, so it runs then (admin, import,
demo loader, `manage.py refresh_article_cache`) and its ids go into Article.related_ids,
best first. The article page reads the stored ids with one "cards by ids" query and
shows the first RELATED_SHOWN that are public at that moment: a related article that
is taken offline, killed or expires drops out without anyone recomputing anything.

Rule: the candidates are the WINDOW articles published just before the article and
just after it (one range of the publication index, never the whole archive); those
sharing the most tags come first, then those of the same section, newest first.
Stored lists also consider scheduled articles (published, not yet due), which the
page filters out until their time comes; so nothing needs to be recomputed when an
embargo ends.

The rule is written once, in RelatedWindow.rank(): a save reads the window around
one article (three queries on indexes) and ranks it; the bulk loaders (seed_demo,
refresh_article_cache) read every candidate once and rank each article with the
same method.
"""

from bisect import bisect_left
from collections import Counter, defaultdict
from itertools import chain

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from taggit.models import TaggedItem

from . import rows
from .models import Article, bounded_first

RELATED_SHOWN = 4
# More than are shown, so that a few going offline still leave a full list.
RELATED_STORED = 8
WINDOW = 200


class RelatedWindow:
    """The ranking rule, over candidates added in publication order.

    An article's list is taken from the
    `window` candidates published at or before it and the `window` after it: those
    sharing the most tags first, then those of its section, newest first. Per tag
    and per section it keeps the candidates' positions (ascending), so counting the
    shared tags touches only the articles with one of its tags.
    """

    def __init__(self, *, window=WINDOW, keep=RELATED_STORED):
        self.window = window
        self.keep = keep
        self.pks = []
        self.by_tag = defaultdict(list)
        self.by_section = defaultdict(list)

    def __len__(self):
        return len(self.pks)

    def add(self, pk, section, tags):
        """Add a candidate published after all those added before; return its
        position."""
        position = len(self.pks)
        self.pks.append(pk)
        for tag in tags:
            self.by_tag[tag].append(position)
        if section is not None:
            self.by_section[section].append(position)
        return position

    def complete(self, position):
        """Return whether the window after position is full (or the load is over)."""
        return len(self.pks) >= position + self.window

    def rank(self, position, section, tags, *, own=None):
        """Return the ids of the best candidates for an article with section and
        tags, when `position` candidates are published at or before it; own is its
        own position if it is a candidate itself."""
        low, high = max(0, position - self.window), position + self.window
        found = []
        for tag in tags:
            positions = self.by_tag.get(tag)
            if positions:
                start = bisect_left(positions, low)
                found.append(positions[start : bisect_left(positions, high, start)])
        # Counted newest first, then sorted by count alone: the sort is stable, so
        # among equals the newest stay first. All of it runs in C.
        shared = Counter(sorted(chain.from_iterable(found), reverse=True))
        wanted = self.keep + 1
        picks = sorted(shared, key=shared.__getitem__, reverse=True)[:wanted]
        same = self.by_section.get(section) if section is not None else None
        if len(picks) < wanted and same:
            start = bisect_left(same, low)
            only_section = set(same[start : bisect_left(same, high, start)])
            only_section.difference_update(shared)
            picks.extend(sorted(only_section, reverse=True)[: wanted - len(picks)])
        pks = self.pks
        return [pks[at] for at in picks if at != own][: self.keep]


def stored_candidates():
    """Return the articles a stored list may name: published, not expired, due or
    scheduled."""
    now = timezone.now()
    return Article.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        status=Article.Status.PUBLISHED,
    )


def rank(article, candidates, *, keep=RELATED_STORED):
    """Return the ids of the candidates related to article, best first, at most keep.

    Reads the WINDOW candidates published at or before the article and the WINDOW
    after it (one index range each), then the stored tags of those and of the
    article itself (so the ranking sees what is stored, not what an unsaved
    instance holds): three queries, each on an index.
    """
    moment = article.published_at or timezone.now()
    before = list(
        bounded_first(candidates, published_at__lte=moment)
        .order_by("-published_at", "-pk")
        .values_list("pk", "section_id")[:WINDOW]
    )
    after = list(
        candidates.filter(published_at__gt=moment)
        .order_by("published_at", "pk")
        .values_list("pk", "section_id")[:WINDOW]
    )
    in_order = before[::-1] + after
    content_type = ContentType.objects.get_for_model(Article)
    links = TaggedItem.objects.filter(
        content_type=content_type,
        object_id__in=[pk for pk, _ in in_order] + [article.pk],
    )
    tags = defaultdict(list)
    for object_id, tag_id in links.order_by().values_list("object_id", "tag_id"):
        tags[object_id].append(tag_id)
    window = RelatedWindow(window=WINDOW, keep=keep)
    own = None
    for pk, section_id in in_order:
        position = window.add(pk, section_id, tags.get(pk, ()))
        if pk == article.pk:
            own = position
    own_tags = tags.get(article.pk, ())
    return window.rank(len(before), article.section_id, own_tags, own=own)


def live(article):
    """Return the public related articles as cards, ranked now: for an article whose
    list was never stored."""
    ids = rank(article, Article.objects.published(), keep=RELATED_SHOWN)
    found = Article.objects.for_cards().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def compute(article):
    """Return the ids article's stored list should hold, best first."""
    return rank(article, stored_candidates())


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
