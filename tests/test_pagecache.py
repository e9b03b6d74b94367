"""Whole-page caching: hits cost no query, every kind of change shows at once, time
changes pages on its own, editors never share pages, and conditional GET answers 304.

Anonymous readers use the `client` fixture; editors log in on a client of their own,
so the reader's requests carry no session cookie.
"""

import os
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import dj_database_url
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from articles.models import Article, Author, Section, SlugRedirect
from newsroom import cachetags, pagecache
from newsroom.cache import DegradingFileCache
from newsroom.settings import _embedded_caches
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_section,
    make_ticker_item,
)
from tests.helpers import admin_form_data, manage
from ticker.models import TickerItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

BASE_DIR = Path(__file__).resolve().parent.parent
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2025, 7, 10, 14, 0, tzinfo=AMSTERDAM)
LIVE = reverse("ticker:live")


# A few views that misbehave on purpose, next to the real site.


def _sets_a_cookie(request):
    response = HttpResponse("<p>Met koekje</p>")
    response.set_cookie("voorkeur", "donker")
    return response


def _varies_on_cookie(request):
    response = HttpResponse("<p>Per lezer</p>")
    response["Vary"] = "Cookie"
    return response


@never_cache
def _never_cached(request):
    return HttpResponse("<p>Nooit bewaard</p>")


def _inline_script(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}">start()</script>')


urlpatterns = [
    path("proef/koekje/", _sets_a_cookie),
    path("proef/vary/", _varies_on_cookie),
    path("proef/nooit/", _never_cached),
    path("proef/script/", _inline_script),
    path("", include("newsroom.urls")),
]


def state(response):
    return response.headers.get("X-Page-Cache")


@pytest.fixture
def article():
    section = make_section(name="Economie")
    author = make_author(name="Samira El Idrissi")
    return make_article(
        title="Haven van Tanger groeit",
        section=section,
        tags=["Haven"],
        authors=[author],
    )


def warm(client, url):
    """Request url twice; return the second response, which must be a hit."""
    client.get(url)
    response = client.get(url)
    assert state(response) == "hit", url
    return response


# Hits


def test_a_cached_page_is_served_without_a_query(
    client, article, django_assert_num_queries
):
    make_ticker_item(headline="Storm op zee")
    first = client.get("/")

    with django_assert_num_queries(0):
        second = client.get("/")

    assert state(first) == "miss"
    assert state(second) == "hit"
    assert second.content == first.content
    assert "Haven van Tanger groeit" in second.text
    assert "Storm op zee" in second.text


