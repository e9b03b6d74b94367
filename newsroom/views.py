"""Project-level views: health probes and uploaded media."""

import logging
import os
import posixpath
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import FileResponse, Http404, HttpResponseNotModified, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

logger = logging.getLogger(__name__)


def _probe_response(http_status, **fields):
    response = JsonResponse(fields, status=http_status)
    # Load balancers and proxies must ask every time, never answer from a cache.
    add_never_cache_headers(response)
    return response


def healthz(request):
    """Say the process is alive; touch neither the database nor the cache."""
    return _probe_response(200, status="ok")


def readyz(request):
    """Say whether this server can serve pages: the database must answer.

    Without the cache the site is slower, not down (newsroom/cache.py): the answer is
    then still 200, with "degraded" and the reason, so that a load balancer keeps
    every server in rotation while the one cache they share is away.
    """
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # Django drops the broken connection when the request ends (the connection
        # health checks), so the next probe connects afresh.
        logger.warning("readyz: database unavailable: %s", exc)
        return _probe_response(503, status="unavailable", reason="database")

    # One key per worker thread: concurrent probes must not read each other's value.
    key = f"readyz:{os.getpid()}:{threading.get_ident()}"
    token = uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=10)
        cache_ok = cache.get(key) == token
    except Exception as exc:  # a backend that raises rather than degrades
        logger.warning("readyz: cache unavailable: %s", exc)
        cache_ok = False
    if not cache_ok:
        logger.warning("readyz: cache unavailable, serving uncached pages")
        return _probe_response(200, status="degraded", reason="cache")
    return _probe_response(200, status="ok")


# Served inline with their own type, each recognised by its first bytes as well as its
# name: a renamed HTML page or SVG is not an image and goes out as an attachment.
_JPEG = ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff"))
INLINE_IMAGES = {
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".gif": ("image/gif", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    ".avif": ("image/avif", lambda head: head[4:12] in (b"ftypavif", b"ftypavis")),
}
MEDIA_MAX_AGE = 60 * 60 * 24
# Image renditions carry a hash of their bytes in their name (images/images.py): a
# changed rendition is a new file, so any cache may keep one for a year.
RENDITIONS_DIR = "renditions"
RENDITION_MAX_AGE = 60 * 60 * 24 * 365
# Even opened directly, a media file may not run script, load anything or be framed.
MEDIA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


def _inline_image_type(path):
    """Return the image type to serve path inline with, or None."""
    content_type, looks_right = INLINE_IMAGES.get(path.suffix.lower(), (None, None))
    if content_type is None:
        return None
    with open(path, "rb") as f:
        return content_type if looks_right(f.read(16)) else None


def _media_file(relative):
    """Return the file under MEDIA_ROOT that relative names, or raise Http404."""
    if "\x00" in relative or "\\" in relative:
        raise Http404
    relative = posixpath.normpath(relative).lstrip("/")
    parts = relative.split("/")
    if not relative or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        raise Http404
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    # resolve() follows symlinks too: a link pointing out of MEDIA_ROOT is refused.
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404
    return path


@require_safe
def serve_media(request, path):
    """Serve an uploaded file: known raster images inline, anything else as download."""
    fullpath = _media_file(path)
    stat = fullpath.stat()
    if not was_modified_since(
        request.META.get("HTTP_IF_MODIFIED_SINCE"), int(stat.st_mtime)
    ):
        response = HttpResponseNotModified()
    else:
        content_type = _inline_image_type(fullpath)
        response = FileResponse(
            fullpath.open("rb"),
            as_attachment=content_type is None,
            filename=fullpath.name,
            content_type=content_type or "application/octet-stream",
        )
        response["Last-Modified"] = http_date(stat.st_mtime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    root = Path(settings.MEDIA_ROOT).resolve()
    if fullpath.relative_to(root).parts[0] == RENDITIONS_DIR:
        patch_cache_control(
            response, public=True, max_age=RENDITION_MAX_AGE, immutable=True
        )
    else:
        # Uploads get a new name when replaced, so a day in shared caches is safe.
        patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE)
    return response
