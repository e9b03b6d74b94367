from datetime import timedelta
from urllib.parse import quote

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Subquery,
)
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.http import http_date
from taggit.models import Tag

from newsroom.cachetags import tagged

from .models import Article, Author, Section, public_q, reverse_slug

# Google News takes the articles of the last two days, at most a thousand.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class IdRangePaginator(Paginator):
    """Pages of the public articles by id: page N holds those whose id is in
    ((N - 1) * per_page, N * per_page], as named tuples of fields.

    A page is one range scan of the primary key, however deep: no COUNT of the
    archive and no OFFSET that reads every article before the page. The database
    sees only the id range; whether a row is public is a column (public_q(), the one
    rule) that Python reads, because with the rule in the WHERE clause SQLite reads
    the whole publication index instead and sorts it. A page keeps its articles when
    newer ones are published (they go to the last page), so a crawler's conditional
    GET of an older page can be answered 304.

    A page holds at most per_page articles, fewer where drafts or articles no longer
    public took ids. The number of pages comes from the newest id (one index seek):
    while the newest ids are only drafts, the last page may be empty.
    """

    def __init__(self, object_list, per_page, fields):
        super().__init__(object_list, per_page)
        self.fields = fields

    @cached_property
    def num_pages(self):
        newest = self.object_list.aggregate(newest=Max("pk"))["newest"]
        return -(-newest // self.per_page) if newest else 1

    def page(self, number):
        number = self.validate_number(number)
        last = number * self.per_page
        rows = (
            self.object_list.filter(pk__gt=last - self.per_page, pk__lte=last)
            .annotate(public=ExpressionWrapper(public_q(), BooleanField()))
            .order_by("pk")
            .values_list(*self.fields, "public", named=True)
        )
        return Page([row for row in rows if row.public], number, self)


class ArticleSitemap(Sitemap):
    """Every public article, 5,000 ids a page; article_sitemap writes it out."""

    changefreq = "hourly"
    limit = 5000

    def items(self):
        # All of them: the paginator keeps the public ones (see IdRangePaginator).
        return Article.objects.all()

    @property
    def paginator(self):
        fields = ("slug", "published_at", "public_updated_at")
        return IdRangePaginator(self.items(), self.limit, fields)

    def location(self, item):
        return reverse_slug("articles:detail", item.slug)

    def lastmod(self, item):
        # Article.modified_at: only a significant update or correction counts.
        return item.public_updated_at or item.published_at

    def get_latest_lastmod(self):
        # Django's default asks every item for its lastmod: the whole archive, on
        # every request for sitemap.xml. Two index seeks give the same answer: the
        # newest publication, and the newest update of a public article (among the
        # last few updated, in the order of their own index).
        newest = (
            Article.objects.published()
            .order_by("-published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        updated = (
            Article.objects.filter(
                status=Article.Status.PUBLISHED, public_updated_at__isnull=False
            )
            .order_by("-public_updated_at")
            .only("status", "published_at", "expires_at", "public_updated_at")
        )
        latest_update = next(
            (a.public_updated_at for a in updated[:20] if a.is_published()), None
        )
        return max(filter(None, [newest, latest_update]), default=None)


def newest_published(**lookups):
    """Return a subquery: the publication time of the newest public article matching
    lookups (with OuterRef), found by an index seek rather than a MAX over all."""
    return Subquery(
        Article.objects.filter(**lookups)
        .published()
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.annotate(
            newest=newest_published(section=OuterRef("pk"))
        ).order_by("order", "name")

    def lastmod(self, item):
        return item.newest


class TagSitemap(Sitemap):
    """Tags that have published articles: an empty tag page is not worth a visit."""

    changefreq = "daily"
    limit = 5000

    def items(self):
        # Per tag: is there one public article? Stops at the first; a semi-join over
        # every tag link of every article would not.
        public = Article.objects.filter(tags=OuterRef("pk")).published()
        return Tag.objects.filter(Exists(public)).order_by("name")

    def location(self, item):
        return reverse("articles:tag", kwargs={"slug": item.slug})


class AuthorSitemap(Sitemap):
    """Authors with published articles."""

    changefreq = "daily"

    def items(self):
        return (
            Author.objects.annotate(
                newest=newest_published(bylines__author=OuterRef("pk"))
            )
            .filter(newest__isnull=False)
            .order_by("name")
        )

    def lastmod(self, item):
        return item.newest


class NewsSitemap(Sitemap):
    """The published articles of the last 48 hours, for Google News.

    Rendered with articles/sitemap_news.xml, which adds the news: elements.
    """

    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("slug", "title", "published_at", "public_updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return item.modified_at


@x_robots_tag
@tagged("sitemap")
def article_sitemap(request):
    """sitemap-articles.xml?p=N: what Django's sitemap view and template make of
    ArticleSitemap, written out in Python.

    The template costs some 40 microseconds per URL (200 ms a page of 5,000), and
    reverse() another 20 for each slug, which a crawler asks for once: the address
    is the detail route's with the slug put in, quoted as reverse() quotes it.
    """
    site = ArticleSitemap()
    try:
        page = site.paginator.page(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(str(error)) from error
    root = f"{request.scheme}://{get_current_site(request).domain}"
    before, _, after = reverse_slug("articles:detail", "slug").rpartition("slug")
    before, after = escape(root + before), escape(after)
    zone = timezone.get_current_timezone()
    entry = f"</loc><lastmod>{{}}</lastmod><changefreq>{site.changefreq}</changefreq>"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    ]
    latest = None
    for slug, published_at, public_updated_at, _public in page.object_list:
        modified = public_updated_at or published_at  # ArticleSitemap.lastmod()
        if latest is None or modified > latest:
            latest = modified
        # Slugs are letters, digits, - and _: quoted, nothing in them needs escaping.
        # (A slug stored some other way is quoted whole, so it cannot break the XML.)
        if not (slug.isascii() and slug.isprintable()):
            slug = quote(slug)
        parts.append(
            f"<url><loc>{before}{slug}{after}"
            + entry.format(modified.astimezone(zone).date().isoformat())
            + "</url>\n"
        )
    parts.append("</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml")
    if latest:
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    return response


# Each ?p= is a page of its own in the page cache; other parameters are not.
article_sitemap.page_cache_parameters = ("p",)


sitemaps = {
    "articles": ArticleSitemap,
    "news": NewsSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
