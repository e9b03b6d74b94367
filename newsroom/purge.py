"""Tell edge caches (Varnish, a CDN) which tags changed: after commit, in the
background.

The page cache replaces the versions of tags whose content changes
(newsroom/cachetags.py) and calls `enqueue()` with them once the change commits. A
daemon thread per process sends them to every URL in `NEWSROOM_PURGE_URLS` as

    PURGE <url>
    Surrogate-Key: article-12 front section-3 ...

(the request deploy/varnish/newsroom.vcl answers with an xkey purge), with a
timeout, a few retries and a log line. An editor's save never waits for it and
never fails because of it: a purge that cannot be delivered is logged, and the
edge keeps the page no longer than its max-age. docs/deploy.md shows the Fastly
and Cloudflare equivalents.
"""

import atexit
import logging
import queue
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

# Tags sent in one request; Varnish's default limit on a header is 8 kB.
TAGS_PER_REQUEST = 200


class Purger:
    """A queue of tag sets and the thread that sends them."""

    def __init__(self):
        self.queue = queue.Queue(maxsize=10_000)
        self.lock = threading.Lock()
        self.thread = None
        self.idle = threading.Condition()
        self.unsent = 0

    def enqueue(self, tags):
        urls = settings.NEWSROOM_PURGE_URLS
        if not urls or not tags:
            return
        try:
            self.queue.put_nowait((tuple(urls), tuple(tags)))
            with self.idle:
                self.unsent += 1
        except queue.Full:
            logger.error("Edge purge queue full: tags %s not purged", " ".join(tags))
            return
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self.run, name="edge-purge", daemon=True
                )
                self.thread.start()

    def run(self):
        while True:
            urls, tags = self.queue.get()
            taken = 1
            # Whatever else is waiting goes in the same requests.
            tags = set(tags)
            while True:
                try:
                    more_urls, more_tags = self.queue.get_nowait()
                except queue.Empty:
                    break
                taken += 1
                urls = tuple(dict.fromkeys((*urls, *more_urls)))
                tags.update(more_tags)
            tags = sorted(tags)
            try:
                for url in urls:
                    for start in range(0, len(tags), TAGS_PER_REQUEST):
                        send(url, tags[start : start + TAGS_PER_REQUEST])
            except Exception:
                logger.exception("Edge purge failed")
            with self.idle:
                self.unsent -= taken
                self.idle.notify_all()

    def join(self, timeout=10.0):
        """Wait until every purge queued was sent or given up (a management
        command's process exits right after its last save)."""
        with self.idle:
            self.idle.wait_for(lambda: self.unsent <= 0, timeout=timeout)


def send(url, tags):
    """Send one purge request, retrying with a short backoff; return whether it
    was delivered."""
    retries = settings.NEWSROOM_PURGE_RETRIES
    for attempt in range(retries + 1):
        request = urllib.request.Request(url, method="PURGE")
        request.add_header("Surrogate-Key", " ".join(tags))
        token = settings.NEWSROOM_PURGE_TOKEN
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(
                request, timeout=settings.NEWSROOM_PURGE_TIMEOUT
            ) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (OSError, ValueError) as error:
            status = None
            reason = str(error)
        else:
            reason = ""
        milliseconds = round((time.monotonic() - started) * 1000)
        if status is not None and 200 <= status < 300:
            logger.info(
                "Edge purge %s: %d tags in %d ms (%s)",
                url,
                len(tags),
                milliseconds,
                " ".join(tags[:10]),
            )
            return True
        logger.warning(
            "Edge purge %s failed (attempt %d of %d): %s",
            url,
            attempt + 1,
            retries + 1,
            status or reason,
        )
        if attempt < retries:
            time.sleep(min(2.0, 0.2 * 2**attempt))
    logger.error("Edge purge %s gave up: tags %s", url, " ".join(tags))
    return False


purger = Purger()
atexit.register(purger.join)


def enqueue(tags):
    purger.enqueue(tags)
