"""The read-only content API: articles, sections, tags, authors and the ticker (live
blogs: api/liveblogs.py).

Only what the public site shows, by the same rule (`Article.objects.published()`).
Views are DRF APIViews for throttling, errors and the OpenAPI description; answers
are built in api/representations.py. Caching, ETags and 304s come from the page
cache (newsroom/pagecache.py), which keeps API answers as it keeps pages: each view
names the query parameters it reads in `page_cache_parameters`, and tags its answer
with what it shows (newsroom/cachetags.py, the tags of articles/pagetags.py), so
that a change drops the answers that show it and no others.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView
from taggit.models import Tag, TaggedItem

from articles import pagetags, related, search
from articles.models import (
    CARD_DEFERRED,
    Article,
    ArticleAuthor,
    Author,
    Section,
    bounded_first,
)
from newsroom import cachetags
from ticker.models import TickerItem
from ticker.views import tag_ticker_page

from . import schema
from .params import MAX_ID, Params, encode_cursor
from .representations import ARTICLE_FIELDS, LIST_FIELDS, Builder, iso

ERRORS = {
    400: OpenApiResponse(schema.ErrorSerializer, "A query parameter is invalid."),
    429: OpenApiResponse(schema.ErrorSerializer, "Too many requests; see Retry-After."),
}
FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    str,
    description="Comma-separated field names to return, e.g. id,title,url.",
)
CURSOR_PARAMETER = OpenApiParameter(
    "cursor", str, description="Opaque; follow the `next` link of the previous page."
)
LIMIT_PARAMETER = OpenApiParameter(
    "limit", int, description="Results per page (default 20, at most 100)."
)
TAGS_PAGE_SIZE = 100


class PublicAPIView(APIView):
    """Anonymous, GET only."""

    http_method_names = ["get", "head", "options"]
    page_cache_parameters = ()
    # What every answer of the view shows besides its rows (articles/pagetags.py).
    page_tags = ()

    def dispatch(self, request, *args, **kwargs):
        # The page cache reads the tags from Django's request, which DRF wraps.
        self.page_request = request
        self.add_tags(*self.page_tags)
        return super().dispatch(request, *args, **kwargs)

    def add_tags(self, *tags):
        cachetags.add_tags(self.page_request, *tags)

    def params(self, request):
        return Params(request, self.page_cache_parameters)

    def next_link(self, request, **query):
        base = request.build_absolute_uri(request.path)
        kept = {
            name: value
            for name, value in request.query_params.items()
            if name != "cursor"
        }
        return f"{base}?{urlencode({**kept, **query})}"


class RootView(PublicAPIView):
    """Links to the API's endpoints."""

    # Only a deploy changes it (the page cache starts afresh with each release).
    page_tags = ("api",)

    @extend_schema(
        operation_id="root",
        responses=schema.RootSerializer,
        summary="The API's endpoints",
    )
    def get(self, request):
        self.params(request).check()
        names = {
            "articles": "api:article-list",
            "sections": "api:section-list",
            "tags": "api:tag-list",
            "authors": "api:author-list",
            "ticker": "api:ticker",
            "liveblogs": "api:liveblog-list",
            "schema": "api:schema",
            "reference": "api:reference",
        }
        return Response(
            {
                key: request.build_absolute_uri(reverse(name))
                for key, name in names.items()
            }
        )


def with_fields(articles, fields):
    """Return articles with what fields need read in the same query."""
    deferred = set(CARD_DEFERRED)
    if "body" in fields:
        deferred.discard("body")
    if "related" in fields:
        deferred.discard("related_ids")
    articles = articles.select_related("section", "lead_image")
    if "tags" in fields or "bylines" in fields:
        articles = articles.with_bylines_tags()
    return articles.defer(*deferred)


def related_links(view, builder, articles):
    """Return {article id: related links} for articles: the stored related ids
    that are public now, in one query for the whole page (articles/related.py).
    Tags the answer with every candidate: one that becomes public appears."""
    wanted = {pk for article in articles for pk in (article.related_ids or ())}
    public = {}
    if wanted:
        rows = Article.objects.filter(pk__in=wanted).only(
            "pk", "slug", "status", "published_at", "expires_at"
        )
        public = {row.pk: row.slug for row in rows if row.is_published()}
    links = {}
    for article in articles:
        if article.related_ids is None:
            # Never stored (rows written around save()): ranked now, as the page does.
            found = [(card.pk, card.slug) for card in related.live(article)]
        else:
            found = [(pk, public[pk]) for pk in article.related_ids if pk in public]
        view.add_tags(
            *(f"article-{pk}" for pk in article.related_ids or ()),
            *(f"article-{pk}" for pk, _slug in found),
        )
        links[article.pk] = [
            builder.article_link(pk, slug)
            for pk, slug in found[: related.RELATED_SHOWN]
        ]
    return links


