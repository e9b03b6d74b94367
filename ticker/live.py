"""The ticker as readers see it: built in at most one query, cached once for every page
and for the live endpoint, and never cached past its next change.

The cache holds one `TickerState` (the rendered item list, its ETag and Last-Modified)
plus a generation token. Saving or deleting an item replaces the token, so a state
that was being built while the item changed is thrown away instead of being served
until it expires.

Every read and write goes through the cache's public API; with the cache away
(newsroom/cache.py) each read is a miss and the state is built from the database, a
generation that could not be replaced is retried in the background, and every key
expires, at the latest after `MAX_LIFETIME`.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import http_date
from django.utils.safestring import SafeString, mark_safe

from newsroom import cachetags
from newsroom.cache import new_token, replace_token

from .models import ARTICLE_TIME_FIELDS, TickerItem, reader_link

# The tag of the pages that list ticker items (the archive, the feed); the ticker
# bar on every other page is a fragment joined when the page is served.
PAGES_TAG = "ticker"
# Versioned: a state pickled by an older release (other fields) is never read back.
STATE_KEY = "ticker:state:2"
GENERATION_KEY = "ticker:generation"
HISTORY_KEY = "ticker:history"
# The longest any of these keys is kept: rebuilding the ticker costs one query, and
# a state that outlived an invalidation the cache never received (an import run
# while Redis was away) is gone by then at the latest.
MAX_LIFETIME = timedelta(hours=1)
GENERATION_SECONDS = 24 * 60 * 60
# How long a CDN may answer the breaking-news check for the origin: short, since the
# check promises news within TICKER_BREAKING_CHECK_SECONDS plus this.
BREAKING_CACHE_SECONDS = 2


@dataclass(frozen=True)
class TickerEntry:
    pk: int
    headline: str
    published_at: datetime
    link: str
    is_breaking: bool
    show_date: bool
    show_year: bool


@dataclass(frozen=True)
class Validators:
    """How fresh one of the ticker's answers is: the list, the banner, the bar."""

    etag: str
    last_modified: int | None  # seconds since the epoch; the banner has none
    max_age: int

    def apply_to(self, response):
        """Set the headers of the ticker endpoints' answers, 200 and 304 alike."""
        response.headers["ETag"] = self.etag
        if self.last_modified is not None:
            response.headers["Last-Modified"] = http_date(self.last_modified)
        response.headers["Cache-Control"] = f"public, max-age={self.max_age}"
        response.headers["X-Robots-Tag"] = "noindex"
        return response


@dataclass(frozen=True)
class TickerState:
    html: str
    etag: str
    last_modified: datetime
    valid_until: datetime
    count: int
    breaking: bool
    generation: str | None
    # The breaking-news banner above every page (ticker/_banner.html), with an ETag
    # of its own: open pages ask for it often, and it changes far less than the list.
    banner_html: str = ""
    banner_etag: str = '""'

    @property
    def safe_html(self) -> SafeString:
        # Rendered from ticker/_items.html with autoescaping: the one escaping step.
        return mark_safe(self.html)

    @property
    def safe_banner_html(self) -> SafeString:
        return mark_safe(self.banner_html)

    @property
    def poll_seconds(self) -> int:
        return poll_seconds(self.breaking)

    def max_age(self, now=None, *, at_most=None) -> int:
        """Return how long a browser or CDN may keep this state without asking."""
        remaining = (self.valid_until - (now or timezone.now())).total_seconds()
        limit = self.poll_seconds if at_most is None else at_most
        return max(0, min(limit, math.floor(remaining)))

    def validators(self, *, banner=False) -> Validators:
        """Return the list's validators, or with banner the breaking-news banner's."""
        if banner:
            return Validators(
                self.banner_etag, None, self.max_age(at_most=BREAKING_CACHE_SECONDS)
            )
        return Validators(
            self.etag, math.floor(self.last_modified.timestamp()), self.max_age()
        )


def get_state() -> TickerState:
    """Return the ticker's current state, from the cache when it is still valid."""
    now = timezone.now()
    cached = cache.get_many([STATE_KEY, GENERATION_KEY])
    state = cached.get(STATE_KEY)
    generation = cached.get(GENERATION_KEY)
    if generation is None:
        # No generation yet (or evicted): start one, so that a state stored under
        # "none" cannot come back the next time it is missing.
        cache.add(GENERATION_KEY, new_token(), timeout=GENERATION_SECONDS)
        generation = cache.get(GENERATION_KEY)
    if state is not None and state.generation == generation and now < state.valid_until:
        return state
    state = build_state(now, generation=generation)
    timeout = (state.valid_until - now).total_seconds()
    # No generation: the cache is away, and a state stored now could not be told
    # from a current one when it comes back.
    if timeout > 0 and generation is not None:
        cache.set(STATE_KEY, state, timeout=math.ceil(timeout))
    return state


def breaking_news():
    """Return what the ticker bar (ticker/breaking_news.html, on every public page)
    shows; from the cache, so without queries once it is warm."""
    return {
        "ticker": get_state(),
        "poll_seconds": settings.TICKER_POLL_SECONDS,
        "breaking_poll_seconds": settings.TICKER_BREAKING_POLL_SECONDS,
        "breaking_check_seconds": settings.TICKER_BREAKING_CHECK_SECONDS,
    }


