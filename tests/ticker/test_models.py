"""TickerItem: who sees what when, and which links and headlines are accepted."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_ticker_item
from ticker.models import HEADLINE_MAX_LENGTH, TickerItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


def test_live_shows_only_visible_due_unexpired_items(now):
    shown = make_ticker_item(headline="Nu", published_at=now - timedelta(minutes=1))
    make_ticker_item(headline="Verborgen", is_visible=False)
    make_ticker_item(headline="Straks", published_at=now + timedelta(minutes=1))
    make_ticker_item(
        headline="Verlopen",
        published_at=now - timedelta(hours=2),
        expires_at=now - timedelta(seconds=1),
    )
    make_ticker_item(
        headline="Verloopt straks",
        published_at=now - timedelta(hours=2),
        expires_at=now + timedelta(minutes=1),
    )

    assert [item.headline for item in TickerItem.objects.live(now)] == [
        shown.headline,
        "Verloopt straks",
    ]


def test_live_is_newest_first_with_ties_broken_by_id(now):
    at = now - timedelta(minutes=10)
    first = make_ticker_item(published_at=at)
    second = make_ticker_item(published_at=at)
    newest = make_ticker_item(published_at=now - timedelta(minutes=1))

    assert list(TickerItem.objects.live(now)) == [newest, second, first]


def test_the_moment_of_publishing_and_of_expiry_count_exactly(now):
    due = make_ticker_item(published_at=now)
    gone = make_ticker_item(published_at=now - timedelta(hours=1), expires_at=now)

    live = list(TickerItem.objects.live(now))

    assert due in live
    assert gone not in live


def test_archive_keeps_expired_items_but_not_hidden_or_scheduled(now):
    expired = make_ticker_item(expires_at=now - timedelta(seconds=1))
    make_ticker_item(is_visible=False)
    make_ticker_item(published_at=now + timedelta(minutes=5))

    assert list(TickerItem.objects.public(now)) == [expired]


def test_for_ticker_returns_next_scheduled_item_first_then_the_newest_live(
    django_assert_num_queries, now
):
    old, new = (
        make_ticker_item(published_at=now - timedelta(minutes=m)) for m in (9, 1)
    )
    later = make_ticker_item(published_at=now + timedelta(hours=2))
    soon = make_ticker_item(published_at=now + timedelta(hours=1))
    make_ticker_item(published_at=now + timedelta(minutes=30), is_visible=False)

    with django_assert_num_queries(1):
        rows = list(TickerItem.objects.for_ticker(1, now))

    assert [row["pk"] for row in rows] == [soon.pk, new.pk]
    assert later.pk not in [row["pk"] for row in rows]
    assert old.pk not in [row["pk"] for row in rows]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "vbscript:msgbox(1)",
        "//example.org/path",
        "/relatief/pad",
    ],
)
def test_other_schemes_than_http_are_rejected(url):
    item = TickerItem(headline="Link", url=url)

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    assert "url" in error.value.message_dict


@pytest.mark.parametrize(
    "url", ["https://example.org/nieuws", "http://example.org", "HTTPS://EXAMPLE.ORG/"]
)
def test_http_and_https_links_are_accepted(url):
    TickerItem(headline="Link", url=url).full_clean()


def test_the_database_refuses_other_schemes_from_the_shell_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        TickerItem.objects.create(headline="Link", url="javascript:alert(1)")


def test_an_article_and_an_external_link_together_are_rejected():
    item = TickerItem(
        headline="Beide", article=make_article(), url="https://example.org/"
    )

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    assert error.value.message_dict["url"] == [
        "Kies een artikel óf een externe link, niet beide."
    ]


def test_headline_is_length_limited_with_a_clear_message():
    item = TickerItem(headline="x" * (HEADLINE_MAX_LENGTH + 1))

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    [message] = error.value.message_dict["headline"]
    assert str(HEADLINE_MAX_LENGTH) in message and "161" in message


def test_headline_is_one_line_of_plain_text():
    item = make_ticker_item(headline="  Twee\nregels\t met  ruimte ")

    assert item.headline == "Twee regels met ruimte"


def test_expiry_must_come_after_the_shown_time(now):
    item = TickerItem(headline="Kort", published_at=now, expires_at=now)

    with pytest.raises(ValidationError) as error:
        item.full_clean()

    assert "expires_at" in error.value.message_dict


def test_link_goes_to_a_public_article_only(now):
    public = make_article(title="Openbaar")
    draft = make_article(title="Concept", status=Article.Status.DRAFT)
    embargoed = make_article(title="Embargo", published_at=now + timedelta(hours=1))

    assert make_ticker_item(article=public).get_link() == public.get_absolute_url()
    assert make_ticker_item(article=draft).get_link() == ""
    assert make_ticker_item(article=embargoed).get_link() == ""
    assert make_ticker_item(url="https://example.org/").get_link() == (
        "https://example.org/"
    )
    assert make_ticker_item().get_link() == ""


def test_reader_state_names_what_readers_see(now):
    assert make_ticker_item().reader_state(now) == TickerItem.State.LIVE
    assert (
        make_ticker_item(is_visible=False).reader_state(now) == TickerItem.State.HIDDEN
    )
    assert (
        make_ticker_item(published_at=now + timedelta(minutes=1)).reader_state(now)
        == TickerItem.State.SCHEDULED
    )
    assert (
        make_ticker_item(expires_at=now - timedelta(minutes=1)).reader_state(now)
        == TickerItem.State.EXPIRED
    )
