"""A cache outage is a slowdown, not an outage: Redis stopped or hung, the site still
serves every page and takes every save, and shows fresh pages once Redis is back.

The servers here are production ones (gunicorn with newsroom/gunicorn.py, DEBUG off,
REDIS_URL from the environment) against a redis-server of the test's own, on a free
loopback port: never the machine's shared one.
"""

import importlib.util
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from tests.helpers import free_port, manage, production_env

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "geheim-wachtwoord-123"  # what tests.factories.make_user gives

pytestmark = pytest.mark.skipif(
    not shutil.which("redis-server"), reason="needs the redis-server binary"
)


def _admin_client():
    spec = importlib.util.spec_from_file_location(
        "admin_client", BASE_DIR / "benchmarks" / "admin_client.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Redis:
    """A redis-server of our own, without persistence, that can stop and hang."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def pause(self):
        """Hang it: connections are still accepted, nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)


class Site:
    """A production server: gunicorn, SQLite, static files collected, REDIS_URL."""

    def __init__(self, folder, redis):
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = production_env(
            folder, self.port, REDIS_URL=redis.url, CACHE_RETRY_SECONDS="1"
        )
        self.log = folder / "gunicorn.log"
        self.process = None

    def manage(self, *args, check=True):
        result = manage(self.env, *args, timeout=180)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def setup(self):
        self.manage("migrate", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage(
            "shell",
            "--verbosity",
            "0",
            "--command",
            "from tests.factories import make_article, make_user\n"
            "make_user('eindredactie', is_superuser=True)\n"
            "make_article(title='Haven van Tanger groeit', slug='haven')\n",
        )

    def start(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(VENV_BIN / "gunicorn"),
                    "-c",
                    "python:newsroom.gunicorn",
                    "newsroom.wsgi",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.get("/healthz")[0] == 200:
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)

    def get(self, path, timeout=15):
        """Return status, headers, body and the seconds the answer took."""
        started = time.monotonic()
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as response:
                body = response.read().decode()
                status, headers = response.status, response.headers
        except urllib.error.HTTPError as error:
            body = error.read().decode()
            status, headers = error.code, error.headers
        except OSError:
            return None, {}, "", time.monotonic() - started
        return status, headers, body, time.monotonic() - started

    def save_title(self, title):
        """Change the article's title through the admin, as an editor does."""
        admin_client = _admin_client()
        browser = admin_client.Browser(self.base)
        browser.submit(
            "/beheer/login/",
            "login-form",
            {"username": "eindredactie", "password": PASSWORD},
            ("next", "/beheer/"),
        )
        pk = self.query("SELECT id FROM articles_article WHERE slug = 'haven'")
        return browser.submit(
            f"/beheer/articles/article/{pk}/change/",
            "article_form",
            # A typo fixed in a live article: the "minor correction" kind.
            {"title": title, "change_kind": "minor"},
            ("_save", "Opslaan"),
        )

    def query(self, sql):
        with closing(sqlite3.connect(self.folder / "db.sqlite3")) as db:
            return db.execute(sql).fetchone()[0]


PUBLIC_PAGES = [
    "/",
    "/artikel/haven/",
    "/ticker/",
    "/laatste-nieuws/",
    "/archief/",
    "/zoeken/?q=haven",
    "/feed/",
    "/sitemap.xml",
    "/robots.txt",
]


# One server for the module (setting it up takes a while); each test leaves Redis
# running, as it found it.


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    server = Redis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis):
    site = Site(tmp_path_factory.mktemp("site"), redis)
    site.setup()
    site.start()
    yield site
    site.stop()


def eventually(check, seconds=15):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_redis_stopped_costs_no_page_and_no_save_and_comes_back_fresh(site, redis):
    for path in PUBLIC_PAGES:
        assert site.get(path)[0] == 200, path
    site.save_title("Voor de storing")
    assert "Voor de storing" in site.get("/")[2]
    # Kept once a render ran with no change under way (a loaded machine can still
    # be finishing the save's after-commit work during the first one).
    assert eventually(lambda: site.get("/")[1]["X-Page-Cache"] == "hit")

    redis.stop()

    for path in PUBLIC_PAGES:
        status, headers, body, seconds = site.get(path)
        assert status == 200, (path, body[:300])
        assert seconds < 2, path
    # A correction saves and commits, and readers see it at once.
    site.save_title("Gecorrigeerd tijdens de storing")
    assert site.query("SELECT title FROM articles_article") == (
        "Gecorrigeerd tijdens de storing"
    )
    assert "Gecorrigeerd tijdens de storing" in site.get("/")[2]
    assert "Gecorrigeerd tijdens de storing" in site.get("/artikel/haven/")[2]
    status, _, body, seconds = site.get("/readyz")
    assert (status, seconds < 2) == (200, True)
    assert '"status": "degraded"' in body and '"reason": "cache"' in body
    # The import commits too, and says so.
    imported = site.manage("import_seeds", str(BASE_DIR / "seeds"), check=False)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "Traceback" not in imported.stdout + imported.stderr
    assert site.query("SELECT COUNT(*) FROM ticker_tickeritem") > 0

    redis.start()

    # Fresh pages again, and from the cache once more.
    def cached_and_fresh():
        status, headers, body, _ = site.get("/")
        return (
            status == 200
            and "Gecorrigeerd tijdens de storing" in body
            and headers.get("X-Page-Cache") == "hit"
        )

    assert eventually(cached_and_fresh)
    assert eventually(lambda: '"status": "ok"' in site.get("/readyz")[2])
    site.save_title("Na de storing")
    assert "Na de storing" in site.get("/")[2]


def test_a_hung_redis_costs_bounded_time_and_misses_no_invalidation(site, redis):
    site.save_title("Voor het hangen")
    # Kept once a render ran with no change under way (as above: a loaded machine
    # can still be finishing the save's after-commit work during the first one).
    for path in ("/", "/artikel/haven/"):
        assert eventually(lambda path=path: site.get(path)[1]["X-Page-Cache"] == "hit")

    redis.pause()
    try:
        # Pages in flight on both workers when the probe comes: it waits for a
        # worker, no more (the issue saw 6.9 s: workers stuck on the cache for 10).
        busy = [
            threading.Thread(target=site.get, args=(path,)) for path in PUBLIC_PAGES
        ]
        for thread in busy:
            thread.start()
        status, _, _, seconds = site.get("/healthz")
        assert (status, seconds < 2) == (200, True), seconds
        for thread in busy:
            thread.join(30)

        # Each worker waits one socket timeout (0.5 s), then skips the cache.
        started = time.monotonic()
        for path in PUBLIC_PAGES:
            status, _, body, seconds = site.get(path)
            assert status == 200, (path, body[:300])
            assert seconds < 2, path
        assert time.monotonic() - started < 6
        site.save_title("Gecorrigeerd terwijl Redis hing")
        assert "Gecorrigeerd terwijl Redis hing" in site.get("/artikel/haven/")[2]
        status, _, body, seconds = site.get("/readyz")
        assert (status, seconds < 2) == (200, True)
        assert '"status": "degraded"' in body
    finally:
        redis.resume()

    # Redis kept the pages stored before it hung, under the old generation: the
    # invalidation it missed is delivered when it answers again, so they go.
    def fresh_from_the_cache():
        status, headers, body, _ = site.get("/artikel/haven/")
        return (
            "Gecorrigeerd terwijl Redis hing" in body
            and headers.get("X-Page-Cache") == "hit"
        )

    assert eventually(fresh_from_the_cache)
    assert re.search(
        r"Cache invalidation pagecache:tag:\S+ delivered late", site.log.read_text()
    )
