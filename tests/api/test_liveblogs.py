"""Live blogs in the content API: which ones are listed, their updates newest
first, page after page, only what readers see, and the answers' cache tags."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from liveblog.models import LiveBlog
from tests.factories import make_article, make_author
from tests.liveblog.helpers import make_liveblog, make_update, make_updates

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_lists_live_blogs_of_public_articles_with_their_coverage(client):
    ended = make_liveblog(
        article=make_article(title="Verkiezingsavond"), state=LiveBlog.State.ENDED
    )
    live = make_liveblog(article=make_article(title="Aardbeving in de Atlas"))
    make_updates(live, 3)
    make_update(live, approved=False)
    make_liveblog(article=make_article(status=Article.Status.DRAFT))
    make_liveblog(
        article=make_article(published_at=timezone.now() + timedelta(hours=1))
    )

    listed = results(client.get("/api/v1/liveblogs/"))

    assert [item["id"] for item in listed] == [live.pk, ended.pk]
    first = listed[0]
    assert first["title"] == "Aardbeving in de Atlas"
    assert first["state"] == "live"
    assert first["coverage_start"] is not None and first["coverage_end"] is None
    assert first["updates"] == 3
    assert first["article"]["id"] == live.article_id
    assert first["article"]["url"] == (
        f"http://testserver/artikel/{live.article.slug}/"
    )
    assert first["updates_url"] == (
        f"http://testserver/api/v1/liveblogs/{live.pk}/updates/"
    )
    assert client.get(first["feed_url"]).status_code == 200
    assert listed[1]["state"] == "ended" and listed[1]["coverage_end"] is not None


def test_list_filters_by_state_and_pages_with_a_cursor(client):
    blogs = [make_liveblog() for _ in range(3)]
    ended = make_liveblog(state=LiveBlog.State.ENDED)

    assert [b["id"] for b in results(client.get("/api/v1/liveblogs/?state=ended"))] == [
        ended.pk
    ]
    first = client.get("/api/v1/liveblogs/?state=live&limit=2").json()
    assert [b["id"] for b in first["results"]] == [blogs[2].pk, blogs[1].pk]
    rest = client.get(first["next"]).json()
    assert [b["id"] for b in rest["results"]] == [blogs[0].pk]
    assert rest["next"] is None


@pytest.mark.parametrize(
    "query", ["state=bezig", "limit=0", "cursor=abc", "onbekend=1"]
)
def test_list_refuses_bad_parameters_with_a_400(client, query):
    response = client.get(f"/api/v1/liveblogs/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_updates_newest_first_paginated_only_public_ones(client):
    liveblog = make_liveblog()
    updates = make_updates(liveblog, 5)
    author = make_author(name="Samira El Idrissi")
    pinned_old = make_update(
        liveblog,
        title="Vastgezet",
        published_at=timezone.now() - timedelta(days=1),
        pinned=True,
        key_event=True,
        author=author,
        quote="Rustig blijven.",
        quote_source="De burgemeester",
    )
    make_update(liveblog, title="Wacht op goedkeuring", approved=False)
    make_update(make_liveblog(), title="Een ander liveblog")

    first = client.get(f"/api/v1/liveblogs/{liveblog.pk}/updates/?limit=4").json()
    second = client.get(first["next"]).json()

    newest_first = [u.pk for u in reversed(updates)] + [pinned_old.pk]
    got = [u["id"] for u in first["results"] + second["results"]]
    assert got == newest_first
    assert second["next"] is None
    last = second["results"][-1]
    assert last["title"] == "Vastgezet"
    assert last["pinned"] is True and last["key_event"] is True
    assert last["author"]["name"] == "Samira El Idrissi"
    assert last["quote"] == "Rustig blijven."
    assert last["quote_source"] == "De burgemeester"
    assert last["url"] == f"http://testserver/live/update/{pinned_old.pk}/"
    assert last["image"] is None and last["edited_at"] is None


def test_update_body_is_sanitised_html(client):
    liveblog = make_liveblog()
    make_update(liveblog, body='<p onclick="x()">Nieuws<script>alert(1)</script></p>')

    (update,) = results(client.get(f"/api/v1/liveblogs/{liveblog.pk}/updates/"))

    assert update["body"] == "<p>Nieuws</p>"


@pytest.mark.parametrize(
    "status",
    [Article.Status.DRAFT, Article.Status.KILLED],
)
def test_updates_of_a_live_blog_readers_cannot_see_are_a_404(client, status):
    liveblog = make_liveblog(article=make_article(status=status))
    make_update(liveblog)

    response = client.get(f"/api/v1/liveblogs/{liveblog.pk}/updates/")

    assert response.status_code == 404
    assert response.json()["detail"]
    assert client.get("/api/v1/liveblogs/999999/updates/").status_code == 404
    assert client.get(f"/api/v1/liveblogs/{2**63}/updates/").status_code == 404


@pytest.mark.usefixtures("page_cache")
def test_answers_are_tagged_and_dropped_by_a_new_update_only(client):
    liveblog = make_liveblog()
    other = make_liveblog()
    url = f"/api/v1/liveblogs/{liveblog.pk}/updates/"
    other_url = f"/api/v1/liveblogs/{other.pk}/updates/"
    for address in (url, other_url, "/api/v1/liveblogs/"):
        first = client.get(address)
        assert client.get(address).headers["X-Page-Cache"] == "hit", address
    keys = first.headers["Surrogate-Key"].split()
    assert f"liveblog-{liveblog.pk}" in keys and "liveblogs" in keys
    assert f"liveblog-{liveblog.pk}" in client.get(url).headers["Surrogate-Key"]

    make_update(liveblog, title="Nieuw")

    fresh = client.get(url)
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert [u["title"] for u in fresh.json()["results"]] == ["Nieuw"]
    assert client.get(other_url).headers["X-Page-Cache"] == "hit"
    listed = client.get("/api/v1/liveblogs/")
    assert listed.headers["X-Page-Cache"] == "miss"  # its update count changed


def test_query_counts_stay_flat(client, django_assert_num_queries):
    liveblog = make_liveblog()
    make_updates(liveblog, 60)
    for _ in range(5):
        make_liveblog()
    with django_assert_num_queries(1):
        assert client.get("/api/v1/liveblogs/").status_code == 200
    with django_assert_num_queries(2):
        assert (
            client.get(f"/api/v1/liveblogs/{liveblog.pk}/updates/").status_code == 200
        )
