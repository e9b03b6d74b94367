"""seed_demo also makes a few live blogs: one live, one ended, one long one."""

import io

import pytest
from django.core.management import call_command

from liveblog.models import LiveBlog, LiveBlogUpdate

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_live_blogs_and_flush_removes_them(client):
    call_command("seed_demo", articles=40, ticker=0, stdout=io.StringIO())

    states = sorted(LiveBlog.objects.values_list("state", flat=True))
    assert states == ["ended", "live", "live"]
    counts = sorted(liveblog.updates.count() for liveblog in LiveBlog.objects.all())
    assert counts[-1] >= 300 and counts[0] >= 10
    live = LiveBlog.objects.filter(state="live").first()
    response = client.get(live.article.get_absolute_url())
    assert response.status_code == 200 and b"data-liveblog" in response.content

    call_command("seed_demo", flush_demo=True, stdout=io.StringIO())
    assert not LiveBlog.objects.exists() and not LiveBlogUpdate.objects.exists()
