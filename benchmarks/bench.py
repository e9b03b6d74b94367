"""Load-test Newsroom the way production runs it, on loopback, with wrk.

    .venv/bin/python benchmarks/bench.py ticker
    .venv/bin/python benchmarks/bench.py ticker --duration 20 --connections 32

One command: it makes a temporary SQLite database, migrates, fills it (each scenario
brings its own data), runs collectstatic, starts gunicorn (2 sync workers,
DJANGO_DEBUG=0, the default local-memory cache) on a free 127.0.0.1 port, warms every
URL, drives each URL with wrk for a bounded time and prints requests/s, median and
p99 latency, plus the RSS of every gunicorn worker. Nothing leaves the machine and
the temporary folder is removed afterwards.

A scenario is a function in SCENARIOS: it gets the running `Bench` and returns the
`Target`s to measure; `prepare` (optional) fills the database before the server
starts. New pages (front page, article, ...) are one more scenario or more targets.
"""

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class Target:
    name: str
    path: str
    headers: dict = field(default_factory=dict)
    expect: int = 200


@dataclass
class Result:
    target: Target
    requests_per_second: float
    median_ms: float
    p99_ms: float
    requests: int
    errors: str
    size: int


class BenchError(Exception):
    pass


class Bench:
    """A temporary, production-like site: database, static files, gunicorn."""

    def __init__(self, workers):
        self.workers = workers
        self.tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        self.static_root = self.tmp / "static"
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{self.tmp / 'db.sqlite3'}",
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.tmp / "media"),
            # Plain HTTP on loopback: no TLS proxy in front to redirect for.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("CACHE_URL", "REDIS_URL"):
            self.env.pop(name, None)
        self.server = None
        self.base = ""

    def manage(self, *args, stdin=None):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            output = (result.stderr or result.stdout)[-800:]
            raise BenchError(f"manage.py {args[0]} failed:\n{output}")
        return result.stdout

    def shell(self, code):
        return self.manage("shell", "--no-imports", "-c", code)

    def start(self):
        port = _free_port()
        gunicorn = VENV_BIN / "gunicorn"
        if not gunicorn.exists():
            raise BenchError(f"gunicorn not found next to {sys.executable}")
        command = [str(gunicorn), "-w", str(self.workers), "-b", f"127.0.0.1:{port}"]
        if (
            "--no-control-socket"
            in subprocess.run(
                [str(gunicorn), "--help"], capture_output=True, text=True
            ).stdout
        ):
            command.append("--no-control-socket")
        command.append("newsroom.wsgi:application")
        self.log = open(self.tmp / "gunicorn.log", "w")
        self.server = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise BenchError("gunicorn exited:\n" + self._log_tail())
            with contextlib.suppress(OSError):
                if len(self.worker_pids()) == self.workers:
                    fetch(self.base + "/healthz")
                    return
            time.sleep(0.2)
        raise BenchError("gunicorn did not answer within 30 s:\n" + self._log_tail())

    def worker_pids(self):
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.server.pid:
                    pids.append(int(stat.parent.name))
        return sorted(pids)

    def worker_rss_mb(self):
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
                sizes.append(kb / 1024)
        return sizes

    def _log_tail(self):
        with contextlib.suppress(OSError):
            return (self.tmp / "gunicorn.log").read_text()[-1500:]
        return ""

    def close(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=5)
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# Scenarios


TICKER_ITEMS = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article
from ticker.models import TickerItem

