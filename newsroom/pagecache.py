"""Whole public pages for anonymous readers, from a cache every worker process shares.

`PageCacheMiddleware` sits early in MIDDLEWARE, before sessions, CSRF and
authentication, so a hit costs a few cache reads and no database query. It knows no
app: apps tell it what each page shows (tags), when their content changes and when
time changes pages by itself, through newsroom/cachetags.py. A stored page is an
`Entry`: body, headers, tags, the moment its rendering began and the moment it
stops being true by time. It is served while all hold:

- None of its tags changed since its rendering began (one get_many of their stamps).
- No scheduled moment (an embargo lifting, an article expiring) passed since then,
  and its own time has not run out (midnight: "vandaag" becomes "gisteren").

A dropped page that many readers ask for at once is rendered by one worker, across
processes (a short lock taken with cache.add()); the others get the previous copy
for those few seconds, or wait for the new one when there is none.

Fragments that change on their own (the ticker) are joined to the page when it is
served, so they never make pages stale. Editors (a request with the session cookie)
always get a fresh page, marked private, and never fill the cache.

docs/caching.md describes the design; `invalidate()` is for bulk writes that send no
signals (queryset.update(), bulk_create()).
"""

import hashlib
import logging
import math
import threading
import time
from calendar import timegm
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from . import cachetags
from .cachetags import invalidate  # noqa: F401  (the documented entry point)

logger = logging.getLogger(__name__)

ENTRY_PREFIX = "pagecache:page:"
HISTORY_PREFIX = "pagecache:history:"
LOCK_PREFIX = "pagecache:rendering:"

# A page's last ETag and Last-Modified, kept across invalidations: once it is gone,
# the page's next Last-Modified is simply "now", which is later than any given out.
HISTORY_SECONDS = 24 * 60 * 60
# How long one worker may take to render a dropped page while the others serve the
# previous copy (or wait for the new one, when there is none); and how long a copy
# is kept past its time for that purpose.
LOCK_SECONDS = 10
STALE_SECONDS = 30
WAIT_STEP = 0.02
# The query parameters of Django's views (ours carry a page_cache_parameters
# attribute): the sitemap reads ?p=, the sitemap index nothing.
VIEW_PARAMETERS = {sitemap_views.sitemap: ("p",), sitemap_views.index: ()}
# Campaign and click ids that links from social media and newsletters carry; no view
# reads them, so they never make a page of their own.
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"})
# Pages a worker process also keeps in its own memory (about 10-60 kB each).
RECENT_PAGES = 100
# Headers the middleware sets itself on every answer from the cache.
OWN_HEADERS = frozenset(
    {
        "cache-control",
        "etag",
        "last-modified",
        "x-page-cache",
        "content-length",
        "surrogate-key",
        "cache-tag",
    }
)


@dataclass(frozen=True)
class Entry:
    versions: tuple  # ((tag, version), ...), ALL included
    rendered_at: float
    content: bytes
    headers: tuple
    etag: str
    last_modified: int
    expires: float

    @property
    def tags(self):
        return tuple(tag for tag, _version in self.versions if tag != cachetags.ALL)

    def is_current(self, values, clock, now):
        return (
            now < self.expires
            and self.rendered_at >= clock.passed
            and cachetags.is_current(self.versions, values)
        )


def _cache():
    return caches["default"]


def _page_cache():
    # The embedded default keeps pages in a cache of their own, so that culling the
    # many page files never throws out the few small keys everything depends on.
    return caches["pages" if "pages" in settings.CACHES else "default"]


def read_state(tags, now):
    """Return (stamps, clock) for a page with tags: one get_many, and the clock
    asked again (a query) only when it is missing, outdated or its moment passed."""
    keys = [cachetags.tag_key(tag) for tag in (*tags, cachetags.ALL)]
    keys += [cachetags.CLOCK_KEY, cachetags.CLOCK_VERSION_KEY, cachetags.CHANGE_KEY]
    values = _cache().get_many(keys)
    clock = values.get(cachetags.CLOCK_KEY)
    if not cachetags.clock_is_current(clock, values, now):
        clock = cachetags.refresh_clock(clock, now, values)
    return values, clock


def valid_until(request, now, clock):
    """Return the moment (a timestamp) a page rendered at now stops being true by
    time alone."""
    moments = [now + settings.PAGE_CACHE_SECONDS]
    if clock.next is not None:
        moments.append(clock.next)
    own = getattr(request, "cache_expires", None)
    if own is not None:
        moments.append(own.timestamp())
    if not settings.CACHE_IS_SHARED:
        # Another process cannot reach this one's cache to invalidate it.
        moments.append(now + settings.TICKER_POLL_SECONDS)
    return min(moments)


