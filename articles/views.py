import json
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, Field, OuterRef, Subquery
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import generic
from django.views.decorators.http import require_safe
from taggit.models import Tag, TaggedItem

from . import pagetags, related, rows
from .html import sanitize_html
from .models import (
    Article,
    Author,
    PreviewLink,
    Section,
    SlugRedirect,
    bounded_first,
)
from .pagination import ArticlePaginator, page_hint

LATEST_ON_FRONT = 10
# A lead story without a picture has this many of the latest stories under it, as
# cards, so that its column is not left blank beside the list of the rest.
UNDER_TEXT_LEAD = 3
MIN_LATEST_BESIDE = 4
PER_SECTION_ON_FRONT = 4


class ArticleListMixin:
    """Show published articles, a page at a time."""

    paginate_by = settings.NEWSROOM_PAGE_SIZE
    paginator_class = ArticlePaginator
    # Deep pages select their ids first (ArticlePaginator.page()): 9 ms instead of
    # 17 for page 300 of a section at 100,000 articles on SQLite. Not for lists
    # joined to tags or bylines, where looking the page's rows up again through the
    # join cost more than the offset saved.
    deep_pages_ids_first = True

    def get_queryset(self):
        return Article.objects.for_listing()

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(
            queryset,
            per_page,
            page_hint=page_hint(self),
            counted=self.get_counted(),
            ids_first=self.deep_pages_ids_first,
            **kwargs,
        )

    def get_counted(self):
        """Return rows as many as the list's that are cheaper to count, or None."""
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        pagetags.tag_cards(self.request, context.get("object_list") or ())
        pagetags.add_tags(self.request, *self.page_tags())
        return context

    def page_tags(self):
        """Return the tags of what the list is of (its cards are tagged apart)."""
        return ()


class IdList(Subquery):
    """The ids of a queryset's rows as one list per outer row: with a slice and an
    OuterRef, the first few of each (ARRAY() on PostgreSQL, a JSON array on SQLite).
    A join cannot limit the rows per outer row."""

    template = "ARRAY(%(subquery)s)"
    output_field = Field()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.values("pk"), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = '(SELECT JSON_GROUP_ARRAY("pk") FROM (%(subquery)s))'
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def convert_value(self, value, expression, connection):
        return json.loads(value) if isinstance(value, str) else value


class FrontPageView(generic.TemplateView):
    template_name = "articles/front_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Ids first, then every card of the page in one query: no model instances
        # for the lookups, and an article both among the latest and in its
        # section's block is read once.
        published = Article.objects.published()
        # The lead story is the newest featured article, else the newest one. Its
        # id comes with the latest ids: the same subquery on every row, which the
        # database evaluates once.
        featured = published.filter(featured=True).order_by("-published_at", "-pk")
        latest = published.annotate(lead_story=Subquery(featured.values("pk")[:1]))
        latest = list(latest.values_list("pk", "lead_story")[: LATEST_ON_FRONT + 1])
        lead_id = (latest[0][1] or latest[0][0]) if latest else None
        latest_ids = [pk for pk, _lead in latest if pk != lead_id][:LATEST_ON_FRONT]

        # The newest few articles of every section, with the sections of the menu:
        # each section's newest ids, one index range per section, however many
        # sections. The lead story is already on top of the page: it does not
        # repeat below.
        blocks = published.exclude(pk=lead_id) if lead_id is not None else published
        newest = blocks.filter(section=OuterRef("pk")).order_by("-published_at", "-pk")
        newest = IdList(newest[:PER_SECTION_ON_FRONT])
        sections_menu = list(Section.objects.annotate(newest=newest))
        in_blocks = {pk for section in sections_menu for pk in section.newest}

        # Without their sections: the menu has them all, and every card gets its
        # section from there (no join, no copy per card). In publication order,
        # as the latest list and each block show them.
        ids = {*latest_ids, *in_blocks, *([lead_id] if lead_id else [])}
        cards = rows.cards(ids, section=False, ordered=True)
        section_by_pk = {section.pk: section for section in sections_menu}
        lead, latest, by_section = None, [], {}
        in_latest = set(latest_ids)
        for article in cards:
            article.section = section_by_pk.get(article.section_id)
            if article.pk == lead_id:
                lead = article
            if article.pk in in_latest:
                latest.append(article)
            if article.pk in in_blocks:
                by_section.setdefault(article.section_id, []).append(article)
        sections = [
            (section, by_section[section.pk])
            for section in sections_menu
            if section.pk in by_section
        ]
        pagetags.tag_cards(self.request, cards)
        pagetags.add_tags(
            self.request,
            "front",
            "nav",
            *(f"section-{section.pk}" for section in sections_menu),
        )
        under_lead = []
        # Only with a list beside it worth the name: a young site keeps its list.
        if (
            lead is not None
            and not has_card_picture(lead)
            and len(latest) >= UNDER_TEXT_LEAD + MIN_LATEST_BESIDE
        ):
            under_lead, latest = latest[:UNDER_TEXT_LEAD], latest[UNDER_TEXT_LEAD:]
        # The header's menu lists the same sections: no query of its own.
        context.update(
            lead=lead,
            under_lead=under_lead,
            latest=latest,
            sections=sections,
            nav_sections=sections_menu,
        )
        return context