now = timezone.now()
article = Article.objects.create(
    title="Marokko krijgt AI-datacenter, ondersteund door Zuid-Koreaanse techgigant",
    body="<p>Marokko staat op het punt een belangrijke AI-hub te worden.</p>",
    status=Article.Status.PUBLISHED,
    published_at=now - timedelta(hours=2),
)
headlines = [
    "Marokko bevestigt in Dakar zijn steun voor de Palestijnse zaak en Al-Quds",
    "Washington legt vanaf augustus nieuwe tarieven op aan zes landen",
    "Nederlandse economie vertoont gematigde groei, maar tekort loopt op",
    "Marokko behoudt 12e plaats op FIFA-ranglijst en blijft leider in Afrika",
    "Nvidia passeert grens van $ 4 biljoen, gedreven door kunstmatige intelligentie",
]
TickerItem.objects.bulk_create(
    TickerItem(
        headline=f"{headlines[n % len(headlines)]} ({n})",
        published_at=now - timedelta(minutes=7 * n + 1),
        article=article if n % 4 == 0 else None,
        url="https://example.org/bron" if n % 4 == 1 else "",
        is_breaking=n == 3,
        expires_at=now + timedelta(days=2) if n % 5 == 0 else None,
    )
    for n in range({count})
)
print(TickerItem.objects.count())
"""

FRAGMENT = """
import sys
from ticker.live import get_state
sys.stdout.write(get_state().html)
"""


def prepare_ticker(bench, args):
    bench.shell(TICKER_ITEMS.replace("{count}", str(args.items)))


def after_collectstatic_ticker(bench, args):
    # The ceiling: WhiteNoise serving a file of the endpoint's size from memory.
    fragment = bench.shell(FRAGMENT)
    ceiling = bench.static_root / "bench" / "ticker-fragment.html"
    ceiling.parent.mkdir(parents=True, exist_ok=True)
    ceiling.write_text(fragment)


def ticker_targets(bench, args):
    _, headers, _ = fetch(bench.base + "/ticker/")
    etag = headers["ETag"]
    return [
        Target("ticker endpoint, 200", "/ticker/"),
        Target(
            "ticker endpoint, 304 (If-None-Match)",
            "/ticker/",
            headers={"If-None-Match": etag},
            expect=304,
        ),
        Target(
            "static file, same size (WhiteNoise)", "/static/bench/ticker-fragment.html"
        ),
    ]


SCENARIOS = {
    "ticker": {
        "prepare": prepare_ticker,
        "after_collectstatic": after_collectstatic_ticker,
        "targets": ticker_targets,
    },
}


# wrk


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def run_wrk(bench, target, args):
    url = bench.base + target.path
    # Every worker answers (and warms its own cache) before the clock runs.
    for _ in range(bench.workers * 4):
        status, _, body = fetch(url, target.headers)
    if status != target.expect:
        raise BenchError(f"{target.name}: {url} answered {status}, not {target.expect}")
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=args.duration + 60
    ).stdout
    return Result(
        target=target,
        requests_per_second=float(_match(r"Requests/sec:\s+([\d.]+)", output)),
        median_ms=_ms(_match(r"^\s+50%\s+(\S+)", output)),
        p99_ms=_ms(_match(r"^\s+99%\s+(\S+)", output)),
        requests=int(_match(r"(\d+) requests in", output)),
        errors=", ".join(
            re.findall(r"(Socket errors: .*|Non-2xx or 3xx responses: \d+)", output)
        ),
        size=len(body),
    )


def _match(pattern, text):
    match = re.search(pattern, text, re.M)
    if not match:
        raise BenchError(f"unexpected wrk output:\n{text}")
    return match.group(1)


def _ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("scenarios", nargs="+", choices=sorted(SCENARIOS))
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--items", type=int, default=200, help="ticker items")
    args = parser.parse_args(argv)
    for name in ("duration", "connections", "threads", "workers", "items"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.duration > 300:
        parser.error("--duration is at most 300 seconds")
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2

    bench = Bench(args.workers)
    try:
        print(f"Preparing a temporary site in {bench.tmp} ...", flush=True)
        bench.manage("migrate", "--noinput")
        for name in args.scenarios:
            if prepare := SCENARIOS[name].get("prepare"):
                prepare(bench, args)
        bench.manage("collectstatic", "--noinput")
        for name in args.scenarios:
            if after := SCENARIOS[name].get("after_collectstatic"):
                after(bench, args)
        bench.start()
        rss_idle = bench.worker_rss_mb()
        print(
            f"gunicorn: {args.workers} sync workers on {bench.base}, DJANGO_DEBUG=0, "
            f"local-memory cache; wrk: {args.threads} threads, {args.connections} "
            f"connections, {args.duration} s per URL\n",
            flush=True,
        )
        results = []
        for name in args.scenarios:
            for target in SCENARIOS[name]["targets"](bench, args):
                results.append(run_wrk(bench, target, args))
                print(_row(results[-1]), flush=True)
        rss_loaded = bench.worker_rss_mb()
        print(
            "\nworker RSS (MB): idle "
            + ", ".join(f"{mb:.1f}" for mb in rss_idle)
            + "; after load "
            + ", ".join(f"{mb:.1f}" for mb in rss_loaded)
        )
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        bench.close()
    return 0


def _row(result):
    text = (
        f"{result.target.name:<40} {result.requests_per_second:>9.0f} req/s   "
        f"median {result.median_ms:6.2f} ms   p99 {result.p99_ms:6.2f} ms   "
        f"{result.size} B body"
    )
    if result.errors:
        text += f"   ({result.errors})"
    return text


if __name__ == "__main__":
    sys.exit(main())
