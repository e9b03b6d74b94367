"""What a cached page shows and when it stops being true: the registry apps fill in.

The page cache (newsroom/pagecache.py) knows no app. Apps tell it three things:

- What a page shows: a view calls `add_tags(request, "article-12", "section-3")`.
  The tags are stored with the page and sent to the edge as `Surrogate-Key` and
  `Cache-Tag`.
- When their content changes: a signal handler calls `changed(["article-12", ...],
  using=...)` with the tags of what readers can see change (nothing for a draft).
- When time changes pages by itself: `register_clock(function)`, where
  `function(now)` returns the next moment something scheduled goes live or
  expires, or None; a view may also bound its own page with `expires(request, when)`.
  `clock_changed()` says that the schedule changed (a new embargo).

A tag's version is a random token in the shared cache (`pagecache:tag:<tag>`),
replaced on every change of what it names, now and again after commit. A page is
stored with the versions of its tags as they were when its rendering began (read
just after it, and only if no change at all happened meanwhile: `CHANGE_KEY`), and
served while they are all still current. Tokens rather than counters or clock
times: the file cache has no atomic increment, and a replaced token never comes
back. Every page also carries `ALL` (`invalidate()`); pages that no view tagged
carry `UNTAGGED`, which every change drops, so an app that forgets to tag is
slower, never wrong. docs/caching.md has the whole design.
"""

import functools
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import caches
from django.db import transaction
from django.utils.safestring import mark_safe

from .cache import new_token, replace_values

logger = logging.getLogger(__name__)

ALL = "all"
UNTAGGED = "untagged"
TAG_PREFIX = "pagecache:tag:"
CLOCK_KEY = "pagecache:clock"
CLOCK_VERSION_KEY = "pagecache:schedule"
CHANGE_KEY = "pagecache:changes"
# Stamps and the clock are read on every hit; a page never outlives them (its own
# timeout is at most PAGE_CACHE_SECONDS plus a few seconds of grace).
STAMP_SECONDS = 24 * 60 * 60
FRAGMENT_MARK = "<!--newsroom-fragment:{}-->"

_clocks = []
_fragments = {}
_listeners = []


def _cache():
    return caches["default"]


def tag_key(tag):
    return f"{TAG_PREFIX}{tag}"


# What a page shows.


def add_tags(request, *tags):
    """Record that the page answering request shows the things these tags name."""
    found = getattr(request, "cache_tags", None)
    if found is None:
        found = request.cache_tags = set()
    found.update(str(tag) for tag in tags)


def tagged(*tags):
    """Decorate a view whose pages show what tags name (for views of other apps,
    such as Django's sitemaps, named in a URLconf)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            add_tags(request, *tags)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def page_tags(request):
    """Return the tags recorded for request's page, sorted; UNTAGGED for none."""
    return tuple(sorted(getattr(request, "cache_tags", None) or {UNTAGGED}))


def expires(request, moment):
    """Record that request's page changes by itself at moment (None: no bound)."""
    if moment is None:
        return
    current = getattr(request, "cache_expires", None)
    request.cache_expires = moment if current is None else min(current, moment)


# When content changes.


def register_listener(function):
    """Call function(tags) after every committed change (the edge purge)."""
    if function not in _listeners:
        _listeners.append(function)


# Per thread and database alias: the tags changed in transactions not committed yet.
# Every change asks for a flush after commit; the first flush replaces them all at
# once, the others find nothing left to do. Tags of a savepoint rolled back stay and
# go with the next flush: one replacement too many, never one too few.
_pending = threading.local()


def _pending_tags(alias):
    tags = getattr(_pending, alias, None)
    if tags is None:
        tags = set()
        setattr(_pending, alias, tags)
    return tags


def _flush(alias):
    tags = _pending_tags(alias)
    if tags:
        batch = set(tags)
        tags.clear()
        replace(batch)


def changed(tags, using=None):
    """Drop every cached page carrying one of tags, in every process: now, and again
    once the current transaction commits.

    Now, so that pages rendered during the transaction are not kept; after commit,
    because a page rendered from a query that ran just before the commit would
    otherwise be stored under the new versions and outlive the change.
    """
    tags = {str(tag) for tag in tags}
    if not tags:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        replace(tags)
        return
    replace(tags, notify=False)
    _pending_tags(connection.alias).update(tags)
    alias = connection.alias
    transaction.on_commit(lambda: _flush(alias), using=using)