ARTICLE_LIST_SCHEMA = extend_schema(
    operation_id="articles_list",
    summary="Published articles, newest first",
    description=(
        "Ordered by publication time, newest first (ties by id). Cursor-paginated: "
        "follow `next`. A publication between two pages does not shift them. The "
        "body is left out unless `fields` names it."
    ),
    parameters=[
        OpenApiParameter("section", str, description="A section's slug."),
        OpenApiParameter("tag", str, description="A tag's slug."),
        OpenApiParameter("author", str, description="An author's slug."),
        OpenApiParameter(
            "published_after", OpenApiTypes.DATETIME, description="ISO 8601."
        ),
        OpenApiParameter(
            "published_before", OpenApiTypes.DATETIME, description="ISO 8601."
        ),
        OpenApiParameter(
            "updated_after",
            OpenApiTypes.DATETIME,
            description="Published or significantly updated after (for syncing).",
        ),
        OpenApiParameter(
            "q",
            str,
            description="Search words (the site's search); the newest 500 matches.",
        ),
        FIELDS_PARAMETER,
        CURSOR_PARAMETER,
        LIMIT_PARAMETER,
    ],
    responses={200: schema.ArticlePageSerializer, **ERRORS},
)


class ArticleListView(PublicAPIView):
    # Every change of a public article drops "feed" (a new one enters some list);
    # each card its own article's tag.
    page_tags = ("feed",)
    page_cache_parameters = (
        "section",
        "tag",
        "author",
        "published_after",
        "published_before",
        "updated_after",
        "q",
        "fields",
        "cursor",
        "limit",
    )

    @ARTICLE_LIST_SCHEMA
    def get(self, request):
        params = self.params(request)
        section = params.slug("section")
        tag = params.slug("tag")
        author = params.slug("author")
        published_after = params.moment("published_after")
        published_before = params.moment("published_before")
        updated_after = params.moment("updated_after")
        query = params.text("q")
        fields = params.fields("fields", ARTICLE_FIELDS) or LIST_FIELDS
        cursor = params.cursor()
        limit = params.limit()
        params.check()

        articles = Article.objects.published()
        if cursor is not None:
            moment, pk = cursor
            # The bound first, so that SQLite takes it for its index range.
            articles = bounded_first(articles, published_at__lte=moment).filter(
                Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk)
            )
        if published_before is not None:
            articles = bounded_first(articles, published_at__lt=published_before)
        if published_after is not None:
            articles = articles.filter(published_at__gt=published_after)
        if section is not None:
            articles = articles.filter(section__slug=section)
        if tag is not None:
            articles = articles.filter(tags__slug=tag)
        if author is not None:
            articles = articles.filter(bylines__author__slug=author)
        if query is not None:
            found = search.search_articles(search.clean_query(query))
            ids = getattr(found, "ids", None)
            if ids is None:  # a queryset: no query words, or no full-text index
                ids = found.values("pk")
            articles = articles.filter(pk__in=ids)
        parts = [articles]
        if updated_after is not None:
            # Two index ranges rather than one OR: published since (the public
            # index) and updated since (the partial index of public_updated_at).
            # With the OR, SQLite walks the whole archive looking for old articles
            # updated lately.
            updated = Article.objects.filter(
                status=Article.Status.PUBLISHED, public_updated_at__gt=updated_after
            )
            parts = [
                articles.filter(published_at__gt=updated_after),
                articles.filter(pk__in=updated.values("pk")),
            ]
        page = {}
        for part in parts:
            # The options last: bounded_first() builds a new queryset.
            part = with_fields(part, fields).order_by("-published_at", "-pk")
            page.update((article.pk, article) for article in part[: limit + 1])
        page = sorted(
            page.values(), key=lambda a: (a.published_at, a.pk), reverse=True
        )[: limit + 1]
        more = len(page) > limit
        page = page[:limit]
        pagetags.tag_cards(self.page_request, page)

        builder = Builder(request)
        links = related_links(self, builder, page) if "related" in fields else {}
        results = [
            builder.article(article, fields, links.get(article.pk)) for article in page
        ]
        next_url = None
        if more:
            last = page[-1]
            next_url = self.next_link(
                request, cursor=encode_cursor(last.published_at, last.pk)
            )
        return Response({"results": results, "next": next_url})


class ArticleDetailView(PublicAPIView):
    page_cache_parameters = ("fields",)

    @extend_schema(
        operation_id="articles_retrieve",
        summary="One published article",
        parameters=[FIELDS_PARAMETER],
        responses={
            200: schema.ArticleSerializer,
            404: OpenApiResponse(
                schema.ErrorSerializer, "No such article, or not public."
            ),
            410: OpenApiResponse(
                schema.GoneSerializer, "Withdrawn by the newsroom; with its reason."
            ),
            **ERRORS,
        },
    )
    def get(self, request, pk):
        params = self.params(request)
        fields = params.fields("fields", ARTICLE_FIELDS) or ARTICLE_FIELDS
        params.check()
        if pk > MAX_ID:
            raise NotFound(_("Dit artikel bestaat niet of is niet openbaar."))
        article = (
            Article.objects.select_related("section", "lead_image")
            .with_bylines_tags()
            .filter(pk=pk)
            .first()
        )
        if article is not None and article.is_killed:
            return Response(
                {
                    "detail": _("Dit artikel is door de redactie ingetrokken."),
                    "id": article.pk,
                    "title": article.title,
                    "reason": article.kill_reason,
                    "killed_at": iso(article.killed_at),
                },
                status=410,
            )
        # Drafts, scheduled and expired articles do not exist for readers: 404, as
        # on the article page (is_published() mirrors published()).
        if article is None or not article.is_published():
            raise NotFound(_("Dit artikel bestaat niet of is niet openbaar."))
        # What the article page shows: the article, its section, authors and tags.
        pagetags.tag_article_page(self.page_request, article)
        builder = Builder(request)
        links = related_links(self, builder, [article]) if "related" in fields else {}
        return Response(builder.article(article, fields, links.get(article.pk)))


