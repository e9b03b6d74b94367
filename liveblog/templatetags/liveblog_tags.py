"""What public templates need from live blogs (Jinja2 globals: newsroom/jinja2.py)."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from articles.templatetags.article_tags import LOGO, LOGO_SIZE, json_ld, share_image
from liveblog.models import shorten


def is_live(article):
    """Return whether article is a live blog in live coverage.

    For cards whose query brought the live blog row along (articles/rows.py, joined
    in liveblog/apps.py): other articles say no.
    """
    liveblog = getattr(article, "live_blog", None)
    return liveblog is not None and liveblog.is_live


def _iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


def liveblog_json_ld(context, article, liveblog, updates):
    """Return JSON-LD for a live blog page: a LiveBlogPosting with its newest updates
    as BlogPosting, each with its own headline, time and address (#update-<id>)."""
    request = context["request"]
    url = request.build_absolute_uri(article.get_absolute_url())
    home = request.build_absolute_uri(reverse("articles:index"))
    publisher = {
        "@type": "Organization",
        "@id": home + "#organisatie",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": home,
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(LOGO)),
            "width": LOGO_SIZE,
            "height": LOGO_SIZE,
        },
    }
    authors = [
        {
            "@type": "Person",
            "name": byline.author.name,
            "url": request.build_absolute_uri(byline.author.get_absolute_url()),
        }
        for byline in article.byline
    ]
    posting = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": url + "#artikel",
        "headline": article.title[:110],
        "description": article.lead,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": "nl",
        "isAccessibleForFree": True,
        "author": authors or [{"@id": publisher["@id"]}],
        "publisher": publisher,
    }
    if article.section:
        posting["articleSection"] = article.section.name
    image = share_image(request, article)
    if image:
        posting["image"] = [image.url]
    if article.published_at:
        posting["datePublished"] = _iso(article.published_at)
        newest = max(
            [article.modified_at, *(update.published_at for update in updates)]
        )
        posting["dateModified"] = _iso(newest)
    if liveblog.coverage_start:
        posting["coverageStartTime"] = _iso(liveblog.coverage_start)
    if liveblog.coverage_end:
        posting["coverageEndTime"] = _iso(liveblog.coverage_end)
    posting["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": update.headline[:110],
            "datePublished": _iso(update.published_at),
            **({"dateModified": _iso(update.edited_at)} if update.edited_at else {}),
            "url": f"{url}#update-{update.pk}",
            "articleBody": shorten(update.plain_text or update.quote, 500),
            **(
                {"author": {"@type": "Person", "name": update.author.name}}
                if update.author
                else {}
            ),
        }
        for update in sorted(updates, key=lambda u: u.published_at, reverse=True)
    ]
    return json_ld(posting)