def view_parameters(view):
    """Return the query parameters a view reads (its pages differ by), or None
    when it does not say."""
    view_class = getattr(view, "view_class", None)
    if getattr(view_class or view, "page_cache_query", True) is False:
        return None  # every query string is a page of its own: none is kept
    for owner in (view, view_class):
        declared = getattr(owner, "page_cache_parameters", None)
        if declared is not None:
            return frozenset(declared)
    original = getattr(view, "__wrapped__", view)  # cachetags.tagged()
    if original in VIEW_PARAMETERS:
        return frozenset(VIEW_PARAMETERS[original])
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


def join_fragments(content, etag, last_modified):
    """Return content with the fragments put in, its ETag and Last-Modified, and the
    longest a browser or CDN may keep it for the fragments (None: no limit)."""
    found = cachetags.fragments_in(content)
    if not found:
        return content, etag, last_modified, None
    versions = [etag]
    max_age = None
    for mark, fragment in found:
        content = content.replace(mark, fragment.html.encode())
        versions.append(fragment.etag)
        last_modified = max(last_modified or 0, fragment.last_modified)
        max_age = min(fragment.max_age, max_age or fragment.max_age)
    etag = content_etag("".join(versions).encode())
    return content, etag, last_modified, max_age


def surrogate_headers(response, tags):
    """Name the page's tags for the edge: Fastly and Varnish (xkey) read
    Surrogate-Key, Cloudflare Cache-Tag. The edge strips both before readers."""
    tags = (*tags, cachetags.ALL)
    response.headers["Surrogate-Key"] = " ".join(tags)
    response.headers["Cache-Tag"] = ",".join(tags)