def has_card_picture(article):
    """Return whether article's card shows a picture (article_card's 3:2 crop)."""
    image = article.lead_image
    return image is not None and bool(image.rendition_list("3:2", "jpeg"))


class PeriodListMixin:
    """List the years (or months) that have articles by jumping from one to the next.

    Django's date list asks for the DISTINCT truncated dates, which reads every
    article of the period: the whole archive for the list of years. Instead, this
    asks for the newest article before a moment, takes the start of its year or
    month, and asks again from there: one index seek per year or month listed.
    """

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        date_type = date_type or self.get_date_list_period()
        if date_type not in ("year", "month") or not self.uses_datetime_field:
            return super().get_date_list(queryset, date_type, ordering)
        field = self.get_date_field()
        starts, before = [], None
        while True:
            earlier = queryset
            if before is not None:
                earlier = bounded_first(queryset, **{f"{field}__lt": before})
            newest = earlier.order_by(f"-{field}").values_list(field, flat=True).first()
            if newest is None:
                break
            local = timezone.localtime(newest)
            before = local.replace(
                month=1 if date_type == "year" else local.month,
                day=1,
                hour=0,
                minute=0,
                second=0,
                microsecond=0,
            )
            starts.append(before)
        if not starts and not self.get_allow_empty():
            raise Http404("No articles in this period.")
        return starts if ordering == "DESC" else starts[::-1]


class DatedListMixin:
    """Bound a year, month or day list by its period first, and find the periods
    before and after it with one index seek each.

    Django adds the period's bounds after the queryset's own: published() has
    already bounded published_at by now, and SQLite would read from the start of
    the period to today. And its previous/next links load a whole article each.
    """

    def get_dated_queryset(self, **lookup):
        articles = bounded_first(Article.objects.published(), **lookup).for_cards()
        if not self.get_allow_empty() and not articles.exists():
            raise Http404("No articles in this period.")
        return articles

    def adjacent_period(self, date, period, *, previous):
        """Return the start of the nearest period before or after date's that has
        articles, or None."""
        if previous:
            bound = {"published_at__lt": start_of_day(period_start(date, period))}
            order = "-published_at"
        else:
            following = next_period_start(date, period)
            if following is None:
                return None
            bound = {"published_at__gte": start_of_day(following)}
            order = "published_at"
        published = bounded_first(Article.objects.published(), **bound)
        moment = published.order_by(order).values_list("published_at", flat=True)
        moment = moment.first()
        if moment is None:
            return None
        return period_start(timezone.localtime(moment).date(), period)

    def get_previous_year(self, date):
        return self.adjacent_period(date, "year", previous=True)

    def get_next_year(self, date):
        return self.adjacent_period(date, "year", previous=False)

    def get_previous_month(self, date):
        return self.adjacent_period(date, "month", previous=True)

    def get_next_month(self, date):
        return self.adjacent_period(date, "month", previous=False)

    def get_previous_day(self, date):
        return self.adjacent_period(date, "day", previous=True)

    def get_next_day(self, date):
        return self.adjacent_period(date, "day", previous=False)


def period_start(date, period):
    """Return the first day of date's year, month or day."""
    if period == "year":
        return date.replace(month=1, day=1)
    if period == "month":
        return date.replace(day=1)
    return date


def next_period_start(date, period):
    """Return the first day of the year, month or day after date's, or None past
    the calendar's end."""
    start = period_start(date, period)
    try:
        if period == "year":
            return start.replace(year=start.year + 1)
        if period == "month":
            return (start + timedelta(days=31)).replace(day=1)
        return start + timedelta(days=1)
    except (ValueError, OverflowError):
        return None


def start_of_day(date):
    """Return the moment date begins in the current time zone."""
    moment = datetime.combine(date, time.min)
    return timezone.make_aware(moment) if settings.USE_TZ else moment


class ArticleArchiveView(ArticleListMixin, PeriodListMixin, generic.ArchiveIndexView):
    date_field = "published_at"
    allow_empty = True
    template_name = "articles/article_archive.html"

    def page_tags(self):
        return ("archive",)


class ArchivePeriodTagsMixin:
    """Tag a year, month or day list with its period (articles/pagetags.py)."""

    def page_tags(self):
        kwargs = self.kwargs
        parts = [f"{kwargs['year']:04d}"]
        if "month" in kwargs:
            parts.append(f"{kwargs['month']:02d}")
        if "day" in kwargs:
            parts.append(f"{kwargs['day']:02d}")
        return ("archive-" + "-".join(parts),)


class ArticleYearArchiveView(
    ArchivePeriodTagsMixin,
    ArticleListMixin,
    DatedListMixin,
    PeriodListMixin,
    generic.YearArchiveView,
):
    date_field = "published_at"
    make_object_list = True
    template_name = "articles/article_archive.html"


