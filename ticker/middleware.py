"""The ticker's fast path: open pages poll the live endpoint all the time, and most
polls get 304. This answers them before sessions, CSRF and authentication."""

from calendar import timegm
from functools import cached_property

from django.conf import settings
from django.http import HttpResponseNotModified
from django.urls import reverse
from django.utils.http import http_date

from . import views
from .live import current_state


class TickerLiveMiddleware:
    """Answer the ticker endpoint from the ticker's cache, early in MIDDLEWARE.

    The view reads no cookie, session or user; this adds what the rest of the stack
    would (host validation, X-Frame-Options, Content-Length).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def path(self):
        return reverse("ticker:live")

    def __call__(self, request):
        if request.path_info != self.path or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        request.get_host()
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        state = current_state() if if_none_match else None
        if state is not None and state.etag in {
            tag.strip().removeprefix("W/") for tag in if_none_match.split(",")
        }:
            # The headers views.live gives its own 304.
            response = HttpResponseNotModified()
            response.headers["ETag"] = state.etag
            response.headers["Last-Modified"] = http_date(
                timegm(state.last_modified.utctimetuple())
            )
            response.headers["Cache-Control"] = f"public, max-age={state.max_age()}"
            response.headers["X-Robots-Tag"] = "noindex"
        else:
            response = views.live(request)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if response.status_code == 200 and not response.streaming:
            response.headers["Content-Length"] = str(len(response.content))
        return response
