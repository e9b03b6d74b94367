"""A real Varnish (deploy/varnish/newsroom.vcl, xkey) in front of a real server:
pages come from Varnish, a publish purges the pages that show the article within a
second, a draft save purges nothing, and editors always reach the app.

Varnish 7 and its xkey module come from Debian's packages: `make varnish` (or
.ci/run) installs them. Without them the test is skipped, except under CI=true,
where it fails saying what to install.
"""

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import free_port, manage, production_env

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
VCL = BASE_DIR / "deploy" / "varnish" / "newsroom.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
XKEY = Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so")


def varnish_available():
    return Path(VARNISHD).exists() and (
        XKEY.exists() or any(Path("/usr/lib").glob("**/libvmod_xkey.so"))
    )


@pytest.fixture(scope="module")
def varnish_required():
    if varnish_available():
        return
    message = (
        "Varnish and its xkey module are missing: apt-get install varnish "
        "varnish-modules (or run `make varnish`)."
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def get(url, cookie=None):
    request = urllib.request.Request(url)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def eventually(check, seconds):
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


class Stack:
    """gunicorn (SQLite, the embedded file cache) behind varnishd on loopback."""

    def __init__(self, folder):
        self.folder = folder
        self.app_port, self.varnish_port = free_port(), free_port()
        self.app = f"http://127.0.0.1:{self.app_port}"
        self.edge = f"http://127.0.0.1:{self.varnish_port}"
        self.env = production_env(
            folder,
            self.app_port,
            NEWSROOM_PURGE_URLS=f"{self.edge}/",
            NEWSROOM_PURGE_TIMEOUT="2",
        )
        self.processes = []

    def manage(self, *args):
        result = manage(self.env, *args, timeout=180)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def shell(self, code):
        return self.manage("shell", "--verbosity", "0", "--command", code)

    def start(self):
        self.manage("migrate", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        log = open(self.folder / "gunicorn.log", "ab")  # noqa: SIM115
        self.processes.append(
            subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", "python:newsroom.gunicorn"]
                + ["newsroom.wsgi"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        assert eventually(lambda: self.ok(f"{self.app}/healthz"), 30), self.log()
        vcl = VCL.read_text().replace('.port = "8000"', f'.port = "{self.app_port}"')
        (self.folder / "newsroom.vcl").write_text(vcl)
        workdir = self.folder / "varnish"
        workdir.mkdir()
        self.processes.append(
            subprocess.Popen(
                [VARNISHD, "-F", "-j", "none", "-n", str(workdir)]
                + ["-a", f"127.0.0.1:{self.varnish_port}"]
                + ["-f", str(self.folder / "newsroom.vcl"), "-s", "malloc,64m"],
                stdout=open(self.folder / "varnish.log", "ab"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
            )
        )
        assert eventually(lambda: self.ok(f"{self.edge}/healthz"), 30), (
            self.folder / "varnish.log"
        ).read_text()

    def ok(self, url):
        try:
            return get(url)[0] == 200
        except OSError:
            return False

    def log(self):
        return (self.folder / "gunicorn.log").read_text()[-3000:]

    def stop(self):
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def stack(varnish_required, tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("varnish"))
    try:
        stack.start()
        stack.shell(
            "from tests.factories import make_article, make_section\n"
            "economy = make_section(name='Economie')\n"
            "make_section(name='Sport')\n"
            "make_article(title='Haven van Tanger groeit', slug='haven', "
            "section=economy)\n"
            "make_article(title='Raja wint de derby', slug='raja')\n"
            "make_article(title='Begroting in de maak', slug='begroting', "
            "status='draft', section=economy)\n"
        )
        yield stack
    finally:
        stack.stop()


def from_varnish(stack, path, cookie=None):
    return get(f"{stack.edge}{path}", cookie)


def warm(stack, *paths):
    for path in paths:
        from_varnish(stack, path)
        status, headers, _ = from_varnish(stack, path)
        assert status == 200 and headers["X-Cache"] == "HIT", (path, headers)


def test_pages_are_served_by_varnish_without_their_tags(stack):
    status, headers, body = from_varnish(stack, "/artikel/haven/")
    assert status == 200
    again = from_varnish(stack, "/artikel/haven/")
    assert again[1]["X-Cache"] == "HIT"
    assert again[2] == body
    for name in ("Surrogate-Key", "Cache-Tag", "xkey"):
        assert name not in again[1]
    # The app does name them, for the edge.
    assert "article-" in get(f"{stack.app}/artikel/haven/")[1]["Surrogate-Key"]


def test_a_draft_save_purges_nothing(stack):
    pages = ("/", "/rubriek/economie/", "/artikel/haven/", "/artikel/raja/")
    warm(stack, *pages)

    stack.shell(
        "from articles.models import Article\n"
        "draft = Article.objects.get(slug='begroting')\n"
        "draft.lead = 'Nog niet af.'\n"
        "draft.save()\n"
    )

    time.sleep(1)
    for path in pages:
        assert from_varnish(stack, path)[1]["X-Cache"] == "HIT", path


def test_publishing_purges_its_page_the_front_page_and_its_section(stack):
    warm(stack, "/", "/rubriek/economie/", "/artikel/haven/", "/artikel/raja/")

    stack.shell(
        "from articles.models import Article\n"
        "from django.utils import timezone\n"
        "draft = Article.objects.get(slug='begroting')\n"
        "draft.status = 'published'\n"
        "draft.published_at = timezone.now()\n"
        "draft.save()\n"
        "haven = Article.objects.get(slug='haven')\n"
        "haven.title = 'Haven van Tanger groeit verder'\n"
        "haven.save()\n"
    )
    published = time.monotonic()

    def shows(path, text):
        return lambda: text in from_varnish(stack, path)[2]

    assert eventually(shows("/", "Begroting in de maak"), 1)
    assert eventually(shows("/rubriek/economie/", "Begroting in de maak"), 1)
    assert eventually(shows("/artikel/haven/", "Haven van Tanger groeit verder"), 1)
    assert time.monotonic() - published < 1.5
    assert from_varnish(stack, "/artikel/begroting/")[0] == 200
    # An unrelated article's page stays in Varnish.
    assert from_varnish(stack, "/artikel/raja/")[1]["X-Cache"] == "HIT"


def test_editors_with_a_session_cookie_always_reach_the_app(stack):
    warm(stack, "/")
    for _ in range(2):
        status, headers, _ = from_varnish(stack, "/", cookie="sessionid=abc")
        assert status == 200
        assert headers["X-Cache"] == "MISS"
        assert "private" in headers["Cache-Control"]


def test_a_purge_must_name_its_tags(stack):
    request = urllib.request.Request(f"{stack.edge}/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)
    assert error.value.code == 400
