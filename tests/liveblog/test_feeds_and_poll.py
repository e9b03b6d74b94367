"""The live blog's feeds, the poll endpoint open pages ask, the new-updates fragment,
and what posting an update does to cached pages."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from liveblog.models import LiveBlog
from tests.factories import make_article
from tests.liveblog.helpers import make_liveblog, make_update, make_updates

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def poll_url(liveblog):
    return f"/artikel/{liveblog.article.slug}/live/"


def test_the_rss_feed_lists_updates_newest_first_with_permalinks(client):
    liveblog = make_liveblog(article=make_article(title="Aardbeving in de Atlas"))
    updates = make_updates(liveblog, 3)
    hidden = make_update(liveblog, title="Niet goedgekeurd", approved=False)

    response = client.get(f"/artikel/{liveblog.article.slug}/live/feed/")

    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Aardbeving in de Atlas: live updates"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        u.title for u in reversed(updates)
    ]
    newest = updates[-1]
    assert items[0].findtext("link") == (f"http://testserver/live/update/{newest.pk}/")
    assert items[0].findtext("guid") == f"newsroom:liveblog-update:{newest.pk}"
    assert hidden.title not in response.content.decode()


def test_the_atom_feed_and_hostile_text_in_it(client):
    liveblog = make_liveblog()
    update = make_update(liveblog, title="Kop")
    type(update).objects.filter(pk=update.pk).update(
        body="<p>Tekst</p><script>alert(1)</script>"
    )

    response = client.get(f"/artikel/{liveblog.article.slug}/live/atom/")

    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Kop"
    assert "script" not in entry.findtext(f"{ATOM}summary")


def test_the_page_links_its_feeds(client):
    liveblog = make_liveblog()
    html = client.get(liveblog.article.get_absolute_url()).content.decode()

    assert f'href="/artikel/{liveblog.article.slug}/live/feed/"' in html
    assert f'href="/artikel/{liveblog.article.slug}/live/atom/"' in html


def test_poll_answers_304_until_an_update_changes(client):
    liveblog = make_liveblog()
    first_update = make_update(liveblog)

    first = client.get(poll_url(liveblog))
    assert first.status_code == 200
    body = json.loads(first.content)
    assert body == {"state": "live", "poll_seconds": 10, "updates": [first_update.pk]}

    with CaptureQueriesContext(connection) as queries:
        again = client.get(poll_url(liveblog), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert len(queries.captured_queries) == 1

    second = make_update(liveblog)
    changed = client.get(poll_url(liveblog), headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert json.loads(changed.content)["updates"] == [second.pk, first_update.pk]

    second.delete()
    after_delete = client.get(
        poll_url(liveblog), headers={"If-None-Match": changed["ETag"]}
    )
    assert after_delete.status_code == 200


def test_poll_says_when_coverage_ends(client):
    liveblog = make_liveblog()
    etag = client.get(poll_url(liveblog))["ETag"]

    liveblog.state = LiveBlog.State.ENDED
    liveblog.save()
    response = client.get(poll_url(liveblog), headers={"If-None-Match": etag})

    assert json.loads(response.content)["state"] == "ended"


def test_new_updates_fragment_has_only_the_newer_ones(client):
    liveblog = make_liveblog()
    old, new = make_update(liveblog, title="Oud"), make_update(liveblog, title="Nieuw")

    response = client.get(
        f"/artikel/{liveblog.article.slug}/live/nieuw/?after={old.pk}"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="update-{new.pk}"' in html and f'id="update-{old.pk}"' not in html
    assert (
        client.get(f"/artikel/{liveblog.article.slug}/live/nieuw/?after=x").status_code
        == 404
    )


@pytest.mark.usefixtures("page_cache")
def test_poll_is_served_from_the_page_cache_and_dropped_by_a_new_update(client):
    liveblog = make_liveblog()
    make_update(liveblog)
    first = client.get(poll_url(liveblog))
    assert first.headers["X-Page-Cache"] == "miss"

    with CaptureQueriesContext(connection) as queries:
        hit = client.get(poll_url(liveblog), headers={"If-None-Match": first["ETag"]})
    assert hit.status_code == 304 and hit.headers["X-Page-Cache"] == "hit"
    assert queries.captured_queries == []

    make_update(liveblog)
    fresh = client.get(poll_url(liveblog), headers={"If-None-Match": first["ETag"]})
    assert fresh.status_code == 200 and len(json.loads(fresh.content)["updates"]) == 2


@pytest.mark.usefixtures("page_cache")
def test_a_new_update_drops_the_live_blog_page_and_leaves_the_front_page(client):
    liveblog = make_liveblog()
    url = liveblog.article.get_absolute_url()
    client.get(url)
    client.get("/")
    assert client.get(url).headers["X-Page-Cache"] == "hit"

    make_update(liveblog, title="Verse update")

    page = client.get(url)
    assert page.headers["X-Page-Cache"] == "miss"
    assert "Verse update" in page.content.decode()
    # The front page shows the live blog's card and label, not its updates.
    assert client.get("/").headers["X-Page-Cache"] == "hit"


@pytest.mark.usefixtures("page_cache")
def test_ending_coverage_drops_the_front_page_with_the_live_label(client):
    liveblog = make_liveblog()
    client.get("/")
    front = client.get("/")
    assert front.headers["X-Page-Cache"] == "hit"
    assert 'class="live-label"' in front.content.decode()

    liveblog.state = LiveBlog.State.ENDED
    liveblog.save()

    front = client.get("/")
    assert front.headers["X-Page-Cache"] == "miss"
    assert 'class="live-label"' not in front.content.decode()


@pytest.mark.usefixtures("page_cache")
def test_updates_nobody_sees_drop_nothing(client):
    draft = make_liveblog(article=make_article(status=Article.Status.DRAFT))
    liveblog = make_liveblog(reporter_approval=True)
    url = liveblog.article.get_absolute_url()
    client.get(url)
    assert client.get(url).headers["X-Page-Cache"] == "hit"

    make_update(draft, title="In een concept")
    make_update(liveblog, title="Wacht op goedkeuring", approved=False)

    assert client.get(url).headers["X-Page-Cache"] == "hit"


@pytest.mark.usefixtures("page_cache")
def test_live_blog_responses_name_their_cache_tags(client):
    liveblog = make_liveblog()
    make_update(liveblog)
    slug = liveblog.article.slug
    for url in (
        liveblog.article.get_absolute_url(),
        poll_url(liveblog),
        f"/artikel/{slug}/live/feed/",
        f"/artikel/{slug}/live/atom/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        keys = response.headers["Surrogate-Key"].split()
        assert f"liveblog-{liveblog.pk}" in keys, url
        assert f"article-{liveblog.article_id}" in keys, url
        assert f"liveblog-{liveblog.pk}" in response.headers["Cache-Tag"].split(",")


@pytest.mark.usefixtures("page_cache")
def test_a_new_update_leaves_an_unrelated_article_warm(client):
    liveblog = make_liveblog()
    other = make_article(title="Iets heel anders")
    cache.clear()
    client.get(other.get_absolute_url())
    assert client.get(other.get_absolute_url()).headers["X-Page-Cache"] == "hit"

    make_update(liveblog)

    assert client.get(other.get_absolute_url()).headers["X-Page-Cache"] == "hit"


def test_a_new_update_purges_the_live_blogs_tag_at_the_edge(
    settings, django_capture_on_commit_callbacks
):
    import http.server
    import threading

    from newsroom import purge
    from tests.helpers import free_port

    received = []

    class Edge(http.server.BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
            received.append(self.headers["Surrogate-Key"])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    port = free_port()
    server = http.server.HTTPServer(("127.0.0.1", port), Edge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            liveblog = make_liveblog()
            other = make_article()
        settings.NEWSROOM_PURGE_URLS = [f"http://127.0.0.1:{port}/"]
        with django_capture_on_commit_callbacks(execute=True):
            make_update(liveblog)
        purge.purger.join()
    finally:
        server.shutdown()
        server.server_close()

    keys = {key for header in received for key in header.split()}
    assert f"liveblog-{liveblog.pk}" in keys
    assert f"article-{other.pk}" not in keys and "front" not in keys


@pytest.mark.usefixtures("page_cache")
def test_poll_304s_come_from_the_fast_path_until_the_live_blog_changes(client):
    liveblog = make_liveblog()
    make_update(liveblog)
    url = poll_url(liveblog)
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    make_article(title="Een ander artikel")  # drops other pages, not this one
    with CaptureQueriesContext(connection) as queries:
        fast = client.get(url, headers={"If-None-Match": etag})
    assert fast.status_code == 304 and queries.captured_queries == []
    assert "X-Page-Cache" not in fast.headers  # answered before the page cache
    assert fast["ETag"] == etag
    assert fast["Cache-Control"].startswith("public, max-age=")

    make_update(liveblog, title="Nieuw")

    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert len(json.loads(fresh.content)["updates"]) == 2


@pytest.mark.usefixtures("page_cache")
def test_the_poll_fast_path_ends_when_the_article_is_unpublished(client):
    liveblog = make_liveblog()
    url = poll_url(liveblog)
    etag = client.get(url)["ETag"]
    client.get(url, headers={"If-None-Match": etag})
    assert "X-Page-Cache" not in client.get(url, headers={"If-None-Match": etag})

    article = liveblog.article
    article.status = Article.Status.DRAFT
    article.save()

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404
