from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views import generic
from django.views.decorators.http import require_safe

from newsroom import cachetags

from .live import PAGES_TAG, cached_valid_until, get_state
from .models import TickerItem

ARCHIVE_PAGE_SIZE = 50


@require_safe
def live(request):
    """Return the ticker's item list as an HTML fragment for open pages to poll.

    Public and the same for everyone: it reads no session, cookie or user, so a CDN
    may keep it for the poll interval and answer If-None-Match with 304 itself.
    """
    return _answer(request, banner=False)


@require_safe
def breaking(request):
    """Return the breaking-news banner as an HTML fragment (empty without breaking
    news): the cheap check that open pages make every few seconds.

    Public and the same for everyone, like live(); an unchanged banner is a 304.
    """
    return _answer(request, banner=True)


def _answer(request, *, banner):
    state = get_state()
    validators = state.validators(banner=banner)
    response = get_conditional_response(
        request, etag=validators.etag, last_modified=validators.last_modified
    )
    if response is None:
        response = HttpResponse(
            state.banner_html if banner else state.html,
            content_type="text/html; charset=utf-8",
        )
    # TickerLiveMiddleware gives its own 304s the same headers.
    return validators.apply_to(response)


class TickerArchiveView(generic.ListView):
    """The "Laatste nieuws" page: every ticker item that ran, newest first, by day."""

    template_name = "ticker/tickeritem_list.html"
    paginate_by = ARCHIVE_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        tag_ticker_page(request)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return TickerItem.objects.public().with_links()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        context["today"] = timezone.localdate()
        context["yesterday"] = context["today"] - timedelta(days=1)
        return context


def tag_ticker_page(request):
    """Say what a page listing ticker items shows and when time changes it (the
    next scheduled item, expiry or midnight: the state knows)."""
    cachetags.add_tags(request, PAGES_TAG)
    cachetags.expires(request, cached_valid_until())