def invalidate(using=None):
    """Drop every cached page: for writes that send no signals (update(),
    bulk_create()), a deploy, or by hand."""
    changed([ALL], using=using)


def replace(tags, notify=True):
    """Give tags (and UNTAGGED) new versions, and the change counter too, retrying
    in the background when the cache is away; then tell the listeners (the edge
    purge)."""
    tags = set(tags) | {UNTAGGED}
    keys = [tag_key(tag) for tag in sorted(tags)]
    replace_values([*keys, CHANGE_KEY], STAMP_SECONDS, new_token)
    if notify:
        _notify(tags)


def _notify(tags):
    for listener in _listeners:
        try:
            listener(sorted(tags))
        except Exception:
            logger.exception("Cache listener %r failed", listener)


def versions_of(tags, values):
    """Return ((tag, version), ...) for a page's tags from the versions read, or None
    when the cache is away. A missing version (never written, or evicted) is started:
    a new random token, which no page stored before can carry."""
    cache = _cache()
    versions = {tag: values.get(tag_key(tag)) for tag in (*tags, ALL)}
    missing = [tag for tag, version in versions.items() if version is None]
    if missing:
        for tag in missing:
            cache.add(tag_key(tag), new_token(), timeout=STAMP_SECONDS)
        found = cache.get_many([tag_key(tag) for tag in missing])
        for tag in missing:
            versions[tag] = found.get(tag_key(tag))
            if versions[tag] is None:
                return None
    return tuple(versions.items())


def is_current(versions, values):
    """Return whether the versions a page was stored with are all still current."""
    return all(values.get(tag_key(tag)) == version for tag, version in versions)


def current_version(key):
    """Return the version under key, starting one when missing; None when the cache
    is away."""
    cache = _cache()
    value = cache.get(key)
    if value is None:
        cache.add(key, new_token(), timeout=STAMP_SECONDS)
        value = cache.get(key)
    return value


# When time changes pages by itself.


def register_clock(function):
    """Register function(now) -> the next moment pages change by time, or None."""
    if function not in _clocks:
        _clocks.append(function)


def clock_changed(using=None):
    """Say that a scheduled moment was added or moved: the clock is asked again
    (now, and after commit)."""

    def write():
        replace_values([CLOCK_VERSION_KEY], STAMP_SECONDS, new_token)

    write()
    transaction.on_commit(write, using=using)


@dataclass(frozen=True)
class Clock:
    """The clocks' answer: the version of the schedule it was asked under, the
    latest scheduled moment that has passed (pages rendered before it are stale)
    and the next one."""

    version: str
    passed: float
    next: float | None


def clock_is_current(clock, values, now):
    if clock is None or clock.version != values.get(CLOCK_VERSION_KEY):
        return False
    return clock.next is None or now < clock.next


def refresh_clock(previous, now, values):
    """Ask the registered clocks again and store the answer; return it.

    The schedule's version is read before the clocks' queries: a schedule changed
    meanwhile replaces it, and the answer is asked again on the next request.
    """
    version = values.get(CLOCK_VERSION_KEY) or current_version(CLOCK_VERSION_KEY)
    # Without a previous answer (evicted), every page rendered before now is stale;
    # one from the future (a clock set back) is not trusted either.
    passed = now if previous is None or previous.passed > now else previous.passed
    if previous is not None and previous.next is not None and previous.next <= now:
        passed = max(passed, previous.next)
    moments = []
    moment_now = datetime.fromtimestamp(now, tz=UTC)
    for function in _clocks:
        moment = function(moment_now)
        if moment is not None:
            moments.append(moment.timestamp())
    clock = Clock(version=version, passed=passed, next=min(moments, default=None))
    _cache().set(CLOCK_KEY, clock, timeout=STAMP_SECONDS)
    return clock


# Fragments joined to a page when it is served.


@dataclass(frozen=True)
class Fragment:
    html: str
    etag: str
    last_modified: int  # a POSIX timestamp
    max_age: int  # how long a browser or CDN may keep a page showing it


def register_fragment(name, provider):
    """Register provider() -> Fragment, joined to every page at `fragment(name)`."""
    _fragments[name] = provider


def fragment(name):
    """Return the mark a template puts where the fragment goes."""
    return mark_safe(FRAGMENT_MARK.format(name))


def fragments_in(content):
    """Return [(mark, fragment)] for the registered fragments content holds."""
    found = []
    for name, provider in _fragments.items():
        mark = FRAGMENT_MARK.format(name).encode()
        if mark in content:
            found.append((mark, provider()))
    return found
