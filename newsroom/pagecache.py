"""Whole public pages for anonymous readers, from a cache every worker process shares.

`PageCacheMiddleware` sits early in MIDDLEWARE, before sessions, CSRF and
authentication, so a hit costs two cache reads and no database query. A stored page
is an `Entry`: body, headers, ETag, Last-Modified, the content generation it was
rendered in and the moment it stops being true. It is served only while both hold:

- The content generation is still current: saving or deleting anything readers see
  (articles, bylines, authors, sections, tags, images, ticker items) replaces it
  through signals (articles/signals.py), and so does every change of the ticker,
  which is on every page (ticker/live.py, bulk actions included). A generation is a
  fresh random token rather than a counter: replacing it needs no atomic increment,
  which the file cache lacks, and a value once replaced never comes back.
- Time has not yet changed the page by itself: entries never outlive the next
  scheduled article going live or expiring, the ticker's own next change, or
  midnight ("vandaag" becomes "gisteren").

Editors (a request with the session cookie) always get a fresh page, marked
private, and never fill the cache. The ticker's live endpoint is answered here too,
from the ticker's own cache entry, so its 304s skip the rest of the stack.

docs/caching.md describes the design; `invalidate()` is for bulk writes that send no
signals (queryset.update(), bulk_create()).
"""

import hashlib
import logging
import math
import secrets
import threading
import weakref
from calendar import timegm
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.core.cache import caches
from django.db import transaction
from django.db.models import Subquery
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from articles.models import Article
from ticker.live import GENERATION_KEY as TICKER_GENERATION_KEY
from ticker.live import get_state, next_midnight
from ticker.views import BREAKING_CACHE_SECONDS
from ticker.views import breaking as ticker_breaking
from ticker.views import live as ticker_live

from .cache import replace_token

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
NEXT_CHANGE_KEY = "pagecache:next-change"
ENTRY_PREFIX = "pagecache:page:"
HISTORY_PREFIX = "pagecache:history:"

# Every key expires, so a cache without an eviction policy cannot fill up for good.
# Generations and the next scheduled change are read on every request: a day.
GENERATION_SECONDS = 24 * 60 * 60
# A page's last ETag and Last-Modified, kept across invalidations: once it is gone,
# the page's next Last-Modified is simply "now", which is later than any given out.
HISTORY_SECONDS = 24 * 60 * 60
# The query parameters of Django's views (ours carry a page_cache_parameters
# attribute): the sitemap reads ?p=, the sitemap index nothing.
VIEW_PARAMETERS = {sitemap_views.sitemap: ("p",), sitemap_views.index: ()}
# Campaign and click ids that links from social media and newsletters carry; no view
# reads them, so they never make a page of their own.
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"})
# Pages a worker process also keeps in its own memory (about 10-60 kB each).
RECENT_PAGES = 100
# Headers the middleware sets itself on every answer from the cache.
OWN_HEADERS = frozenset({"cache-control", "etag", "last-modified", "x-page-cache"})


@dataclass(frozen=True)
class Entry:
    generation: str
    content: bytes
    headers: tuple
    etag: str
    last_modified: int
    expires: float


def _cache():
    return caches["default"]


def _page_cache():
    # The embedded default keeps pages in a cache of their own, so that culling the
    # many page files never throws out the few small keys everything depends on.
    return caches["pages" if "pages" in settings.CACHES else "default"]


def new_generation():
    return secrets.token_hex(8)


class _BumpAfterCommit:
    def __call__(self):
        bump()


# Per thread and database alias: the bump waiting for the current transaction's
# commit, held weakly. Django drops the callbacks of a transaction (or savepoint)
# that rolls back, and with them the only strong reference.
_after_commit = threading.local()


def invalidate(using=None):
    """Make every cached page stale, in every process: now, and again after commit.

    Now, so that pages rendered during the transaction are not kept; after commit,
    because a page rendered from a query that ran just before the commit would
    otherwise be stored under the new generation and outlive the change.
    """
    bump()
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return
    # One bump per transaction is enough, however many rows it writes.
    pending = getattr(_after_commit, connection.alias, None)
    if pending is not None and pending() is not None:
        return
    callback = _BumpAfterCommit()
    setattr(_after_commit, connection.alias, weakref.ref(callback))
    transaction.on_commit(callback, using=using)


def bump():
    """Replace the content generation now: every stored page is stale.

    When the cache cannot take it (Redis away), the write commits all the same and
    the bump is retried in the background until the cache is back
    (newsroom/cache.py): pages kept from before the outage never outlive it.
    """
    replace_token(GENERATION_KEY, GENERATION_SECONDS)


