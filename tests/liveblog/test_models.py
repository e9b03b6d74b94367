"""Coverage states, the update rules and what is stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from liveblog.models import LiveBlog, LiveBlogUpdate
from tests.factories import make_image
from tests.liveblog.helpers import make_liveblog, make_update

pytestmark = pytest.mark.django_db


def test_a_new_live_blog_is_upcoming_without_times():
    liveblog = make_liveblog(state=LiveBlog.State.UPCOMING)

    assert liveblog.coverage_start is None and liveblog.coverage_end is None
    assert not liveblog.is_live and not liveblog.is_ended


def test_going_live_sets_the_start_and_ending_sets_the_end():
    liveblog = make_liveblog(state=LiveBlog.State.UPCOMING)

    liveblog.state = LiveBlog.State.LIVE
    liveblog.save()
    started = liveblog.coverage_start
    assert started is not None and liveblog.coverage_end is None

    liveblog.state = LiveBlog.State.ENDED
    liveblog.save()
    assert liveblog.coverage_start == started
    assert liveblog.coverage_end >= started


def test_the_end_cannot_come_before_the_start():
    now = timezone.now()
    liveblog = make_liveblog(coverage_start=now)
    liveblog.coverage_end = now - timedelta(hours=1)
    liveblog.state = LiveBlog.State.ENDED

    with pytest.raises(ValidationError) as error:
        liveblog.full_clean()
    assert "coverage_end" in error.value.message_dict


def test_hostile_update_text_is_cleaned_when_stored():
    liveblog = make_liveblog()
    update = make_update(
        liveblog,
        title="Kop\u200b met\x0b stuurteken",
        body=(
            '<p onclick="steal()">Tekst<script>alert(1)</script>'
            '<a href="javascript:alert(1)">link</a><img src=x onerror=alert(1)></p>'
            "<style>body{display:none}</style><iframe src=//evil></iframe>"
        ),
        quote="Citaat\x00",
    )
    update.refresh_from_db()

    assert "script" not in update.body and "onclick" not in update.body
    assert "javascript:" not in update.body and "<img" not in update.body
    assert "<iframe" not in update.body and "<style" not in update.body
    assert "Tekst" in update.body
    assert update.title == "Kop met stuurteken"
    assert update.quote == "Citaat"


def test_an_update_needs_content_and_a_key_event_a_title():
    liveblog = make_liveblog()
    empty = LiveBlogUpdate(liveblog=liveblog, body="")
    with pytest.raises(ValidationError) as error:
        empty.full_clean()
    assert "body" in error.value.message_dict

    key = LiveBlogUpdate(liveblog=liveblog, body="<p>x</p>", key_event=True)
    with pytest.raises(ValidationError) as error:
        key.full_clean()
    assert "title" in error.value.message_dict


def test_an_image_without_alt_text_is_refused_a_decorative_one_is_not():
    liveblog = make_liveblog()
    bare = make_image(alt="")
    update = LiveBlogUpdate(liveblog=liveblog, image=bare)
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert "image" in error.value.message_dict

    LiveBlogUpdate(
        liveblog=liveblog, image=make_image(alt="", decorative=True)
    ).full_clean()
    LiveBlogUpdate(liveblog=liveblog, image=make_image()).full_clean()


def test_every_update_change_counts_for_the_poll_etag():
    liveblog = make_liveblog()
    update = make_update(liveblog)
    update.title = "Anders"
    update.save()
    update.delete()

    liveblog.refresh_from_db()
    assert liveblog.changes == 3
    assert update.version == 2


def test_page_order_pins_first_then_newest():
    liveblog = make_liveblog()
    now = timezone.now()
    old_pinned = make_update(
        liveblog, published_at=now - timedelta(hours=2), pinned=True
    )
    older = make_update(liveblog, published_at=now - timedelta(hours=1))
    newer = make_update(liveblog, published_at=now)

    ordered = list(liveblog.updates.in_page_order())
    assert ordered == [old_pinned, newer, older]
    assert list(liveblog.updates.before(older)) != []
    assert set(liveblog.updates.before(older)) == {old_pinned, newer}
