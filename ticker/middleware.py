"""The ticker's fast path: open pages poll the live endpoint and check the
breaking-news banner all the time, and most of those requests get 304. This answers
them before sessions, CSRF and authentication."""

from functools import cached_property

from django.conf import settings
from django.http import HttpResponseNotModified
from django.urls import reverse

from . import views
from .live import current_state


class TickerLiveMiddleware:
    """Answer the ticker's endpoints (the list, and the breaking-news banner that
    open pages check every few seconds) from the ticker's cache, early in
    MIDDLEWARE.

    The views read no cookie, session or user; this adds what the rest of the stack
    would (host validation, X-Frame-Options, Content-Length).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def paths(self):
        return {reverse("ticker:live"): False, reverse("ticker:breaking"): True}

    def __call__(self, request):
        breaking = self.paths.get(request.path_info)
        if breaking is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        request.get_host()
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        state = current_state() if if_none_match else None
        validators = state.validators(banner=breaking) if state else None
        if validators is not None and validators.etag in {
            tag.strip().removeprefix("W/") for tag in if_none_match.split(",")
        }:
            # The views answer with the same headers (live.Validators).
            response = HttpResponseNotModified()
            validators.apply_to(response)
        else:
            response = (views.breaking if breaking else views.live)(request)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if response.status_code == 200 and not response.streaming:
            response.headers["Content-Length"] = str(len(response.content))
        return response