def current_generation(value=None):
    """Return the content generation, starting one when it is missing.

    A missing generation (evicted, or a cache cleared) gets a fresh token before it is
    used: entries stored under "no generation" would otherwise come back to life the
    next time it is missing.
    """
    if value is None:
        cache = _cache()
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, new_generation(), timeout=GENERATION_SECONDS)
            value = cache.get(GENERATION_KEY)
    return value


def next_change(now, generation):
    """Return when a scheduled article next goes live or expires, or None.

    One query per content generation: the answer is cached until that moment or until
    the content changes, whichever comes first.
    """
    cache = _cache()
    cached = cache.get(NEXT_CHANGE_KEY)
    if cached is not None:
        cached_generation, moment = cached
        if cached_generation == generation and (moment is None or now < moment):
            return moment
    published = Article.objects.filter(status=Article.Status.PUBLISHED).order_by()
    going_live = published.filter(published_at__gt=now).order_by("published_at")
    expiring = published.filter(expires_at__gt=now).order_by("expires_at")
    # Both in one query, each the first row of an index scan.
    row = (
        Article.objects.order_by()
        .annotate(
            going_live=Subquery(going_live.values("published_at")[:1]),
            expiring=Subquery(expiring.values("expires_at")[:1]),
        )
        .values_list("going_live", "expiring")
        .first()
    )
    candidates = [moment for moment in row or () if moment is not None]
    moment = min(candidates, default=None)
    timeout = GENERATION_SECONDS
    if moment is not None:
        timeout = min(timeout, math.ceil((moment - now).total_seconds()))
    cache.set(NEXT_CHANGE_KEY, (generation, moment), timeout=timeout)
    return moment


def valid_until(now, generation):
    """Return the moment a page rendered now stops being true by time alone."""
    moments = [
        now + timedelta(seconds=settings.PAGE_CACHE_SECONDS),
        # Dates on pages say "vandaag" and "gisteren".
        next_midnight(now),
        # The ticker is on every page; its state knows its own next change.
        get_state().valid_until,
    ]
    moment = next_change(now, generation)
    if moment is not None:
        moments.append(moment)
    if not settings.CACHE_IS_SHARED:
        # Another process cannot reach this one's cache to invalidate it.
        moments.append(now + timedelta(seconds=settings.TICKER_POLL_SECONDS))
    return min(moments)


def view_parameters(view):
    """Return the query parameters a view reads (its pages differ by), or None
    when it does not say."""
    view_class = getattr(view, "view_class", None)
    for owner in (view, view_class):
        declared = getattr(owner, "page_cache_parameters", None)
        if declared is not None:
            return frozenset(declared)
    if view in VIEW_PARAMETERS:
        return frozenset(VIEW_PARAMETERS[view])
    if view_class is not None:
        # Django's generic views read no query parameter but the page number.
        if getattr(view_class, "paginate_by", None):
            return frozenset({view_class.page_kwarg})
        return frozenset()
    if isinstance(view, Feed):
        return frozenset()
    return None


def normalised_query(query_string, parameters):
    """Return the query string as part of a cache key, or None for "do not cache".

    Only the parameters the page reads make a page of their own: anything else
    (tracking ids, made-up parameters) gets the page without it, from the same entry,
    so arbitrary query strings cannot fill the cache. A page number counts once
    however it is written (?page=02 is ?page=2); one written otherwise, or a
    parameter given twice, is served but not kept. For a view that does not say
    which parameters it reads (parameters None), any but the tracking ones mean
    "not kept".
    """
    if not query_string:
        return ""
    kept = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        if parameters is None:
            if name.startswith("utm_") or name in TRACKING_PARAMETERS:
                continue
            return None
        if name not in parameters:
            continue
        if name in kept:
            return None
        if value.isascii() and value.isdigit():
            value = str(int(value))
        elif value not in ("", "last"):
            return None
        kept[name] = value
    return urlencode(sorted(kept.items()))


def content_etag(content):
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def _http_timestamp(moment):
    return timegm(moment.utctimetuple())


