"""The poll endpoint's fast path: every open live blog page asks it every few seconds
(`LIVEBLOG_POLL_SECONDS`), and nearly every answer is a 304. Like the ticker's
(ticker/middleware.py), this answers those before the page cache, sessions, CSRF
and authentication, with one read of the shared cache.

Each worker remembers, per live blog address, the last answer the page cache gave
(its ETag and headers) with the versions of the tags it carries (`liveblog-<id>`,
`article-<id>`: liveblog/cache.py), read before that answer was made. A request
whose `If-None-Match` names that ETag gets a 304 while those versions are current:
any change the live blog's pages would be dropped for also ends the fast answer. The
page cache's clock (an article reaching its expiry) is not read here, so a memory
is trusted for at most `MEMORY_SECONDS`.
"""

import re
import time
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponseNotModified
from django.urls import reverse

from newsroom import cachetags

MEMORY_SECONDS = 30
# Addresses remembered per worker; past it the memory starts afresh.
MAX_REMEMBERED = 2000
KEPT_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Surrogate-Key", "Cache-Tag")
OWN_TAG = re.compile(r"^(?:liveblog|article)-\d+$")


@dataclass(frozen=True)
class Answer:
    keys: tuple  # the tag version keys the answer depends on
    versions: tuple | None  # their versions when it was made; None: not known yet
    headers: tuple  # (name, value) of KEPT_HEADERS
    etag: str
    until: float


class LiveBlogPollMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.answers = {}

    @cached_property
    def affixes(self):
        """Return the poll address before and after its slug ("/artikel/", "/live/")."""
        path = reverse("liveblog:poll", kwargs={"slug": "slug"})
        before, after = path.split("slug")
        return before, after

    def slug(self, path):
        before, after = self.affixes
        if path.startswith(before) and path.endswith(after):
            slug = path[len(before) : -len(after)]
            if slug and "/" not in slug:
                return slug
        return None

    def __call__(self, request):
        path = request.path_info
        slug = self.slug(path) if request.method in ("GET", "HEAD") else None
        if slug is None:
            return self.get_response(request)
        request.get_host()
        remembered = self.answers.get(path)
        if remembered is not None and remembered.until < time.monotonic():
            remembered = None
        values = None
        if remembered is not None:
            values = caches["default"].get_many(remembered.keys)
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH", "")
        if (
            remembered is not None
            and remembered.versions is not None
            and tuple(values.get(key) for key in remembered.keys) == remembered.versions
            and remembered.etag
            in {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        ):
            response = HttpResponseNotModified()
            for name, value in remembered.headers:
                response.headers[name] = value
            response.headers["X-Robots-Tag"] = "noindex"
            response.headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
            return response
        response = self.get_response(request)
        self.remember(path, response, remembered, values)
        return response

    def remember(self, path, response, remembered, values):
        """Keep what the page cache answered, with the versions read before it."""
        etag = response.get("ETag")
        if response.status_code not in (200, 304) or not etag:
            return
        if response.get("X-Page-Cache") not in ("hit", "miss"):
            return  # not from the page cache (editors, the cache away or off)
        tags = [
            tag
            for tag in response.get("Surrogate-Key", "").split()
            if OWN_TAG.match(tag)
        ]
        if not tags:
            return
        keys = tuple(sorted(cachetags.tag_key(tag) for tag in tags))
        versions = None
        if remembered is not None and remembered.keys == keys and values is not None:
            versions = tuple(values.get(key) for key in keys)
            if None in versions:
                versions = None
        if len(self.answers) >= MAX_REMEMBERED:
            self.answers.clear()
        self.answers[path] = Answer(
            keys=keys,
            versions=versions,
            headers=tuple(
                (name, response[name]) for name in KEPT_HEADERS if name in response
            ),
            etag=etag,
            until=time.monotonic() + MEMORY_SECONDS,
        )
