"""What bench.py's scenarios and the newsroom workload (newsroom_load.py) share: a
throwaway production-like site (database, static files, gunicorn), the demo data,
wrk, the CPU time of the server's processes and the machine's description."""

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
import urllib.parse
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
    # The static file of the same size to compare with, filled in by the scenario.
    ceiling: str = ""


@dataclass
class Result:
    target: Target
    requests_per_second: float
    median_ms: float
    p99_ms: float
    requests: int
    errors: str
    size: int
    phase: str = "warm"
    cpu_ms: float = 0.0
    db_cpu_ms: float = 0.0
    load: float = 0.0
    ceiling: "Result | None" = None


class BenchError(Exception):
    pass


class Bench:
    """A temporary, production-like site: database, static files, gunicorn."""

    def __init__(self, workers, database_url=None, project=PROJECT):
        self.workers = workers
        # The code to run: this checkout, or another one (--against-code).
        self.project = Path(project)
        self.tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        self.static_root = self.tmp / "static"
        self.database_url = database_url or f"sqlite:///{self.tmp / 'db.sqlite3'}"
        self.postgres = self.database_url.startswith(("postgres:", "postgresql:"))
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": self.database_url,
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.tmp / "media"),
            # Plain HTTP on loopback: no TLS proxy in front to redirect for.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # wrk is one client: the API's rate limit would answer it 429.
            "API_RATE_LIMIT": "1000000/s",
        }
        for name in ("CACHE_URL", "REDIS_URL"):
            self.env.pop(name, None)
        self.server = None
        self.base = ""
        self.phase = "warm"
        self.cold_cache = "page"

    def create_database(self):
        """Start from an empty database: PostgreSQL's is dropped and made again."""
        if not self.postgres:
            return
        import psycopg

        name = urllib.parse.urlsplit(self.database_url).path.lstrip("/")
        if "bench" not in name:
            raise BenchError(
                f"refusing to drop the database {name!r}: its name must contain 'bench'"
            )
        admin_url = urllib.parse.urlsplit(self.database_url)._replace(path="/postgres")
        try:
            with psycopg.connect(admin_url.geturl(), autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{name}"')
        except psycopg.Error as error:
            raise BenchError(f"cannot create the database {name!r}: {error}") from None

    def manage(self, *args, stdin=None, timeout=600):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.project,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            output = (result.stderr or result.stdout)[-800:]
            raise BenchError(f"manage.py {args[0]} failed:\n{output}")
        return result.stdout

    def shell(self, code):
        return self.manage("shell", "--no-imports", "-c", code)

    def start(self, phase="warm"):
        """Start gunicorn; "cold" renders every page (PAGE_CACHE_SECONDS=0, or every
        cache off with --cold-cache dummy)."""
        self.phase = phase
        env = dict(self.env)
        if phase == "cold":
            env.update(COLD_ENV[self.cold_cache])
        port = free_port()
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
        if getattr(self, "log", None):
            self.log.close()
        self.log = open(self.tmp / "gunicorn.log", "a")
        self.server = subprocess.Popen(
            command,
            cwd=self.project,
            env=env,
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

    def cpu_seconds(self):
        """Return the CPU time (user + sys) that gunicorn's processes and the
        PostgreSQL backends have used so far, per process id.

        Steadier than wall time on a shared machine: other processes' load slows a
        request down but does not add to its CPU time.
        """
        server = _cpu_seconds([self.server.pid, *self.worker_pids()])
        database = _cpu_seconds(self.postgres_pids()) if self.postgres else {}
        return server, database

    def postgres_pids(self):
        """Return the PostgreSQL backends that serve this site's database."""
        name = urllib.parse.urlsplit(self.database_url).path.lstrip("/")
        pids = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            with contextlib.suppress(OSError):
                words = cmdline.read_bytes().decode(errors="replace").split()
                if words[:1] == ["postgres:"] and name in words:
                    pids.append(int(cmdline.parent.name))
        return pids

    def stop(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=5)
        self.server = None

    def _log_tail(self):
        with contextlib.suppress(OSError):
            return (self.tmp / "gunicorn.log").read_text()[-1500:]
        return ""

    def close(self):
        self.stop()
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _cpu_seconds(pids):
    seconds = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # utime and stime: fields 14 and 15 of /proc/<pid>/stat.
            ticks = int(fields[11]) + int(fields[12])
            seconds[pid] = ticks / os.sysconf("SC_CLK_TCK")
    return seconds


def _cpu_used(before, after):
    """Return the CPU seconds used between two snapshots of _cpu_seconds().

    Per process: a database connection may be closed and replaced during a run
    (CONN_MAX_AGE), and a process that is gone must not count negative.
    """
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def prepare_pages(bench, args):
    # seed_demo reports its own rate; a bounded wait, however many articles.
    output = bench.manage(
        "seed_demo",
        "--articles",
        str(args.articles),
        "--ticker",
        str(args.items),
        "--seed",
        "1",
        timeout=120 + args.articles // 200,
    )
    rate = re.search(r"Rate: ([\d,]+) articles/s", output)
    bench.seed_rate = int(rate.group(1).replace(",", "")) if rate else 0
    print(output.strip(), flush=True)


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"


def add_database_arguments(parser):
    """--db and --postgres-url, the same for every workload."""
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="with --db postgres: the database to drop, create and fill; its name "
        "must contain 'bench' (default %(default)s)",
    )


# Cold runs: "page" turns the page cache off, so every request renders its page (the
# ticker and the other small caches work as in production); "dummy" turns every
# cache off, so each request also rebuilds the ticker.
COLD_ENV = {
    "page": {"PAGE_CACHE_SECONDS": "0"},
    "dummy": {"CACHE_URL": "dummy://"},
}
COLD_NOTE = {"page": "page cache off", "dummy": "every cache off"}
CACHE_BACKEND = """
from django.conf import settings
print(settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1])
"""


def machine_description():
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"Machine: {os.cpu_count()} CPUs ({model}), load average {load}"


def run_wrk(bench, target, args):
    url = bench.base + target.path
    # Every worker answers (and warms its own cache) before the clock runs.
    for _ in range(bench.workers * 4):
        status, _, body = fetch(url, target.headers)
    if status != target.expect:
        raise BenchError(f"{target.name}: {url} answered {status}, not {target.expect}")
    cpu_before, db_before = bench.cpu_seconds()
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
    cpu_after, db_after = bench.cpu_seconds()
    requests = int(_match(r"(\d+) requests in", output))
    return Result(
        target=target,
        requests_per_second=float(_match(r"Requests/sec:\s+([\d.]+)", output)),
        median_ms=_ms(_match(r"^\s+50%\s+(\S+)", output)),
        p99_ms=_ms(_match(r"^\s+99%\s+(\S+)", output)),
        requests=requests,
        errors=", ".join(
            re.findall(r"(Socket errors: .*|Non-2xx or 3xx responses: \d+)", output)
        ),
        size=len(body),
        phase=bench.phase,
        cpu_ms=1000 * _cpu_used(cpu_before, cpu_after) / max(requests, 1),
        db_cpu_ms=1000 * _cpu_used(db_before, db_after) / max(requests, 1),
        load=os.getloadavg()[0],
    )


def _match(pattern, text):
    match = re.search(pattern, text, re.M)
    if not match:
        raise BenchError(f"unexpected wrk output:\n{text}")
    return match.group(1)


def _ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
