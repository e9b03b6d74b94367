"""Builders for live blog tests."""

from datetime import timedelta

from django.utils import timezone

from liveblog.models import LiveBlog, LiveBlogUpdate, recount
from tests.factories import make_article


def make_liveblog(*, article=None, **overrides):
    overrides.setdefault("state", LiveBlog.State.LIVE)
    return LiveBlog.objects.create(article=article or make_article(), **overrides)


def make_update(liveblog, **overrides):
    overrides.setdefault("body", "<p>Er is nieuws.</p>")
    return LiveBlogUpdate.objects.create(liveblog=liveblog, **overrides)


def make_updates(liveblog, count, *, start=None):
    """Create count updates a minute apart in one query; the newest is the last."""
    start = start or timezone.now() - timedelta(minutes=count + 1)
    LiveBlogUpdate.objects.bulk_create(
        LiveBlogUpdate(
            liveblog=liveblog,
            published_at=start + timedelta(minutes=n),
            title=f"Update {n}",
            body=f"<p>Tekst van update {n}.</p>",
            key_event=n % 50 == 0,
        )
        for n in range(count)
    )
    recount(liveblog.pk)
    return list(liveblog.updates.order_by("published_at", "pk"))