class PageCacheMiddleware:
    """Serve anonymous readers whole pages from the cache; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.recent = OrderedDict()
        self.lock = threading.Lock()

    @cached_property
    def ticker_path(self):
        return reverse("ticker:live")

    @cached_property
    def breaking_path(self):
        return reverse("ticker:breaking")

    @cached_property
    def search_path(self):
        return reverse("articles:search")

    @cached_property
    def private_prefixes(self):
        """Return the path prefixes that are never cached: admin, previews, files."""
        preview = reverse("articles:preview", kwargs={"token": "x"})
        prefixes = [
            f"/{settings.ADMIN_URL}",
            preview[: preview.rindex("x")],
            settings.STATIC_URL,
            "/healthz",
            "/readyz",
        ]
        if settings.MEDIA_URL.startswith("/"):
            prefixes.append(settings.MEDIA_URL)
        return tuple(prefixes)

    @cached_property
    def release(self):
        """Return a fingerprint of the static files, so a deploy starts afresh."""
        from django.contrib.staticfiles.storage import staticfiles_storage

        return getattr(staticfiles_storage, "manifest_hash", "") or "-"

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        path = request.path_info
        if path == self.ticker_path:
            return self.ticker(request)
        if path == self.breaking_path:
            return self.ticker(request, breaking=True)
        if path.startswith(self.private_prefixes):
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.fresh(request)
        if settings.PAGE_CACHE_SECONDS <= 0:
            return self.conditional(request, self.get_response(request))
        query = None
        if path != self.search_path:
            query = self.cache_query(request)
        if query is None:
            return self.uncached(request)
        return self.cached(request, query)

    # Anonymous readers, pages that are kept.

    def cache_query(self, request):
        """Return the part of the query string that makes a page, or None."""
        query_string = request.META.get("QUERY_STRING", "")
        if not query_string:
            return ""
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return normalised_query(query_string, view_parameters(match.func))

    def cached(self, request, query):
        url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
        key = f"{ENTRY_PREFIX}{self.release}:{digest}"
        try:
            generation = current_generation()
            entry = None if generation is None else self.lookup(key, generation)
        except Exception:
            logger.exception("Page cache unavailable; serving %s uncached", url)
            return self.conditional(request, self.get_response(request))
        if generation is None:
            # A cache that keeps nothing (dummy://) cannot tell when a page changed.
            return self.conditional(request, self.get_response(request))
        now = timezone.now()
        if (
            entry is not None
            and entry.generation == generation
            and now.timestamp() < entry.expires
        ):
            return self.replay(request, entry, now)

        expires = valid_until(now, generation)
        response = self.get_response(request)
        response.headers["X-Page-Cache"] = "miss"
        if request.method != "GET" or not self.storable(response, request):
            return self.finish_uncached(request, response, expires)
        etag = content_etag(response.content)
        entry = Entry(
            generation=generation,
            content=response.content,
            headers=tuple(
                (name, value)
                for name, value in response.items()
                if name.lower() not in OWN_HEADERS
            ),
            etag=etag,
            last_modified=self.last_modified(digest, etag, now),
            expires=expires.timestamp(),
        )
        timeout = math.floor(entry.expires - timezone.now().timestamp())
        if timeout > 0:
            try:
                _page_cache().set(key, entry, timeout=timeout)
            except Exception:
                logger.exception("Could not store %s in the page cache", url)
            else:
                self.remember(key, entry)
        return self.validated(request, response, entry, now)

    def lookup(self, key, generation):
        """Return the entry stored under key for this generation, or None.

        The pages read most often are also kept in this process: a copy is as good as
        the shared one while its generation is current, and saves reading (and
        unpickling) the whole page again.
        """
        entry = self.recent.get(key)
        if entry is None or entry.generation != generation:
            entry = _page_cache().get(key)
            if entry is None or entry.generation != generation:
                self.recent.pop(key, None)
                return None
        self.remember(key, entry)
        return entry

    def remember(self, key, entry):
        with self.lock:  # gunicorn may run threads (GUNICORN_THREADS)
            self.recent[key] = entry
            self.recent.move_to_end(key)
            while len(self.recent) > RECENT_PAGES:
                self.recent.popitem(last=False)

    def storable(self, response, request):
        """Return whether a response is the same for every anonymous reader."""
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        # A page with an inline script carries this request's CSP nonce; a copy
        # would carry it to everyone else, and their header would not match it.
        if getattr(request, "csp_nonce", None):
            return False
        # A view with its own caching policy (private, no-store, ...) keeps it.
        if response.has_header("Cache-Control"):
            return False
        # Pages that vary on a request header (Cookie, above all) are per reader.
        return not response.has_header("Vary")

    def last_modified(self, digest, etag, now):
        """Return when this page's content last changed, as far as the cache knows.

        The same content keeps its date through unrelated invalidations; new content
        gets a later one, at least a second later (HTTP dates have whole seconds), so
        If-Modified-Since never matches a page it has not seen.
        """
        key = f"{HISTORY_PREFIX}{digest}"
        stamp = _http_timestamp(now)
        try:
            previous = _page_cache().get(key)
            if previous is not None:
                previous_etag, previous_stamp = previous
                if previous_etag == etag:
                    return previous_stamp
                stamp = max(stamp, previous_stamp + 1)
            _page_cache().set(key, (etag, stamp), timeout=HISTORY_SECONDS)
        except Exception:
            logger.exception("Page cache unavailable for Last-Modified")
        return stamp

    def replay(self, request, entry, now):
        if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in (
            request.META
        ):
            response = get_conditional_response(
                request, etag=entry.etag, last_modified=entry.last_modified
            )
            if response is not None and response.status_code == 304:
                self.set_validators(response, entry, now)
                response.headers["X-Page-Cache"] = "hit"
                return response
        response = HttpResponse(entry.content)
        for name, value in entry.headers:
            response.headers[name] = value
        self.set_validators(response, entry, now)
        response.headers["X-Page-Cache"] = "hit"
        return response

    def validated(self, request, response, entry, now):
        self.set_validators(response, entry, now)
        return get_conditional_response(
            request,
            etag=entry.etag,
            last_modified=entry.last_modified,
            response=response,
        )

    def set_validators(self, response, entry, now):
        response.headers["ETag"] = entry.etag
        response.headers["Last-Modified"] = http_date(entry.last_modified)
        response.headers["Cache-Control"] = self.public_cache_control(
            entry.expires - now.timestamp()
        )

    @staticmethod
    def public_cache_control(remaining):
        """Let browsers and a CDN keep the page briefly, never past its next change."""
        max_age = max(0, min(settings.PAGE_CACHE_MAX_AGE, math.floor(remaining)))
        stale = settings.PAGE_CACHE_STALE_SECONDS
        return f"public, max-age={max_age}, stale-while-revalidate={stale}"

    # Anonymous readers, pages that are not kept (search, unknown parameters).

    def uncached(self, request):
        response = self.get_response(request)
        if not self.storable(response, request):
            return self.conditional(request, response)
        try:
            now = timezone.now()
            generation = current_generation()
            if generation is None:  # a cache that keeps nothing (dummy://)
                return self.conditional(request, response)
            expires = valid_until(now, generation)
        except Exception:
            logger.exception("Page cache unavailable; no Cache-Control for %s", request)
            return self.conditional(request, response)
        return self.finish_uncached(request, response, expires)

    def finish_uncached(self, request, response, expires):
        if self.storable(response, request):
            response.headers["Cache-Control"] = self.public_cache_control(
                expires.timestamp() - timezone.now().timestamp()
            )
        return self.conditional(request, response)

    @staticmethod
    def conditional(request, response):
        """Answer If-None-Match with 304 for a response the cache does not keep."""
        if (
            response.status_code != 200
            or response.streaming
            or request.method not in ("GET", "HEAD")
        ):
            return response
        if not response.has_header("ETag"):
            response.headers["ETag"] = content_etag(response.content)
        last_modified = response.get("Last-Modified")
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=last_modified and parse_http_date_safe(last_modified),
            response=response,
        )

    # Editors.

    def fresh(self, request):
        """Serve a logged-in editor a page rendered now, for them alone."""
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return self.conditional(request, response)

    # The ticker's live endpoint.

    def ticker(self, request, *, breaking=False):
        """Answer the ticker's endpoints (the list, and the breaking-news banner that
        open pages check every few seconds) from the ticker's cache, before sessions
        & co.

        The views read no cookie, session or user; this adds what the rest of the
        stack would (host validation, X-Frame-Options, Content-Length). Open pages
        poll them all the time and mostly get 304: that answer is made here directly.
        """
        request.get_host()
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        state = self.ticker_state() if if_none_match else None
        etag = None
        if state is not None:
            etag = state.banner_etag if breaking else state.etag
        if etag is not None and etag in {
            tag.strip().removeprefix("W/") for tag in if_none_match.split(",")
        }:
            # The headers the views give their own 304.
            response = HttpResponseNotModified()
            response.headers["ETag"] = etag
            if breaking:
                max_age = state.max_age(at_most=BREAKING_CACHE_SECONDS)
            else:
                max_age = state.max_age()
                response.headers["Last-Modified"] = http_date(
                    _http_timestamp(state.last_modified)
                )
            response.headers["Cache-Control"] = f"public, max-age={max_age}"
            response.headers["X-Robots-Tag"] = "noindex"
        else:
            response = (ticker_breaking if breaking else ticker_live)(request)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if response.status_code == 200 and not response.streaming:
            response.headers["Content-Length"] = str(len(response.content))
        return response

    def ticker_state(self):
        """Return the ticker's state, kept in this process while it is current.

        A state is the same in every process for as long as its generation is
        current and its time has not run out, so this reads one small key (the
        generation) instead of the whole state.
        """
        try:
            generation = _cache().get(TICKER_GENERATION_KEY)
        except Exception:
            logger.exception("Cache unavailable for the ticker")
            return None
        state = self._ticker_state
        if (
            state is None
            or generation is None
            or state.generation != generation
            or timezone.now() >= state.valid_until
        ):
            state = self._ticker_state = get_state()
        return state

    _ticker_state = None
