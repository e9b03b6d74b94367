"""The live blog page readers see: states, order, pages, permalinks, structured data,
the front page's label, and query counts that stay flat however many updates."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from liveblog.models import LiveBlog
from tests.factories import make_article, make_author, make_section
from tests.liveblog.helpers import make_liveblog, make_update, make_updates

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    return [json.loads(block) for block in blocks]


def update_ids(html):
    return [int(pk) for pk in re.findall(r'data-update-id="(\d+)"', html)]


def test_a_live_blog_says_live_and_lists_updates_newest_first(client):
    liveblog = make_liveblog()
    updates = make_updates(liveblog, 3)

    html = page(client, liveblog.article.get_absolute_url())

    assert 'class="live-label"' in html and "Live verslag sinds" in html
    assert update_ids(html) == [u.pk for u in reversed(updates)]
    assert 'data-poll-src="/artikel/' in html and "liveblog/liveblog.js" in html


def test_an_upcoming_live_blog_says_when_it_starts(client):
    start = timezone.now() + timedelta(hours=2)
    liveblog = make_liveblog(state=LiveBlog.State.UPCOMING, coverage_start=start)

    html = page(client, liveblog.article.get_absolute_url())

    assert "Het live verslag begint" in html
    assert 'class="live-label"' not in html


def test_an_ended_live_blog_says_so_at_the_top(client):
    liveblog = make_liveblog(state=LiveBlog.State.ENDED)
    make_updates(liveblog, 2)

    html = page(client, liveblog.article.get_absolute_url())

    assert "Dit liveblog is afgelopen." in html
    assert html.index("Dit liveblog is afgelopen.") < html.index("data-update-id")
    assert 'class="live-label"' not in html


def test_pinned_updates_come_first(client):
    liveblog = make_liveblog()
    pinned = make_update(
        liveblog, pinned=True, published_at=timezone.now() - timedelta(hours=3)
    )
    newest = make_update(liveblog)

    assert update_ids(page(client, liveblog.article.get_absolute_url())) == [
        pinned.pk,
        newest.pk,
    ]


def test_twenty_per_page_with_older_pages_without_script(client):
    liveblog = make_liveblog()
    updates = make_updates(liveblog, 45)
    url = liveblog.article.get_absolute_url()

    first = page(client, url)
    assert len(update_ids(first)) == 20
    assert f'href="{url}live/2/"' in first and "Oudere updates" in first
    third = page(client, f"{url}live/3/")
    assert update_ids(third) == [u.pk for u in reversed(updates[:5])]
    assert f'href="{url}live/2/"' in third and "Nieuwere updates" in third
    second = page(client, f"{url}live/2/")
    assert f'href="{url}"' in second
    # The article page reads no query string; pages past the end do not exist.
    assert update_ids(page(client, url + "?page=3")) == update_ids(first)
    assert client.get(f"{url}live/4/").status_code == 404
    assert client.get(f"{url}live/1/").status_code == 404


def test_an_ordinary_article_has_no_older_pages(client):
    article = make_article()

    assert client.get(f"{article.get_absolute_url()}live/2/").status_code == 404


def test_a_permalink_opens_the_page_the_update_is_on(client):
    liveblog = make_liveblog()
    updates = make_updates(liveblog, 45)
    url = liveblog.article.get_absolute_url()
    old = updates[3]  # 42 newer ones: page 3

    response = client.get(f"/live/update/{old.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{url}live/3/#update-{old.pk}"
    assert old.pk in update_ids(page(client, response["Location"]))

    newest = updates[-1]
    assert client.get(f"/live/update/{newest.pk}/")["Location"] == (
        f"{url}#update-{newest.pk}"
    )
    assert old.get_absolute_url() == f"/live/update/{old.pk}/"
    # An update readers cannot see is not there.
    assert client.get("/live/update/999999/").status_code == 404
    hidden = make_update(liveblog, approved=False)
    assert client.get(f"/live/update/{hidden.pk}/").status_code == 404


def test_update_text_is_sanitised_on_the_page(client):
    liveblog = make_liveblog()
    update = make_update(liveblog, title="<b>Kop</b>")
    # Around save(): as loaddata or raw SQL could write it.
    type(update).objects.filter(pk=update.pk).update(
        body='<p>Veilig</p><script>alert("x")</script><a href="javascript:x">a</a>'
    )

    html = page(client, liveblog.article.get_absolute_url())
    section = html[html.index("data-liveblog-list") :]

    assert "Veilig" in section and "alert(" not in section
    assert "javascript:" not in section and "&lt;b&gt;Kop&lt;/b&gt;" in section


def test_key_events_are_summed_up_at_the_top(client):
    liveblog = make_liveblog()
    key = make_update(liveblog, title="Regering valt", key_event=True)
    make_update(liveblog, title="Iets kleins")

    html = page(client, liveblog.article.get_absolute_url())

    summary = html[
        html.index("Belangrijkste momenten") : html.index("data-liveblog-list")
    ]
    assert f'href="/live/update/{key.pk}/"' in summary and "Regering valt" in summary
    assert "Iets kleins" not in summary


def test_structured_data_is_a_live_blog_posting(client):
    start = timezone.now() - timedelta(hours=2)
    author = make_author(name="Samira El Idrissi")
    article = make_article(
        title="Verkiezingsavond",
        section=make_section(name="Politiek"),
        authors=[author],
    )
    liveblog = make_liveblog(
        article=article, state=LiveBlog.State.ENDED, coverage_start=start
    )
    updates = make_updates(liveblog, 25)

    html = page(client, article.get_absolute_url())
    (data,) = json_ld(html)

    assert data["@type"] == "LiveBlogPosting"
    assert data["headline"] == "Verkiezingsavond"
    assert data["coverageStartTime"] == timezone.localtime(start).isoformat(
        timespec="seconds"
    )
    liveblog.refresh_from_db()
    assert data["coverageEndTime"] == timezone.localtime(
        liveblog.coverage_end
    ).isoformat(timespec="seconds")
    entries = data["liveBlogUpdate"]
    assert len(entries) == 20
    newest = updates[-1]
    assert entries[0] == {
        "@type": "BlogPosting",
        "headline": newest.title,
        "datePublished": timezone.localtime(newest.published_at).isoformat(
            timespec="seconds"
        ),
        "url": f"http://testserver{article.get_absolute_url()}#update-{newest.pk}",
        "articleBody": f"Tekst van update {len(updates) - 1}.",
    }
    assert data["author"][0]["name"] == "Samira El Idrissi"
    # The microdata on the page names the same type.
    assert 'itemtype="https://schema.org/LiveBlogPosting"' in html


def test_an_unpublished_live_blog_is_not_there(client):
    liveblog = make_liveblog(article=make_article(status=Article.Status.DRAFT))

    assert client.get(liveblog.article.get_absolute_url()).status_code == 404
    assert client.get(f"/artikel/{liveblog.article.slug}/live/").status_code == 404


def test_the_front_page_labels_a_live_blog_while_it_is_live(client):
    liveblog = make_liveblog(article=make_article(title="Live: de top in Rabat"))
    make_article(title="Gewoon artikel")

    html = page(client, "/")
    assert html.count('class="live-label"') >= 1

    liveblog.state = LiveBlog.State.ENDED
    liveblog.save()
    assert 'class="live-label"' not in page(client, "/")


def test_an_ordinary_article_is_untouched(client):
    article = make_article(body="<p>Gewone tekst.</p>")

    html = page(client, article.get_absolute_url())

    assert "data-liveblog" not in html and "Gewone tekst." in html
    assert 'itemtype="https://schema.org/NewsArticle"' in html


def queries_for(client, url, django_assert_max_num_queries=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_first_page_queries_stay_flat_from_20_to_2000_updates(
    client, django_assert_num_queries
):
    liveblog = make_liveblog()
    make_updates(liveblog, 20)
    # As on a real site, where saves keep them: the stored related list and bylines.
    call_command("refresh_article_cache", "--all", stdout=io.StringIO())
    url = liveblog.article.get_absolute_url()
    few = queries_for(client, url)
    # Ticker, article (with its live blog row), menu, the live blog row again with
    # its dates, the page of updates, key events (the count is stored with the live
    # blog); the stored related list is empty, so no cards are read.
    assert few == 6

    make_updates(liveblog, 1980, start=timezone.now() - timedelta(days=3))
    cache.clear()
    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200
    cache.clear()
    with django_assert_num_queries(few):
        assert client.get(f"{url}live/50/").status_code == 200


def test_the_page_links_its_endpoints_and_older_pages_at_their_addresses(client):
    from django.urls import reverse

    liveblog = make_liveblog(article=make_article(title="Verkiezingen in Marokko"))
    make_updates(liveblog, 45)
    slug = liveblog.article.slug

    html = page(client, liveblog.article.get_absolute_url())

    for name in ("poll", "new", "feed", "atom"):
        address = reverse(f"liveblog:{name}", kwargs={"slug": slug})
        assert f'"{address}"' in html, name
    older = reverse("liveblog:page", kwargs={"slug": slug, "page": 2})
    assert f'href="{older}"' in html
    assert client.get(older).status_code == 200