class ArticleMonthArchiveView(
    ArchivePeriodTagsMixin, ArticleListMixin, DatedListMixin, generic.MonthArchiveView
):
    date_field = "published_at"
    month_format = "%m"
    template_name = "articles/article_archive.html"


class ArticleDayArchiveView(
    ArchivePeriodTagsMixin, ArticleListMixin, DatedListMixin, generic.DayArchiveView
):
    date_field = "published_at"
    month_format = "%m"
    template_name = "articles/article_archive.html"


# Apps that make an article page more than an article (liveblog/apps.py adds one):
# each hook(request, response) gets the page's TemplateResponse before it renders
# and returns the response to send (the same one, changed, or a redirect).
ARTICLE_PAGE_HOOKS = []


class ArticleDetailView(generic.DetailView):
    model = Article

    def get(self, request, *args, **kwargs):
        try:
            response = super().get(request, *args, **kwargs)
        except Http404:
            return moved_or_gone(request, self.kwargs["slug"])
        if self.object.is_killed:
            return killed_response(request, self.object)
        for hook in ARTICLE_PAGE_HOOKS:
            response = hook(request, response)
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

    def get_object(self, queryset=None):
        # The slug is unique: one row or none, with what the page shows, in SQL
        # written once per process (articles/rows.py).
        article = rows.article_page(self.kwargs["slug"])
        if article is None:
            raise Http404
        # Drafts, articles in review and scheduled ones do not exist for readers: 404,
        # not 403, so nothing about them leaks. The public rule is tested on the row
        # (is_published() mirrors published()): the slug's unique index finds it
        # either way, and composing the rule into the query cost more.
        if not (article.is_published() or article.is_killed or self.can_preview()):
            raise Http404
        return article

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        pagetags.tag_article_page(self.request, article)
        context["related"] = self.get_related(article)
        context["preview"] = not article.is_published()
        # Only a significant update or correction leaves a public note, and it also
        # sets public_updated_at: most articles have none to ask for.
        context["updates"] = (
            list(article.public_updates.all()) if article.was_updated else []
        )
        # save() already cleans the body; cleaning again on the way out also covers
        # rows written around it (queryset.update(), loaddata, raw SQL).
        context["body"] = mark_safe(sanitize_html(article.body))
        return context

    def get_related(self, article):
        """Return the related articles stored at the last save that are public now
        (see articles/related.py)."""
        return related.for_page(article)


class SectionDetailView(ArticleListMixin, generic.ListView):
    template_name = "articles/section_detail.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def page_tags(self):
        return (f"section-{self.section.pk}",)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TaggedArticleListView(ArticleListMixin, generic.ListView):
    template_name = "articles/tag_detail.html"
    deep_pages_ids_first = False

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_counted(self):
        # One row per public article with the tag, read from the tag's own links, so
        # the count stops after the pages a reader can reach however rare the tag.
        # (Counting the list itself walks the publication index and tests each
        # article for the tag: for an old or rare tag, most of the archive.) The
        # content type is compared as "+ 0" so that SQLite, which plans without
        # statistics, takes the tag's index instead of scanning every link.
        content_type = ContentType.objects.get_for_model(Article)
        return (
            TaggedItem.objects.filter(tag=self.tag)
            .alias(content_type_value=F("content_type_id") + 0)
            .filter(
                Exists(Article.objects.published().filter(pk=OuterRef("object_id"))),
                content_type_value=content_type.pk,
            )
        )

    def page_tags(self):
        return (f"tag-{self.tag.pk}",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        # A tag only drafts carry must not show that it exists: an embargoed topic
        # could be guessed. The count is the paginator's, already made.
        if context["paginator"].count == 0:
            raise Http404
        return context


class AuthorDetailView(ArticleListMixin, generic.ListView):
    template_name = "articles/author_detail.html"
    deep_pages_ids_first = False

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(bylines__author=self.author)

    def page_tags(self):
        return (f"author-{self.author.pk}",)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


def killed_response(request, article):
    """Answer 410 Gone for a withdrawn article, with its public reason."""
    return render(request, "articles/killed.html", {"article": article}, status=410)


def moved_or_gone(request, slug):
    """Answer a slug that is not the current slug of an article readers may see:
    redirect when it is an old slug of one (a withdrawn article's page answers 410
    there), else 404. (A withdrawn article's own slug never gets here: the article
    page finds it and answers 410 itself.)"""
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
        # A killed article is gone for everyone; its links were revoked with it.
        if link.is_valid() and not link.article.is_killed:
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
        return Article.objects.select_related(
            "section", "lead_image"
        ).with_bylines_tags()


@require_safe
def robots_txt(request):
    """Point crawlers to the sitemaps; keep them out of previews and search results.

    Not the admin: its address (DJANGO_ADMIN_URL) is kept secret, and every page of
    it asks for a login anyway.
    """
    pagetags.add_tags(request, "robots")
    return render(
        request,
        "articles/robots.txt",
        {
            "sitemap_url": request.build_absolute_uri(reverse("sitemap")),
            "news_sitemap_url": request.build_absolute_uri(reverse("sitemap_news")),
        },
        content_type="text/plain; charset=utf-8",
    )
