"""What the articles app tells the page cache (newsroom/cachetags.py).

Pages say what they show with tags: `article-<id>` on an article's page and on every
page with its card, `section-<id>`, `tag-<id>`, `author-<id>` on their lists and on
the article pages that print their names, `archive`, `archive-2025`,
`archive-2025-07`, `archive-2025-07-10`, `front`, `feed`, `sitemap`, `nav` (the
header's section menu), `robots`.

A change drops the pages of what readers can see change (articles/signals.py), with
the tags an article had before and after the change: nothing for a draft, an article
in review or a scheduled one. Time changes pages by itself when a scheduled article
goes live or expires, and at midnight ("vandaag"): `next_change()`, registered as the
page cache's clock.
"""

from datetime import datetime, timedelta

from django.db.models import BooleanField, ExpressionWrapper, Subquery
from django.utils import timezone

from newsroom import cachetags

from .models import Article, ArticleAuthor, public_q

# What every change of a public article drops besides its own tags.
LISTS = ("front", "feed", "sitemap")


def add_tags(request, *tags):
    cachetags.add_tags(request, *tags)


def tag_cards(request, articles):
    """Tag request's page with the articles whose cards it shows."""
    cachetags.add_tags(request, *(f"article-{article.pk}" for article in articles))


def tag_article_page(request, article):
    """Tag an article's page: the article, what it prints the name of, and the
    articles its related cards may show (all of them: one that becomes public
    appears there).

    Names get tags of their own (`section-name-<id>`, not `section-<id>`): the
    section's, tag's and author's lists carry `section-<id>` and so on, which every
    change of one of their articles drops, and an article page that only prints
    the section's name must not go with them (the newsroom benchmark measured an
    update dropping some 40 % of the newest articles' pages: every article of its
    section, tags and authors)."""
    bylines, tags = article.byline, article.tag_list
    cachetags.add_tags(
        request,
        f"article-{article.pk}",
        name_tag(f"section-{article.section_id}"),
        *(name_tag(f"author-{byline.author.pk}") for byline in bylines),
        *(name_tag(f"tag-{tag.pk}") for tag in tags),
        *(f"article-{pk}" for pk in article.related_ids or ()),
    )


def name_tag(tag):
    """Return the tag of the pages that print the name of what tag names
    ("section-5" -> "section-name-5"); renaming it drops both."""
    kind, _, pk = tag.rpartition("-")
    return f"{kind}-name-{pk}"


def archive_tags(moment):
    day = timezone.localdate(moment)
    return (
        "archive",
        f"archive-{day:%Y}",
        f"archive-{day:%Y-%m}",
        f"archive-{day:%Y-%m-%d}",
    )


def public_tags(article_id, using=None):
    """Return the tags of the pages that show article_id as it is in the database
    now, or an empty set when readers cannot see it (draft, review, scheduled,
    expired, killed, deleted). Up to three queries; one when it is not public."""
    articles = Article.objects.using(using).filter(pk=article_id)
    row = (
        articles.annotate(
            public=ExpressionWrapper(public_q(), output_field=BooleanField())
        )
        .values("public", "section_id", "published_at")
        .first()
    )
    if row is None or not row["public"]:
        return set()
    article = Article(pk=article_id)
    tag_ids = article.tags.using(using).values_list("pk", flat=True)
    author_ids = ArticleAuthor.objects.using(using).filter(article_id=article_id)
    return {
        f"article-{article_id}",
        f"section-{row['section_id']}",
        *LISTS,
        *archive_tags(row["published_at"]),
        *(f"tag-{pk}" for pk in tag_ids),
        *(f"author-{pk}" for pk in author_ids.values_list("author_id", flat=True)),
    }


def next_midnight(now):
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return datetime.combine(
        tomorrow, datetime.min.time(), tzinfo=timezone.get_current_timezone()
    )


def next_change(now):
    """Return when pages next change by time alone: a scheduled article going live
    or expiring, or midnight. One query."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED).order_by()
    going_live = published.filter(published_at__gt=now).order_by("published_at")
    expiring = published.filter(expires_at__gt=now).order_by("expires_at")
    # Both in one query, each the first row of an index scan.
    row = (
        Article.objects.order_by()
        .annotate(
            going_live=Subquery(going_live.values("published_at")[:1]),
            expiring=Subquery(expiring.values("expires_at")[:1]),
        )
        .values_list("going_live", "expiring")
        .first()
    )
    candidates = [moment for moment in row or () if moment is not None]
    return min([*candidates, next_midnight(now)])
