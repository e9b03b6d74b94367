"""What public templates need from live blogs (Jinja2 globals: newsroom/jinja2.py)."""

from articles.templatetags.article_tags import iso_time, json_ld, news_posting
from liveblog.models import shorten


def is_live(article):
    """Return whether article is a live blog in live coverage.

    For cards whose query brought the live blog row along (articles/rows.py, joined
    in liveblog/apps.py): other articles say no.
    """
    liveblog = getattr(article, "live_blog", None)
    return liveblog is not None and liveblog.is_live


def liveblog_json_ld(context, article, liveblog, updates):
    """Return JSON-LD for a live blog page: a LiveBlogPosting with its newest updates
    as BlogPosting, each with its own headline, time and address (#update-<id>)."""
    request = context["request"]
    url = request.build_absolute_uri(article.get_absolute_url())
    newest = max([article.modified_at, *(update.published_at for update in updates)])
    posting = {
        "@context": "https://schema.org",
        **news_posting(request, article, "LiveBlogPosting", modified_at=newest),
    }
    if liveblog.coverage_start:
        posting["coverageStartTime"] = iso_time(liveblog.coverage_start)
    if liveblog.coverage_end:
        posting["coverageEndTime"] = iso_time(liveblog.coverage_end)
    posting["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": update.headline[:110],
            "datePublished": iso_time(update.published_at),
            **(
                {"dateModified": iso_time(update.edited_at)} if update.edited_at else {}
            ),
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