@pytest.mark.parametrize(
    "url",
    [
        "/artikel/haven-van-tanger-groeit/",
        "/rubriek/economie/",
        "/tag/haven/",
        "/auteur/samira-el-idrissi/",
        "/archief/",
        "/feed/",
        "/feed/atom/",
        "/rubriek/economie/feed/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/laatste-nieuws/",
        "/robots.txt",
    ],
)
def test_every_public_page_is_served_from_the_cache(
    client, article, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200

    with django_assert_num_queries(0):
        second = client.get(url)

    assert state(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_cached_pages_keep_the_security_headers(client, article):
    first = client.get("/")
    second = client.get("/")
    not_modified = client.get("/", headers={"if-none-match": first["ETag"]})

    for response in (first, second, not_modified):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        # Public pages have no inline script: no nonce that a cached copy would reuse.
        assert "nonce-" not in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Request-ID"]
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert second["X-Frame-Options"] == "DENY"
    assert not_modified.status_code == 304


def test_the_built_once_policy_follows_a_changed_setting(client, article, settings):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert client.get("/")["Content-Security-Policy"] == "default-src 'none'"


def test_cache_control_lets_a_cdn_keep_the_page_briefly(client, article):
    miss = client.get("/")
    hit = client.get("/")

    for response in (miss, hit):
        assert response["Cache-Control"].startswith("public, max-age=")
        assert "stale-while-revalidate=300" in response["Cache-Control"]
        assert int(response["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 60
        assert not response.cookies
        assert "Vary" not in response


def test_max_age_never_reaches_past_the_next_scheduled_article(client, article):
    with time_machine.travel(T0, tick=False):
        make_article(title="Om kwart over", published_at=T0 + timedelta(seconds=20))

        response = client.get("/")

    assert "max-age=20," in response["Cache-Control"]


def test_parameters_the_page_does_not_read_share_its_entry(client, article):
    client.get("/")

    assert state(client.get("/?utm_source=nieuwsbrief&fbclid=abc")) == "hit"
    assert state(client.get("/?onbekend=1")) == "hit"
    # The front page is not paginated: ?page= is one of those.
    assert state(client.get("/?page=2")) == "hit"


def test_pages_of_a_list_are_kept_apart(client, settings):
    for n in range(settings.NEWSROOM_PAGE_SIZE + 1):
        make_article(title=f"Bericht {n}")

    first, second = client.get("/archief/"), client.get("/archief/?page=2")
    again = client.get("/archief/?page=2")

    assert state(again) == "hit"
    assert again.content == second.content != first.content


def test_a_different_host_gets_its_own_copy(client, article, settings):
    settings.ALLOWED_HOSTS = ["nieuws.example.nl", "testserver"]
    client.get("/")

    other = client.get("/", headers={"host": "nieuws.example.nl"})

    assert state(other) == "miss"
    assert "http://nieuws.example.nl/" in other.text


def test_a_host_that_is_not_allowed_gets_400_not_a_cached_page(client, article):
    client.get("/")

    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get(LIVE, headers={"host": "evil.example"}).status_code == 400


def test_search_is_answered_fresh_but_conditionally(client, article):
    first = client.get("/zoeken/?q=haven")
    again = client.get("/zoeken/?q=haven", headers={"if-none-match": first["ETag"]})

    assert state(first) is None
    assert first["Cache-Control"].startswith("public, max-age=")
    assert again.status_code == 304


def test_a_head_request_is_answered_from_the_cache(client, article):
    client.get("/")

    response = client.head("/")

    assert response.status_code == 200
    assert state(response) == "hit"
    assert response.content == b""


# Never kept


def test_responses_that_set_a_cookie_are_never_kept(client, settings):
    settings.ROOT_URLCONF = __name__

    first = client.get("/proef/koekje/")
    second = client.get("/proef/koekje/")

    assert "voorkeur" in first.cookies and "voorkeur" in second.cookies
    assert state(first) == state(second) == "miss"
    assert "public" not in first.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/proef/vary/", "/proef/nooit/", "/proef/script/"])
def test_responses_per_reader_or_marked_uncacheable_are_never_kept(
    client, settings, url
):
    settings.ROOT_URLCONF = __name__

    client.get(url)
    second = client.get(url)

    assert state(second) == "miss"
    assert "public" not in second.get("Cache-Control", "")


def test_a_page_with_a_nonce_gets_its_own_in_header_and_body(client, settings):
    settings.ROOT_URLCONF = __name__

    first, second = client.get("/proef/script/"), client.get("/proef/script/")

    nonces = []
    for response in (first, second):
        nonce = response.text.split('nonce="')[1].split('"')[0]
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_errors_and_redirects_are_never_kept(client, article):
    other = make_article(title="Een ander stuk")
    SlugRedirect.objects.create(old_slug="oude-slug", article=article)
    first_missing = client.get("/artikel/bestaat-niet/")
    first_moved = client.get("/artikel/oude-slug/")
    # Changed without signals, so nothing tells the page cache: only an answer
    # that was not kept can show the change.
    Article.objects.filter(pk=other.pk).update(slug="bestaat-niet")
    SlugRedirect.objects.filter(old_slug="oude-slug").update(article=other)

    missing = client.get("/artikel/bestaat-niet/")
    moved = client.get("/artikel/oude-slug/")

    assert first_missing.status_code == 404
    assert "Cache-Control" not in first_missing
    assert first_moved.status_code == 301
    assert first_moved["Location"] == article.get_absolute_url()
    assert "public" not in first_moved.get("Cache-Control", "")
    assert missing.status_code == 200 and "Een ander stuk" in missing.text
    assert moved.status_code == 301
    assert moved["Location"] == "/artikel/bestaat-niet/"
    assert state(missing) != "hit" and state(moved) != "hit"


def test_preview_links_and_the_admin_are_never_kept(client, editor_client, article):
    draft = make_article(title="Nog geheim", status=Article.Status.DRAFT)
    link = draft.preview_links.create()

    for _ in range(2):
        preview = client.get(link.get_absolute_url())
        admin = client.get(f"/{django_settings.ADMIN_URL}")
    assert preview.status_code == 200
    # The preview view's own policy (private, no-store) keeps it out of the cache.
    assert state(preview) == "miss" and state(admin) is None
    assert preview["Cache-Control"] == "private, no-store"


def test_a_cache_that_keeps_nothing_keeps_no_pages_either(client, settings, article):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    client.get("/")
    Article.objects.filter(pk=article.pk).update(title="Zonder cache")

    response = client.get("/")

    assert "Zonder cache" in response.text
    assert state(response) is None
    assert "public" not in response.get("Cache-Control", "")


# Editors


def test_editors_get_fresh_private_pages_and_never_fill_the_cache(
    client, editor_client, article
):
    as_editor = editor_client.get("/")
    assert set(as_editor["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert state(as_editor) is None
    # The editor's visit stored nothing: the first reader renders the page.
    assert state(client.get("/")) == "miss"

    # A change that sends no signal: the cache cannot know, the editor still sees it.
    Article.objects.filter(pk=article.pk).update(title="Stil bijgewerkt")
    assert "Haven van Tanger groeit" in client.get("/").text
    assert "Stil bijgewerkt" in editor_client.get("/").text


def test_an_editor_previewing_a_draft_does_not_leak_it(client, editor_client):
    draft = make_article(title="Concept over de haven", status=Article.Status.DRAFT)

    assert editor_client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_article_pages_do_not_vary_on_cookies_for_readers(client, article):
    response = client.get(article.get_absolute_url())

    assert "Vary" not in response
    assert response["Cache-Control"].startswith("public")


# Invalidation, each kind of change


def test_editing_an_article_shows_at_once(client, article):
    warm(client, article.get_absolute_url())
    warm(client, "/")

    article.title = "Haven van Tanger groeit verder"
    article.save()

    assert "Tanger groeit verder" in client.get(article.get_absolute_url()).text
    assert "Tanger groeit verder" in client.get("/").text


def test_publishing_unpublishing_and_killing_show_at_once(client, article):
    draft = make_article(title="Nieuw kabinet", status=Article.Status.DRAFT)
    warm(client, "/")

    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert "Nieuw kabinet" in client.get("/").text
    warm(client, draft.get_absolute_url())

    draft.status = Article.Status.DRAFT
    draft.save()
    assert "Nieuw kabinet" not in client.get("/").text
    assert client.get(draft.get_absolute_url()).status_code == 404

    warm(client, article.get_absolute_url())
    article.status = Article.Status.KILLED
    article.kill_reason = "Onjuiste bron."
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 410
    assert "Haven van Tanger" not in client.get("/").text


def test_deleting_an_article_shows_at_once(client, article):
    warm(client, "/feed/")

    article.delete()

    assert "Haven van Tanger" not in client.get("/feed/").text


def test_tag_changes_show_at_once(client, article):
    warm(client, "/tag/haven/")
    warm(client, article.get_absolute_url())

    article.tags.add("Scheepvaart")
    assert "Scheepvaart" in client.get(article.get_absolute_url()).text

    article.tags.remove("Haven")
    assert "Haven van Tanger" not in client.get("/tag/haven/").text

    warm(client, "/tag/scheepvaart/")
    Tag.objects.filter(slug="scheepvaart").update(name="Zeevaart")
    Tag.objects.get(slug="scheepvaart").save()  # the admin saves the tag
    assert "Zeevaart" in client.get("/tag/scheepvaart/").text


def test_byline_author_and_section_changes_show_at_once(client, article):
    url = article.get_absolute_url()
    warm(client, url)

    author = Author.objects.get(name="Samira El Idrissi")
    author.name = "Samira El Idrissi-Bennani"
    author.save()
    assert "El Idrissi-Bennani" in client.get(url).text

    warm(client, url)
    article.bylines.create(author=make_author(name="Youssef Amrani"), order=1)
    assert "Youssef Amrani" in client.get(url).text

    warm(client, url)
    article.bylines.filter(author__name="Youssef Amrani").delete()
    assert "Youssef Amrani" not in client.get(url).text

    warm(client, "/")
    section = Section.objects.get(name="Economie")
    section.name = "Economie & handel"
    section.save()
    assert "Economie &amp; handel" in client.get("/").text


def test_image_changes_show_at_once(client, article):
    image = make_image(alt="Containerschepen in de haven")
    article.lead_image = image
    article.save()
    url = article.get_absolute_url()
    assert "Containerschepen in de haven" in warm(client, url).text

    image.alt = "Kranen in de haven van Tanger Med"
    image.save()

    assert "Kranen in de haven van Tanger Med" in client.get(url).text


def test_ticker_changes_show_at_once(client, article):
    item = make_ticker_item(headline="Eerste melding")
    warm(client, "/")

    added = make_ticker_item(headline="Tweede melding")
    assert "Tweede melding" in client.get("/").text

    warm(client, "/")
    added.is_visible = False
    added.save()
    assert "Tweede melding" not in client.get("/").text

    warm(client, "/")
    item.delete()
    assert "Eerste melding" not in client.get("/").text


def test_ticker_bulk_actions_show_at_once(client, editor_client, article):
    items = [make_ticker_item(headline=f"Bulkbericht {n}") for n in range(2)]
    warm(client, article.get_absolute_url())

    response = editor_client.post(
        reverse("admin:ticker_tickeritem_changelist"),
        {"action": "hide", "_selected_action": [item.pk for item in items]},
    )

    assert response.status_code == 302
    assert not TickerItem.objects.filter(is_visible=True).exists()
    assert "Bulkbericht" not in client.get(article.get_absolute_url()).text


def test_article_bulk_actions_show_at_once(client, editor_client, article):
    draft = make_article(title="Samen gepubliceerd", status=Article.Status.REVIEW)
    warm(client, "/")

    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    assert response.status_code == 302
    assert "Samen gepubliceerd" in client.get("/").text


def test_saving_in_the_admin_shows_at_once(client, editor_client, article):
    url = article.get_absolute_url()
    warm(client, url)
    change = reverse("admin:articles_article_change", args=[article.pk])
    form = editor_client.get(change)

    response = editor_client.post(
        change,
        admin_form_data(
            form,
            lead="Een nieuwe intro.",
            change_kind="minor",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Een nieuwe intro." in client.get(url).text


def test_invalidate_is_there_for_writes_without_signals(client, article):
    warm(client, "/")
    Article.objects.filter(pk=article.pk).update(title="Massaal bijgewerkt")
    assert state(client.get("/")) == "hit"

    pagecache.invalidate()

    assert "Massaal bijgewerkt" in client.get("/").text


@pytest.mark.django_db(transaction=True)
def test_changes_invalidate_again_after_commit(client, article):
    warm(client, "/")
    key = cachetags.tag_key(f"article-{article.pk}")

    with transaction.atomic():
        article.title = "Na de commit"
        article.save()
        article.tags.add("Extra")
        version = cache.get(key)

    # A page rendered from the database as it was before the commit would carry this
    # version: after the commit, it is not current any more.
    assert cache.get(key) != version
    assert "Na de commit" in client.get("/").text


def test_many_rows_in_one_transaction_replace_once_after_commit(
    article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            article.title = "Veel rijen"
            article.save()
            article.tags.add("Extra", "Nog een")

    with mock.patch.object(cachetags, "replace") as replace:
        for callback in callbacks:
            callback()
    assert replace.call_count == 1
    assert f"article-{article.pk}" in replace.call_args.args[0]


def test_a_rolled_back_transaction_does_not_swallow_the_next_change(
    article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            with transaction.atomic():
                article.tags.add("Teruggedraaid")
                transaction.set_rollback(True)
            article.title = "Na de terugdraai"
            article.save()

    with mock.patch.object(cachetags, "replace") as replace:
        for callback in callbacks:
            callback()
    assert replace.call_count == 1


@pytest.mark.parametrize("tag", ["front", cachetags.ALL])
def test_a_lost_version_starts_afresh_instead_of_reviving_old_pages(
    client, article, tag
):
    warm(client, "/")
    cache.delete(cachetags.tag_key(tag))

    assert state(client.get("/")) == "miss"
    assert state(client.get("/")) == "hit"


# Time


def test_a_scheduled_article_goes_live_on_a_warm_cache(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 24 * 60 * 60
    with time_machine.travel(T0, tick=False) as clock:
        make_article(title="Al online", published_at=T0 - timedelta(hours=1))
        make_article(title="Embargo tot drie uur", published_at=T0 + timedelta(hours=1))
        assert "Embargo tot drie uur" not in client.get("/").text

        clock.move_to(T0 + timedelta(minutes=59, seconds=59))
        with django_assert_num_queries(0):
            before = client.get("/")
        assert state(before) == "hit"
        assert "Embargo tot drie uur" not in before.text

        clock.move_to(T0 + timedelta(hours=1))
        after = client.get("/")
        assert state(after) == "miss"
        assert "Embargo tot drie uur" in after.text

        # The next scheduled change is found again: none, so the page is kept.
        clock.move_to(T0 + timedelta(hours=1, minutes=5))
        assert state(client.get("/")) == "hit"


def test_an_expiring_article_leaves_on_time_on_a_warm_cache(client):
    with time_machine.travel(T0, tick=False) as clock:
        article = make_article(
            title="Tijdelijke oproep",
            published_at=T0 - timedelta(days=1),
            expires_at=T0 + timedelta(minutes=30),
        )
        warm(client, "/")
        warm(client, article.get_absolute_url())

        clock.move_to(T0 + timedelta(minutes=30))

        assert "Tijdelijke oproep" not in client.get("/").text
        assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_ticker_item_appears_on_time_on_a_warm_cache(client, article):
    with time_machine.travel(T0, tick=False) as clock:
        make_ticker_item(headline="Straks live", published_at=T0 + timedelta(minutes=5))
        warm(client, "/")

        clock.move_to(T0 + timedelta(minutes=5))

        assert "Straks live" in client.get("/").text


def test_pages_are_rendered_again_after_midnight(client):
    evening = datetime(2025, 7, 10, 23, 50, tzinfo=AMSTERDAM)
    with time_machine.travel(evening, tick=False) as clock:
        make_article(title="Late avond", published_at=evening - timedelta(minutes=5))
        page = warm(client, "/archief/")
        assert "vandaag" in page.text

        clock.move_to(evening + timedelta(minutes=10))
        after = client.get("/archief/")

        assert state(after) == "miss"
        assert "gisteren" in after.text


def test_a_per_process_cache_keeps_pages_no_longer_than_the_poll_interval(
    client, settings, article
):
    settings.CACHE_IS_SHARED = False
    with time_machine.travel(T0, tick=False) as clock:
        warm(client, "/")
        clock.move_to(T0 + timedelta(seconds=settings.TICKER_POLL_SECONDS))

        assert state(client.get("/")) == "miss"


# Conditional GET


def test_etag_round_trip_on_a_page(client, article, django_assert_num_queries):
    first = client.get("/")
    etag = first["ETag"]
    assert etag.startswith('"')

    with django_assert_num_queries(0):
        again = client.get("/", headers={"if-none-match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"].startswith("public, max-age=")

    article.title = "Nieuwe kop"
    article.save()
    changed = client.get("/", headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_if_modified_since_round_trip_on_a_page(client):
    with time_machine.travel(T0, tick=False) as clock:
        article = make_article(title="Vandaag", published_at=T0 - timedelta(hours=1))
        first = client.get(article.get_absolute_url())
        last_modified = first["Last-Modified"]

        clock.move_to(T0 + timedelta(minutes=1))
        again = client.get(
            article.get_absolute_url(), headers={"if-modified-since": last_modified}
        )
        assert again.status_code == 304

        # Content that changes within the same second still gets a later date.
        article.lead = "Een andere intro."
        article.save()
        changed = client.get(
            article.get_absolute_url(), headers={"if-modified-since": last_modified}
        )
        assert changed.status_code == 200
        assert changed["Last-Modified"] != last_modified


def test_unchanged_content_keeps_its_validators_through_unrelated_changes(
    client, article
):
    url = article.get_absolute_url()
    first = client.get(url)

    pagecache.invalidate()  # drops every page...
    again = client.get(url)

    assert state(again) == "miss"
    assert again.content == first.content  # ...but this page did not change
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/tag/haven/feed/"])
def test_etag_round_trip_on_feeds(client, article, url):
    first = client.get(url)

    assert first.status_code == 200
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert (
        client.get(
            url, headers={"if-modified-since": first["Last-Modified"]}
        ).status_code
        == 304
    )

    make_article(title="Nog een artikel", tags=["Haven"])
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200


def test_a_feed_that_loses_its_newest_item_is_not_answered_304(client, article):
    older = make_article(title="Ouder artikel", published_at=article.published_at)
    first = client.get("/feed/")

    older.delete()
    again = client.get("/feed/", headers={"if-modified-since": first["Last-Modified"]})

    assert again.status_code == 200
    assert "Ouder artikel" not in again.text


def test_the_ticker_endpoint_answers_304_before_sessions(
    client, editor_client, django_assert_num_queries
):
    make_ticker_item(headline="Snel antwoord")
    first = client.get(LIVE)

    with django_assert_num_queries(0):
        again = client.get(LIVE, headers={"if-none-match": first["ETag"]})
        # An editor's session cookie changes nothing: the session is never read.
        as_editor = editor_client.get(LIVE, headers={"if-none-match": first["ETag"]})

    for response in (again, as_editor):
        assert response.status_code == 304
        assert response["ETag"] == first["ETag"]
        assert response["Cache-Control"].startswith("public, max-age=")
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Vary" not in response and not response.cookies
    assert first["X-Frame-Options"] == "DENY"
    assert int(first["Content-Length"]) == len(first.content)
    assert (
        client.get(LIVE, headers={"if-modified-since": first["Last-Modified"]})
    ).status_code == 304


# Across processes


def _run_shell(env, code):
    return manage(env, "shell", "--verbosity", "0", "--command", code)


@pytest.mark.django_db(transaction=True)
def test_a_change_in_another_process_reaches_this_one(client, settings, tmp_path):
    """Another process (manage.py shell) saves an article; the next request here
    sees the change, through the shared file cache."""
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        # The other process writes to this very test database.
        url = (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    else:
        # An in-memory SQLite test database cannot be opened by another process: it
        # gets a database of its own, and this test checks the invalidation alone.
        url = f"sqlite:///{tmp_path / 'ander.sqlite3'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "REDIS_"))
    }
    env.update(DJANGO_DEBUG="1", DATABASE_URL=url, DJANGO_LOG_LEVEL="WARNING")
    caches = _embedded_caches(dj_database_url.parse(url))
    for alias in caches.values():
        alias["LOCATION"] = str(tmp_path / "cache" / Path(alias["LOCATION"]).name)
    env["CACHE_URL"] = f"file://{caches['default']['LOCATION']}"
    env["CACHE_KEY_PREFIX"] = "proef"
    settings.CACHES = {
        "default": {**caches["default"], "KEY_PREFIX": "proef"},
    }
    if connection.vendor != "postgresql":
        migrate = manage(env, "migrate", "--verbosity", "0", timeout=300)
        assert migrate.returncode == 0, migrate.stderr
    article = make_article(title="Voor de wijziging", slug="wijziging")
    warm(client, article.get_absolute_url())

    changed = _run_shell(
        env,
        "from articles.models import Article\n"
        "from tests.factories import make_article\n"
        "a = Article.objects.filter(slug='wijziging').first()"
        # The same id as here: the change names article-<id>, which this page shows.
        f" or make_article(slug='wijziging', pk={article.pk})\n"
        "a.title = 'Na de wijziging'\n"
        "a.save()\n",
    )

    assert changed.returncode == 0, changed.stderr
    after = client.get(article.get_absolute_url())
    assert state(after) == "miss"
    if connection.vendor == "postgresql":
        assert "Na de wijziging" in after.text


def test_the_embedded_default_is_a_file_cache_per_database(tmp_path):
    first = _embedded_caches(
        dj_database_url.parse(f"sqlite:///{tmp_path / 'een' / 'db.sqlite3'}")
    )
    second = _embedded_caches(
        dj_database_url.parse(f"sqlite:///{tmp_path / 'twee' / 'db.sqlite3'}")
    )
    postgres = _embedded_caches(
        dj_database_url.parse("postgres://newsroom@db.internal:5432/newsroom")
    )

    assert first["default"]["BACKEND"] == "newsroom.cache.DegradingFileCache"
    assert first["default"]["LOCATION"] == str(tmp_path / "een" / "cache" / "shared")
    assert first["pages"]["LOCATION"] == str(tmp_path / "een" / "cache" / "pages")
    prefixes = {caches["default"]["KEY_PREFIX"] for caches in (first, second, postgres)}
    assert len(prefixes) == 3
    assert postgres["default"]["LOCATION"] == str(BASE_DIR / "var" / "cache" / "shared")


def test_the_embedded_default_is_shared_between_processes(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "REDIS_"))
    }
    env.update(DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    result = _run_shell(
        env,
        "from django.conf import settings\n"
        "print(settings.CACHES['default']['BACKEND'], settings.CACHE_IS_SHARED)\n",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["newsroom.cache.DegradingFileCache", "True"]


# The file cache: what one process writes, every other one reads.


@pytest.fixture
def two_processes(tmp_path):
    """Return two file caches on one folder, as two workers have."""
    return DegradingFileCache(str(tmp_path), {}), DegradingFileCache(str(tmp_path), {})


def test_file_cache_sees_a_value_replaced_by_another_process(two_processes):
    writer, reader = two_processes
    writer.set("generatie", "een", timeout=None)
    assert reader.get("generatie") == "een"

    writer.set("generatie", "twee", timeout=None)

    assert reader.get("generatie") == "twee"


def test_file_cache_sees_deletes_clears_and_expiry(two_processes):
    writer, reader = two_processes
    writer.set("weg", "a", timeout=None)
    writer.set("leeg", "b", timeout=None)
    writer.set("kort", "c", timeout=60)
    for key in ("weg", "leeg", "kort"):
        assert reader.get(key)

    writer.delete("weg")
    assert reader.get("weg") is None
    with time_machine.travel(datetime.now(tz=AMSTERDAM) + timedelta(seconds=61)):
        assert reader.get("kort") is None
    writer.clear()
    assert reader.get("leeg") is None