class PageCacheMiddleware:
    """Serve anonymous readers whole pages from the cache; see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.recent = OrderedDict()
        self.lock = threading.Lock()

    @cached_property
    def private_prefixes(self):
        """Return the path prefixes that are never cached: admin, files, probes.
        (A view that must not be kept says so with its own Cache-Control.)"""
        prefixes = [
            f"/{settings.ADMIN_URL}",
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
        if path.startswith(self.private_prefixes):
            return self.joined(request, self.get_response(request))
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.fresh(request)
        if settings.PAGE_CACHE_SECONDS <= 0:
            return self.conditional(request, self.get_response(request))
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
        started = time.time()
        url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
        key = f"{ENTRY_PREFIX}{self.release}:{digest}"
        try:
            entry = self.lookup(key)
            values, clock = read_state(entry.tags if entry else (), started)
            changes = values.get(cachetags.CHANGE_KEY) or cachetags.current_version(
                cachetags.CHANGE_KEY
            )
        except Exception:
            logger.exception("Page cache unavailable; serving %s uncached", url)
            return self.conditional(request, self.get_response(request))
        if changes is None:
            # A cache that keeps nothing (dummy://) cannot tell when a page changed.
            return self.conditional(request, self.get_response(request))
        if entry is not None and entry.is_current(values, clock, started):
            return self.replay(request, entry, started, "hit")
        locked = self.take_lock(digest)
        if not locked:
            waited = self.while_rendered(key, digest, entry, started)
            if waited is not None:
                return self.replay(request, *waited)
        try:
            return self.render(request, key, digest, started, changes)
        finally:
            if locked:
                self.release_lock(digest)

    def render(self, request, key, digest, started, changes):
        """Render the page and store it with the versions of its tags, unless
        something changed while it was rendered (or the cache is away)."""
        response = self.get_response(request)
        if request.method != "GET" or not self.storable(response, request):
            response.headers["X-Page-Cache"] = "miss"
            return self.finish_uncached(request, response)
        tags = cachetags.page_tags(request)
        try:
            values, clock = read_state(tags, started)
            versions = cachetags.versions_of(tags, values)
        except Exception:
            logger.exception("Page cache unavailable; not storing %s", request.path)
            return self.conditional(request, response)
        if versions is None or changes != values.get(cachetags.CHANGE_KEY):
            response.headers["X-Page-Cache"] = "miss"
            return self.finish_uncached(request, response, started)
        etag = content_etag(response.content)
        entry = Entry(
            versions=versions,
            rendered_at=started,
            content=response.content,
            headers=tuple(
                (name, value)
                for name, value in response.items()
                if name.lower() not in OWN_HEADERS
            ),
            etag=etag,
            last_modified=self.last_modified(digest, etag, started),
            expires=valid_until(request, started, clock),
        )
        timeout = math.floor(entry.expires - time.time()) + STALE_SECONDS
        if timeout > STALE_SECONDS:
            try:
                _page_cache().set(key, entry, timeout=timeout)
            except Exception:
                logger.exception("Could not store %s in the page cache", request.path)
            else:
                self.remember(key, entry)
        return self.replay(request, entry, started, "miss")

    # One render per dropped page, across processes.

    def take_lock(self, digest):
        """Return whether this worker renders the page (no other one is at it)."""
        cache = _cache()
        lock = f"{LOCK_PREFIX}{digest}"
        if cache.add(lock, 1, timeout=LOCK_SECONDS):
            return True
        # add() also answers False when the cache is away: then render.
        return cache.get(lock) is None

    def release_lock(self, digest):
        try:
            _cache().delete(f"{LOCK_PREFIX}{digest}")
        except Exception:
            logger.exception("Page cache unavailable; rendering lock left to expire")

    def while_rendered(self, key, digest, previous, started):
        """Return (entry, now, state) to serve while another worker renders: the
        previous copy when there is one, else the new one once it is stored (None
        when it does not come in time: then this worker renders too)."""
        if previous is not None and started < previous.expires + STALE_SECONDS:
            return previous, started, "stale"
        # No copy to serve: wait for the one being rendered (stored under the same
        # key, newer than what was there), while the other worker is at it.
        seen = previous.rendered_at if previous is not None else -math.inf
        deadline = time.monotonic() + LOCK_SECONDS
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
            entry = _page_cache().get(key)
            if entry is not None and entry.rendered_at > seen:
                return entry, time.time(), "hit"
            if _cache().get(f"{LOCK_PREFIX}{digest}") is None:
                return None
        return None

    def lookup(self, key):
        """Return the entry stored under key, or None.

        The pages read most often are also kept in this process: a copy is as good
        as the shared one while it is current, and saves reading (and unpickling) the
        whole page again; the shared one is read when the copy is not the newest.
        """
        entry = self.recent.get(key)
        if entry is not None:
            self.recent.move_to_end(key)
            return entry
        entry = _page_cache().get(key)
        if entry is not None:
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
        stamp = math.floor(now)
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

    def replay(self, request, entry, now, state):
        """Answer from entry, with the fragments joined: 200, or 304 for a reader
        whose copy is current."""
        content, etag, last_modified, max_age = join_fragments(
            entry.content, entry.etag, entry.last_modified
        )
        # A copy served while another worker renders its successor is not for
        # keeping: browsers and the edge ask again.
        remaining = entry.expires - now if state != "stale" else 0
        if max_age is not None:
            remaining = min(remaining, max_age)
        if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in (
            request.META
        ):
            response = get_conditional_response(
                request, etag=etag, last_modified=last_modified
            )
            if response is not None and response.status_code == 304:
                self.set_validators(response, etag, last_modified, remaining)
                surrogate_headers(response, entry.tags)
                response.headers["X-Page-Cache"] = state
                return response
        response = HttpResponse(content)
        for name, value in entry.headers:
            response.headers[name] = value
        response.headers["Content-Length"] = str(len(content))
        self.set_validators(response, etag, last_modified, remaining)
        surrogate_headers(response, entry.tags)
        response.headers["X-Page-Cache"] = state
        return response

    def set_validators(self, response, etag, last_modified, remaining):
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        response.headers["Cache-Control"] = self.public_cache_control(remaining)

    @staticmethod
    def public_cache_control(remaining):
        """Let browsers and a CDN keep the page briefly, never past its next change."""
        max_age = max(0, min(settings.PAGE_CACHE_MAX_AGE, math.floor(remaining)))
        stale = settings.PAGE_CACHE_STALE_SECONDS
        return f"public, max-age={max_age}, stale-while-revalidate={stale}"

    # Anonymous readers, pages that are not kept (search, unknown parameters).

    def uncached(self, request):
        started = time.time()
        response = self.get_response(request)
        if not self.storable(response, request):
            return self.conditional(request, response)
        return self.finish_uncached(request, response, started)

    def finish_uncached(self, request, response, started=None):
        if not self.storable(response, request):
            return self.conditional(request, response)
        started = started or time.time()
        try:
            _values, clock = read_state((), started)
        except Exception:
            logger.exception("Page cache unavailable; no Cache-Control for %s", request)
            return self.conditional(request, response)
        remaining = valid_until(request, started, clock) - time.time()
        response = self.joined(request, response)
        max_age = getattr(response, "fragment_max_age", None)
        if max_age is not None:
            remaining = min(remaining, max_age)
        response.headers["Cache-Control"] = self.public_cache_control(remaining)
        surrogate_headers(response, cachetags.page_tags(request))
        return self.conditional(request, response)

    def joined(self, request, response):
        """Put the fragments into a response that is not kept."""
        if response.streaming or "html" not in response.get("Content-Type", ""):
            return response
        etag = response.get("ETag") or ""
        last_modified = parse_http_date_safe(response.get("Last-Modified") or "")
        content, new_etag, new_modified, max_age = join_fragments(
            response.content, etag, last_modified
        )
        if content is response.content:
            return response
        response.content = content
        response.fragment_max_age = max_age
        if response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(content))
        if etag:
            response.headers["ETag"] = new_etag
        if last_modified:
            response.headers["Last-Modified"] = http_date(new_modified)
        return response

    def conditional(self, request, response):
        """Answer If-None-Match with 304 for a response the cache does not keep."""
        response = self.joined(request, response)
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
