"""The live blog as readers see it: the article page with its updates (through the
article page's hook), the poll endpoint open pages ask every few seconds, and the
fragment of new updates a reader inserts by pressing the button."""

import functools
import json

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db import connections, router
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from articles import rows
from articles.html import sanitize_html
from articles.models import Author
from articles.views import ArticleDetailView
from images.models import Image

from . import cache
from .models import PAGE_SIZE, LiveBlog, LiveBlogUpdate

KEY_EVENTS_SHOWN = 10
# The most updates one press of the "nieuwe updates" button inserts; more than that
# and the reader gets the page afresh.
MAX_INSERTED = 50


class CountedPaginator(Paginator):
    """A paginator told the count (LiveBlog.visible_updates) rather than asking."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


def page_updates(liveblog):
    return liveblog.updates.visible().in_page_order().select_related("author", "image")


# The live blog's row and its key events, read on every uncached view of its page,
# in SQL written once per process and run with raw(), like the article's own row
# (articles/rows.py): turning these querysets into SQL cost more than running them.
# raw() converts the columns as a queryset would.


@functools.cache
def _sql(alias):
    quote = connections[alias].ops.quote_name
    liveblog = quote(LiveBlog._meta.db_table)
    updates = quote(LiveBlogUpdate._meta.db_table)
    return {
        "liveblog": f"SELECT * FROM {liveblog} WHERE {quote('id')} = %s",
        "key_events": (
            f"SELECT {quote('id')}, {quote('title')}, {quote('published_at')} "
            f"FROM {updates} WHERE {quote('liveblog_id')} = %s "
            f"AND {quote('key_event')} AND {quote('approved')} "
            f"ORDER BY {quote('published_at')} DESC, {quote('id')} DESC "
            f"LIMIT {KEY_EVENTS_SHOWN}"
        ),
    }


def _raw(model, name, *params):
    alias = router.db_for_read(model)
    return list(model.objects.using(alias).raw(_sql(alias)[name], params))


# A page of updates with their authors and images, in the order of in_page_order().
PAGE = rows.JoinedQuery(
    "a.liveblog_id = %s AND a.approved "
    "ORDER BY a.pinned DESC, a.published_at DESC, a.id DESC LIMIT %s OFFSET %s",
    joins=[
        rows.Join("author", Author, "author_id", "id"),
        rows.Join("image", Image, "image_id", "id"),
    ],
    model=LiveBlogUpdate,
)


def key_events(liveblog):
    """Return the newest key events readers see (the same rows as
    visible().filter(key_event=True), newest first)."""
    return _raw(LiveBlogUpdate, "key_events", liveblog.pk)


def permalink_prefix():
    """Return an update's permalink without its id: "/live/update/".

    One reverse() per page rather than one per update and key event: with the
    project's URLconf a reverse() costs about as much as rendering an update.
    """
    return reverse("liveblog:update", kwargs={"pk": 0})[:-2]


def prepare(updates, prefix=None):
    """Give each update its cleaned body and permalink, ready for the template."""
    prefix = prefix or permalink_prefix()
    for update in updates:
        update.permalink = f"{prefix}{update.pk}/"
        # save() cleans it; cleaning again on the way out also covers rows written
        # around it (queryset.update(), loaddata).
        update.safe_body = mark_safe(sanitize_html(update.body))
    return updates


def page_of(liveblog, update_id):
    """Return the page number the update is on, or None when readers cannot see it."""
    update = liveblog.updates.visible().filter(pk=update_id).first()
    if update is None:
        return None
    before = liveblog.updates.visible().before(update).count()
    return before // PAGE_SIZE + 1


# The live blog's addresses under its poll address, "/artikel/<slug>/live/"
# (liveblog/urls.py builds its patterns from these): a page reverses one address, not
# five (a reverse() costs about 0.1 ms with the project's URLconf).
NEW = "nieuw/"
FEED = "feed/"
ATOM = "atom/"


def addresses(slug):
    """Return the poll, new-updates and feed addresses of the live blog at slug."""
    base = reverse("liveblog:poll", kwargs={"slug": slug})
    return {
        "base": base,
        "poll": base,
        "new": base + NEW,
        "feed": base + FEED,
        "atom": base + ATOM,
    }


def page_url(article, number, base=None):
    """Return the address of page number of a live blog: page 1 is the article's."""
    if number <= 1:
        return article.get_absolute_url()
    base = base or reverse("liveblog:poll", kwargs={"slug": article.slug})
    return f"{base}{number}/"


