"""Which cached pages a live blog change drops (newsroom/cachetags.py).

A live blog's pages (its article page and older pages, the poll endpoint, the
fragment of new updates and its feeds) carry `liveblog-<id>` besides the article's
`article-<id>`, which the articles app drops when the article itself changes
(unpublished, killed, renamed). A new, edited or deleted update drops
`liveblog-<id>` only: the front page and lists show the article's card, which an
update does not change. Starting, ending or removing live coverage changes the
card's "LIVE" label, so it also drops `article-<id>` (every page with the card)
and `liveblogs` (the content API's list of live blogs).
An update nobody can see (in a live blog whose article is not public, or a
reporter's update waiting for approval) drops nothing.
"""

from articles.models import Article
from newsroom import cachetags


def tags_of(liveblog):
    return (f"article-{liveblog.article_id}", f"liveblog-{liveblog.pk}")


def tag_page(request, liveblog):
    """Tag request's page as showing liveblog."""
    cachetags.add_tags(request, *tags_of(liveblog))


def is_public(article_id, using=None):
    return Article.objects.using(using).published().filter(pk=article_id).exists()


def updates_changed(liveblog_id, article_id, using=None):
    """Drop the live blog's pages after an update readers see (or saw) changed."""
    if is_public(article_id, using):
        cachetags.changed([f"liveblog-{liveblog_id}"], using=using)


def liveblog_changed(liveblog, *, label_changed, using=None):
    """Drop the live blog's pages, and every card of it when its label changed."""
    if not is_public(liveblog.article_id, using):
        return
    tags = [f"liveblog-{liveblog.pk}"]
    if label_changed:
        # The API's list of live blogs, filtered by state, too.
        tags += [f"article-{liveblog.article_id}", "liveblogs"]
    cachetags.changed(tags, using=using)