class SectionListView(PublicAPIView):
    # Every section change drops "nav", the header's menu of sections.
    page_tags = ("nav",)

    @extend_schema(
        operation_id="sections_list",
        summary="The sections, in menu order",
        responses={200: schema.SectionListSerializer, **ERRORS},
    )
    def get(self, request):
        self.params(request).check()
        builder = Builder(request)
        return Response(
            {"results": [builder.section_full(s) for s in Section.objects.all()]}
        )


class TagListView(PublicAPIView):
    page_cache_parameters = ("cursor",)
    # A tag enters or leaves the list with a public article ("feed"); a row changes
    # with its tag.
    page_tags = ("feed",)

    @extend_schema(
        operation_id="tags_list",
        summary="Tags of published articles, by id",
        parameters=[
            OpenApiParameter(
                "cursor", int, description="Follow the `next` link of the last page."
            )
        ],
        responses={200: schema.TagPageSerializer, **ERRORS},
    )
    def get(self, request):
        params = self.params(request)
        after = params.id_cursor()
        params.check()
        content_type = ContentType.objects.get_for_model(Article)
        links = TaggedItem.objects.filter(
            tag=OuterRef("pk"), content_type=content_type
        ).filter(Exists(Article.objects.published().filter(pk=OuterRef("object_id"))))
        tags = Tag.objects.filter(Exists(links)).order_by("pk")
        if after is not None:
            tags = tags.filter(pk__gt=after)
        page = list(tags.values_list("pk", "name", "slug")[: TAGS_PAGE_SIZE + 1])
        builder = Builder(request)
        next_url = None
        if len(page) > TAGS_PAGE_SIZE:
            page = page[:TAGS_PAGE_SIZE]
            next_url = self.next_link(request, cursor=page[-1][0])
        self.add_tags(*(f"tag-{row[0]}" for row in page))
        return Response(
            {"results": [builder.tag(*row) for row in page], "next": next_url}
        )


class AuthorListView(PublicAPIView):
    page_cache_parameters = ("cursor",)
    # As the tags: "feed" for who enters or leaves, each row its author's tag.
    page_tags = ("feed",)

    @extend_schema(
        operation_id="authors_list",
        summary="Authors with a byline on a published article, by id",
        parameters=[
            OpenApiParameter(
                "cursor", int, description="Follow the `next` link of the last page."
            )
        ],
        responses={200: schema.AuthorPageSerializer, **ERRORS},
    )
    def get(self, request):
        params = self.params(request)
        after = params.id_cursor()
        params.check()
        bylines = ArticleAuthor.objects.filter(author=OuterRef("pk")).filter(
            Exists(Article.objects.published().filter(pk=OuterRef("article_id")))
        )
        authors = Author.objects.filter(Exists(bylines)).order_by("pk")
        if after is not None:
            authors = authors.filter(pk__gt=after)
        page = list(
            authors.values_list("pk", "name", "slug", "bio")[: TAGS_PAGE_SIZE + 1]
        )
        builder = Builder(request)
        next_url = None
        if len(page) > TAGS_PAGE_SIZE:
            page = page[:TAGS_PAGE_SIZE]
            next_url = self.next_link(request, cursor=page[-1][0])
        self.add_tags(*(f"author-{row[0]}" for row in page))
        results = [
            {**builder.author(pk, name, slug), "bio": bio}
            for pk, name, slug, bio in page
        ]
        return Response({"results": results, "next": next_url})


class TickerView(PublicAPIView):
    @extend_schema(
        operation_id="ticker_list",
        summary="The ticker: the latest news lines readers see now",
        responses={200: schema.TickerSerializer, **ERRORS},
    )
    def get(self, request):
        self.params(request).check()
        # As the ticker's archive: the ticker's tag, and its next change by time.
        tag_ticker_page(self.page_request)
        items = TickerItem.objects.live().with_links()[: settings.TICKER_ITEMS]
        builder = Builder(request)
        results = []
        for item in items:
            link = item.get_link()
            article = None
            if item.article_id and item.article_public:
                article = builder.article_link(item.article_id, item.article_slug)
            results.append(
                {
                    "id": item.pk,
                    "headline": item.headline,
                    "published_at": iso(item.published_at),
                    "breaking": item.is_breaking,
                    "url": builder.absolute(link) if link else None,
                    "article": article,
                }
            )
        return Response({"results": results})
