"""Edge purges: after commit, the changed tags go to every configured edge in the
background; a draft sends nothing; an edge that hangs never slows a save down."""

import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import Article
from newsroom import purge
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


class Edge(ThreadingHTTPServer):
    """A loopback server that records the PURGE requests it gets."""

    def __init__(self):
        self.purges = []
        self.received = threading.Event()
        edge = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
                edge.purges.append(self.headers["Surrogate-Key"].split())
                edge.received.set()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/"


@pytest.fixture
def edge(settings):
    server = Edge()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NEWSROOM_PURGE_URLS = [server.url]
    yield server
    server.shutdown()
    server.server_close()


def test_publishing_sends_the_articles_tags_after_commit(
    edge, django_capture_on_commit_callbacks
):
    section = make_section(name="Economie")
    article = make_article(
        title="Concept", status=Article.Status.DRAFT, section=section
    )
    purge.purger.join()
    edge.purges.clear()

    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.PUBLISHED
        article.save()
    purge.purger.join()

    assert edge.received.wait(5)
    sent = {tag for tags in edge.purges for tag in tags}
    assert {f"article-{article.pk}", "front", f"section-{section.pk}"} <= sent


def test_a_draft_save_sends_no_purge(edge, django_capture_on_commit_callbacks):
    draft = make_article(title="Concept", status=Article.Status.DRAFT)
    purge.purger.join()
    edge.purges.clear()

    with django_capture_on_commit_callbacks(execute=True):
        draft.lead = "Nog niet af."
        draft.save()
    purge.purger.join()

    assert edge.purges == []


def test_a_hanging_edge_never_slows_a_save(settings, caplog):
    # Accepts connections and never answers.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    settings.NEWSROOM_PURGE_URLS = [f"http://127.0.0.1:{silent.getsockname()[1]}/"]
    settings.NEWSROOM_PURGE_TIMEOUT = 0.3
    settings.NEWSROOM_PURGE_RETRIES = 1
    article = make_article(title="Haven")
    purge.purger.join()

    with caplog.at_level(logging.INFO, logger="newsroom.purge"):
        started = time.monotonic()
        article.title = "Haven groeit"
        article.save()
        purge.enqueue([f"article-{article.pk}"])
        saved_in = time.monotonic() - started
        purge.purger.join()
    silent.close()

    assert saved_in < 0.2
    assert "Edge purge" in caplog.text and "gave up" in caplog.text
