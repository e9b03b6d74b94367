"""The one place that says which cached pages a live blog change drops.

Today newsroom/pagecache.py has one content generation for the whole site, so a new
update makes every cached page stale. When the page cache learns to drop pages by
tag, this function is what changes: the live blog's own pages (its article page,
their older pages, poll endpoint, feed) and the front page while it shows the live
blog.
"""

from newsroom import pagecache


def liveblog_changed(liveblog_id, using=None):
    pagecache.invalidate(using=using)