def build_state(now, *, generation=None) -> TickerState:
    """Build the state from the database in one query."""
    limit = settings.TICKER_ITEMS
    rows = list(TickerItem.objects.for_ticker(limit, now))
    # The date shown next to the time changes at midnight.
    changes = [next_midnight(now), now + MAX_LIFETIME]
    if rows and rows[0]["published_at"] > now:
        changes.append(rows.pop(0)["published_at"])
    rows = rows[:limit]
    today = timezone.localdate(now)
    entries = []
    for row in rows:
        if row["expires_at"] is not None:
            changes.append(row["expires_at"])
        for name in ARTICLE_TIME_FIELDS:
            moment = row.get(f"article_{name}")
            if moment is not None and moment > now:
                changes.append(moment)
        day = timezone.localdate(row["published_at"])
        entries.append(
            TickerEntry(
                pk=row["pk"],
                headline=row["headline"],
                published_at=row["published_at"],
                link=reader_link(
                    url=row["url"],
                    article_id=row["article_id"],
                    article_slug=row["article_slug"],
                    article_public=row["article_public"],
                ),
                is_breaking=row["is_breaking"],
                show_date=day != today,
                show_year=day.year != today.year,
            )
        )
    breaking = any(entry.is_breaking for entry in entries)
    if not settings.CACHE_IS_SHARED:
        # Another process may have changed the ticker without being able to tell this
        # process's cache: ask the database again within one poll interval.
        changes.append(now + timedelta(seconds=poll_seconds(breaking)))
    html = render_to_string(
        "ticker/_items.html", {"items": entries, "breaking": breaking}
    )
    etag = _etag(html)
    banner_html = render_to_string(
        "ticker/_banner.html",
        {"items": [entry for entry in entries if entry.is_breaking]},
    )
    return TickerState(
        html=html,
        etag=etag,
        last_modified=_last_modified(etag, now),
        valid_until=min(changes),
        count=len(entries),
        breaking=breaking,
        generation=generation,
        banner_html=banner_html,
        banner_etag=_etag(banner_html),
    )


def _etag(text):
    return f'"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'


def poll_seconds(breaking):
    """Return how often open pages ask for news: faster while breaking news runs."""
    if breaking:
        return settings.TICKER_BREAKING_POLL_SECONDS
    return settings.TICKER_POLL_SECONDS


def _last_modified(etag, now):
    """Return when the ticker's content last changed, as far as this cache knows.

    The same content keeps its date; new content gets a later one, at least a second
    later (HTTP dates have whole seconds), so If-Modified-Since never wrongly matches.
    """
    now = now.replace(microsecond=0)
    previous = cache.get(HISTORY_KEY)
    if previous is not None:
        previous_etag, previous_date = previous
        if previous_etag == etag:
            return previous_date
        now = max(now, previous_date + timedelta(seconds=1))
    cache.set(HISTORY_KEY, (etag, now), timeout=GENERATION_SECONDS)
    return now


def next_midnight(now):
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return datetime.combine(
        tomorrow, datetime.min.time(), tzinfo=timezone.get_current_timezone()
    )


def invalidate(using=None, *, pages=True):
    """Make every page's bar and the endpoint rebuild the ticker, now and after
    commit; with pages, also drop the cached pages that list items.

    After commit too: a state built from a query that ran before the commit would
    otherwise be stored after the first bump and outlive the change.
    """
    _bump()
    transaction.on_commit(_bump, using=using)
    if pages:
        cachetags.changed([PAGES_TAG], using=using)


def _bump():
    # A fresh random token, not an increment: the file cache has no atomic incr, and
    # two processes counting at once could bring back a value a stale state carries.
    # Retried in the background when the cache cannot take it now.
    replace_token(GENERATION_KEY, GENERATION_SECONDS)


# The state as this process last read it: as good as the shared one while the
# generation is the same and its time has not run out.
_current = None


def current_state():
    """Return the ticker's state reading one small key (the generation), or None
    when the cache is away."""
    global _current
    try:
        generation = cache.get(GENERATION_KEY)
    except Exception:
        return None
    state = _current
    if (
        state is None
        or generation is None
        or state.generation != generation
        or timezone.now() >= state.valid_until
    ):
        state = _current = get_state()
    return state


def cached_valid_until():
    """Return when the ticker next changes by time, from the cache alone (no query:
    within a poll interval when the state is not at hand)."""
    now = timezone.now()
    state = _current
    if state is None or now >= state.valid_until:
        state = cache.get(STATE_KEY)
    if state is not None and now < state.valid_until:
        return state.valid_until
    return now + timedelta(seconds=settings.TICKER_POLL_SECONDS)


# The bar (ticker/breaking_news.html: the breaking-news banner and the ticker)
# rendered for a state's ETags and the settings.
_bar = (None, "")


def bar_fragment():
    """Return the ticker bar, with the breaking-news banner above it, as a fragment
    joined to every page when served: breaking news re-renders no page."""
    global _bar
    state = current_state() or get_state()
    version = (
        state.etag,
        state.banner_etag,
        settings.TICKER_POLL_SECONDS,
        settings.TICKER_BREAKING_POLL_SECONDS,
        settings.TICKER_BREAKING_CHECK_SECONDS,
    )
    rendered_for, html = _bar
    if rendered_for != version:
        html = render_to_string("ticker/breaking_news.html", using="jinja2")
        _bar = (version, html)
    validators = state.validators()
    return cachetags.Fragment(
        html=html,
        etag=validators.etag,
        last_modified=validators.last_modified,
        max_age=validators.max_age,
    )