def article_page(request, response):
    """Turn an article page into its live blog (articles.views.ARTICLE_PAGE_HOOKS).

    The article's own address shows the first page; older pages have addresses of
    their own (LiveBlogPageView), so the article page reads no query string and the
    page cache keeps one copy of it.
    """
    article = response.context_data["object"]
    view = response.context_data.get("view")
    number = getattr(view, "kwargs", {}).get("page", 1)
    liveblog = liveblog_of(article)
    if liveblog is None:
        if number != 1:
            raise Http404
        return response
    liveblog.article = article
    cache.tag_page(request, liveblog)
    paginator = CountedPaginator((), PAGE_SIZE, count=liveblog.visible_updates)
    try:
        number = paginator.validate_number(number)
    except InvalidPage:
        raise Http404 from None
    prefix = permalink_prefix()
    updates = prepare(PAGE(liveblog.pk, PAGE_SIZE, (number - 1) * PAGE_SIZE), prefix)
    page = Page(updates, number, paginator)
    live_urls = addresses(article.slug)
    response.template_name = ["liveblog/liveblog_detail.html"]
    response.context_data.update(
        liveblog=liveblog,
        page_obj=page,
        live_urls=live_urls,
        newer_url=(
            page_url(article, page.number - 1, live_urls["base"])
            if page.has_previous()
            else ""
        ),
        older_url=(
            page_url(article, page.number + 1, live_urls["base"])
            if page.has_next()
            else ""
        ),
        live_updates=updates,
        key_events=key_events(liveblog),
        permalink_prefix=prefix,
        schema_type="LiveBlogPosting",
        poll_seconds=settings.LIVEBLOG_POLL_SECONDS,
        newest_id=max((u.pk for u in updates), default=0),
    )
    return response


def liveblog_of(article):
    """Return article's live blog, whole, or None when it is not one.

    The article page's row brings the live blog row along (liveblog/apps.py), without
    its dates: a live blog reads its row again, an ordinary article asks nothing.
    Another way to the page (a preview link) asks.
    """
    joined = getattr(article, "live_blog", False)
    if joined is None:
        return None
    if joined is False:
        return LiveBlog.objects.filter(article=article).first()
    found = _raw(LiveBlog, "liveblog", joined.pk)
    return found[0] if found else None


def published_liveblog(slug):
    found = (
        LiveBlog.objects.select_related("article").filter(article__slug=slug).first()
    )
    if found is None or not found.article.is_published():
        raise Http404
    return found


def etag_of(liveblog):
    return f'"lb{liveblog.pk}-{liveblog.changes}-{liveblog.state}"'


@require_safe
def poll(request, slug):
    """Return the live blog's state and its newest update ids as JSON.

    One query, and a 304 when nothing changed: the ETag is the live blog's change
    counter. It reads no session or user, so the page cache keeps and replays it like
    a page, tagged as the live blog's (liveblog/cache.py).
    """
    liveblog = published_liveblog(slug)
    cache.tag_page(request, liveblog)
    etag = etag_of(liveblog)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        ids = list(
            liveblog.updates.visible()
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[:MAX_INSERTED]
        )
        body = {
            "state": liveblog.state,
            "poll_seconds": settings.LIVEBLOG_POLL_SECONDS,
            "updates": ids,
        }
        response = HttpResponse(
            json.dumps(body), content_type="application/json; charset=utf-8"
        )
    response.headers["ETag"] = etag
    response.headers["X-Robots-Tag"] = "noindex"
    return response


poll.page_cache_parameters = ()


@require_safe
def new_updates(request, slug):
    """Return the updates posted after ?after=<id>, as list items to insert."""
    liveblog = published_liveblog(slug)
    cache.tag_page(request, liveblog)
    after = request.GET.get("after", "")
    if not after.isdigit():
        raise Http404
    # Ids grow with every post: the rows after the reader's newest, read by id,
    # however many older ones there are.
    newer = page_updates(liveblog).filter(pk__gt=int(after)).order_by("-pk")
    updates = sorted(
        newer[:MAX_INSERTED], key=lambda u: (u.published_at, u.pk), reverse=True
    )
    updates = prepare(updates)
    response = render(
        request,
        "liveblog/_updates.html",
        {"live_updates": updates, "liveblog": liveblog, "article": liveblog.article},
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


new_updates.page_cache_parameters = ("after",)


def update_permalink(request, pk):
    """Redirect an update's permalink to the page it is on now, at its place."""
    update = (
        LiveBlogUpdate.objects.visible()
        .select_related("liveblog__article")
        .filter(pk=pk)
        .first()
    )
    if update is None or not update.liveblog.article.is_published():
        raise Http404
    number = page_of(update.liveblog, update.pk)
    url = page_url(update.liveblog.article, number)
    return HttpResponseRedirect(f"{url}#update-{update.pk}")


class LiveBlogPageView(ArticleDetailView):
    """An older page of a live blog: the article page, showing page n of updates."""

    def get(self, request, *args, **kwargs):
        if kwargs["page"] < 2:
            raise Http404
        return super().get(request, *args, **kwargs)
