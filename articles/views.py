from django.conf import settings
from django.db.models import Count, F, Q, Value, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views import generic
from django.views.decorators.http import require_safe
from taggit.models import Tag

from . import search
from .html import sanitize_html
from .models import Article, Author, PreviewLink, Section, SlugRedirect

LATEST_ON_FRONT = 10
PER_SECTION_ON_FRONT = 4
RELATED_ARTICLES = 4


class ArticleListMixin:
    """Show published articles, a page at a time."""

    paginate_by = settings.NEWSROOM_PAGE_SIZE

    def get_queryset(self):
        return Article.objects.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        return context


class FrontPageView(generic.TemplateView):
    template_name = "articles/front_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listing = Article.objects.for_listing()
        latest = list(listing[: LATEST_ON_FRONT + 1])
        lead = next((a for a in latest if a.featured), None)
        if lead is None:
            lead = listing.filter(featured=True).first() or (
                latest[0] if latest else None
            )
        latest = [a for a in latest if a != lead][:LATEST_ON_FRONT]

        # The newest few articles of every section, in one query however many sections.
        # The lead story is already on top of the page: it does not repeat below.
        blocks = listing.filter(section__isnull=False)
        if lead is not None:
            blocks = blocks.exclude(pk=lead.pk)
        ranked = blocks.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("section_id"),
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        by_section = {}
        for article in ranked.filter(rank__lte=PER_SECTION_ON_FRONT):
            by_section.setdefault(article.section_id, []).append(article)
        sections = [
            (section, by_section[section.pk])
            for section in Section.objects.all()
            if section.pk in by_section
        ]
        context.update(lead=lead, latest=latest, sections=sections)
        return context


class ArticleArchiveView(ArticleListMixin, generic.ArchiveIndexView):
    date_field = "published_at"
    allow_empty = True
    template_name = "articles/article_archive.html"


class ArticleYearArchiveView(ArticleListMixin, generic.YearArchiveView):
    date_field = "published_at"
    make_object_list = True
    template_name = "articles/article_archive.html"


class ArticleMonthArchiveView(ArticleListMixin, generic.MonthArchiveView):
    date_field = "published_at"
    month_format = "%m"
    template_name = "articles/article_archive.html"


class ArticleDayArchiveView(ArticleListMixin, generic.DayArchiveView):
    date_field = "published_at"
    month_format = "%m"
    template_name = "articles/article_archive.html"


class ArticleDetailView(generic.DetailView):
    model = Article

    def get(self, request, *args, **kwargs):
        try:
            response = super().get(request, *args, **kwargs)
        except Http404:
            return moved_or_gone(request, self.kwargs["slug"])
        if self.object.is_killed:
            return killed_response(request, self.object)
        return response

    def can_preview(self):
        # Readers have no session: asking for their user would read the session and
        # add "Vary: Cookie", which keeps the page out of every shared cache.
        if settings.SESSION_COOKIE_NAME not in self.request.COOKIES:
            return False
        user = self.request.user
        return (
            user.is_active
            and user.is_staff
            and user.has_perm("articles.change_article")
        )

    def get_queryset(self):
        queryset = Article.objects.select_related("section").prefetch_related(
            "bylines__author", "tags"
        )
        # Drafts, articles in review and scheduled ones do not exist for readers: 404,
        # not 403, so nothing about them leaks.
        return queryset if self.can_preview() else queryset.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["related"] = self.get_related(article)
        context["preview"] = not article.is_published()
        # save() already cleans the body; cleaning again on the way out also covers
        # rows written around it (queryset.update(), loaddata, raw SQL).
        context["body"] = mark_safe(sanitize_html(article.body))
        return context

    def get_related(self, article):
        """Return published articles sharing the most tags, then the same section."""
        tag_ids = [tag.pk for tag in article.tags.all()]
        shares = Q(pk__in=[])
        if tag_ids:
            shares |= Q(tags__in=tag_ids)
        if article.section_id:
            shares |= Q(section_id=article.section_id)
        shared_tags = (
            Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
            if tag_ids
            else Value(0)
        )
        related = (
            Article.objects.for_listing()
            .exclude(pk=article.pk)
            .filter(shares)
            .annotate(shared_tags=shared_tags)
            .order_by("-shared_tags", "-published_at", "-pk")
        )
        return related[:RELATED_ARTICLES]


class SearchView(ArticleListMixin, generic.ListView):
    """Search published articles: /zoeken/?q=..., best matches first."""

    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        self.query = search.clean_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return search.search_articles(self.query)

    def paginate_queryset(self, queryset, page_size):
        # A page number past the end or not a number shows the nearest page, not a
        # 404: the number often comes from an old link after the results changed.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for article in context["object_list"]:
            article.search_title = search.highlight_title(article, self.query)
            article.search_snippet = search.snippet(article, self.query)
        context.update(
            query=self.query,
            max_query_length=search.MAX_QUERY_LENGTH,
            page_query=urlencode({"q": self.query.text}) + "&",
        )
        return context


class SectionDetailView(ArticleListMixin, generic.ListView):
    template_name = "articles/section_detail.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TaggedArticleListView(ArticleListMixin, generic.ListView):
    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorDetailView(ArticleListMixin, generic.ListView):
    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


def killed_response(request, article):
    """Answer 410 Gone for a withdrawn article, with its public reason."""
    return render(request, "articles/killed.html", {"article": article}, status=410)


def moved_or_gone(request, slug):
    """Answer a slug no public article has: withdrawn, renamed, or not found."""
    killed = Article.objects.filter(slug=slug, status=Article.Status.KILLED).first()
    if killed is not None:
        return killed_response(request, killed)
    moved = SlugRedirect.objects.select_related("article").filter(old_slug=slug)
    moved = moved.first()
    if moved is not None and (moved.article.is_published() or moved.article.is_killed):
        return HttpResponsePermanentRedirect(moved.article.get_absolute_url())
    raise Http404


class PreviewLinkView(ArticleDetailView):
    """Show an unpublished article to someone without an account, via a secret link.

    The page is never cached and never indexed; an expired or revoked link answers
    410 Gone.
    """

    def get(self, request, *args, **kwargs):
        link = get_object_or_404(
            PreviewLink.objects.select_related("article"), token=kwargs["token"]
        )
        if link.is_valid():
            self.object = self.get_queryset().get(pk=link.article_id)
            context = self.get_context_data(object=self.object)
            context.update(preview=True, preview_link=link)
            response = self.render_to_response(context)
        else:
            response = render(
                request, "articles/preview_gone.html", {"link": link}, status=410
            )
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_queryset(self):
        return Article.objects.select_related("section").prefetch_related(
            "bylines__author", "tags"
        )


@require_safe
def robots_txt(request):
    """Point crawlers to the sitemaps; keep them out of the admin, previews and
    search results."""
    return render(
        request,
        "articles/robots.txt",
        {
            "admin_path": f"/{settings.ADMIN_URL}",
            "sitemap_url": request.build_absolute_uri(reverse("sitemap")),
            "news_sitemap_url": request.build_absolute_uri(reverse("sitemap_news")),
        },
        content_type="text/plain; charset=utf-8",
    )
