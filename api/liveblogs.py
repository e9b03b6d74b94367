"""The content API's live blogs: the list with their coverage state, and each
live blog's public updates, newest first."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from articles.html import sanitize_html
from articles.models import (
    Article,
)
from liveblog import cache as liveblog_cache
from liveblog.models import LiveBlog, LiveBlogUpdate

from . import schema
from .params import MAX_ID, encode_cursor
from .representations import Builder, iso
from .views import CURSOR_PARAMETER, ERRORS, LIMIT_PARAMETER, PublicAPIView


def state_parameter(params, name="state"):
    value = params.raw(name)
    if value is not None and value not in LiveBlog.State.values:
        params.errors[name] = _("Kies uit: %(states)s.") % {
            "states": ", ".join(LiveBlog.State.values)
        }
        return None
    return value


class LiveBlogListView(PublicAPIView):
    # A live blog enters or leaves the list with its article ("feed") or when it is
    # started or removed ("liveblogs"); each row changes with its live blog.
    page_tags = ("feed", "liveblogs")
    page_cache_parameters = ("state", "cursor", "limit")

    @extend_schema(
        operation_id="liveblogs_list",
        summary="Live blogs of published articles, newest first",
        description=(
            "A live blog is a published article in minute-by-minute coverage. "
            "Newest live blog first; follow `next` for older ones."
        ),
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=list(LiveBlog.State.values),
                description="Only live blogs in this coverage state.",
            ),
            OpenApiParameter(
                "cursor", int, description="Follow the `next` link of the last page."
            ),
            LIMIT_PARAMETER,
        ],
        responses={200: schema.LiveBlogPageSerializer, **ERRORS},
    )
    def get(self, request):
        params = self.params(request)
        state = state_parameter(params)
        before = params.id_cursor()
        limit = params.limit()
        params.check()
        liveblogs = (
            LiveBlog.objects.filter(
                article__in=Article.objects.published().values("pk")
            )
            .select_related("article")
            .only(
                *(f"article__{name}" for name in ("id", "slug", "title")),
                "id",
                "state",
                "coverage_start",
                "coverage_end",
                "visible_updates",
            )
            .order_by("-pk")
        )
        if state is not None:
            liveblogs = liveblogs.filter(state=state)
        if before is not None:
            liveblogs = liveblogs.filter(pk__lt=before)
        page = list(liveblogs[: limit + 1])
        next_url = None
        if len(page) > limit:
            page = page[:limit]
            next_url = self.next_link(request, cursor=page[-1].pk)
        builder = Builder(request)
        results = []
        for liveblog in page:
            self.add_tags(*liveblog_cache.tags_of(liveblog))
            article = liveblog.article
            results.append(
                {
                    "id": liveblog.pk,
                    "article": builder.article_link(article.pk, article.slug),
                    "title": article.title,
                    "state": liveblog.state,
                    "coverage_start": iso(liveblog.coverage_start),
                    "coverage_end": iso(liveblog.coverage_end),
                    "updates": liveblog.visible_updates,
                    "updates_url": builder.absolute(
                        reverse("api:liveblog-updates", kwargs={"pk": liveblog.pk})
                    ),
                    "feed_url": builder.absolute(
                        reverse("liveblog:feed", kwargs={"slug": article.slug})
                    ),
                }
            )
        return Response({"results": results, "next": next_url})


class LiveBlogUpdateListView(PublicAPIView):
    page_cache_parameters = ("cursor", "limit")

    @extend_schema(
        operation_id="liveblogs_updates_list",
        summary="A live blog's updates, newest first",
        description=(
            "The updates readers see (a reporter's update waiting for approval is "
            "left out), newest first by time (ties by id); `pinned` says which "
            "ones the page shows first. Cursor-paginated: follow `next`."
        ),
        parameters=[CURSOR_PARAMETER, LIMIT_PARAMETER],
        responses={
            200: schema.LiveBlogUpdatePageSerializer,
            404: OpenApiResponse(
                schema.ErrorSerializer,
                "No such live blog, or its article is not public.",
            ),
            **ERRORS,
        },
    )
    def get(self, request, pk):
        params = self.params(request)
        cursor = params.cursor()
        limit = params.limit()
        params.check()
        liveblog = None
        if pk <= MAX_ID:
            liveblog = (
                LiveBlog.objects.filter(
                    pk=pk, article__in=Article.objects.published().values("pk")
                )
                .only("pk", "article_id")
                .first()
            )
        if liveblog is None:
            raise NotFound(_("Dit liveblog bestaat niet of is niet openbaar."))
        self.add_tags(*liveblog_cache.tags_of(liveblog))
        updates = LiveBlogUpdate.objects.visible().filter(liveblog=liveblog)
        if cursor is not None:
            moment, last = cursor
            updates = updates.filter(
                Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=last)
            )
        updates = updates.select_related("author", "image").order_by(
            "-published_at", "-pk"
        )
        page = list(updates[: limit + 1])
        next_url = None
        if len(page) > limit:
            page = page[:limit]
            last = page[-1]
            next_url = self.next_link(
                request, cursor=encode_cursor(last.published_at, last.pk)
            )
        builder = Builder(request)
        results = [
            {
                "id": update.pk,
                "url": builder.absolute(update.get_absolute_url()),
                "title": update.title,
                # save() cleans it; again on the way out, as the page does.
                "body": sanitize_html(update.body),
                "quote": update.quote,
                "quote_source": update.quote_source,
                "image": (
                    builder.library_image(update.image, update.image.caption)
                    if update.image is not None
                    else None
                ),
                "author": (
                    builder.author(
                        update.author.pk, update.author.name, update.author.slug
                    )
                    if update.author is not None
                    else None
                ),
                "key_event": update.key_event,
                "pinned": update.pinned,
                "published_at": iso(update.published_at),
                "edited_at": iso(update.edited_at),
            }
            for update in page
        ]
        return Response({"results": results, "next": next_url})
