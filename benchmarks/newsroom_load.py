"""The newsroom workload (issue #20): readers and an editor at once, quiet and busy.

    .venv/bin/python benchmarks/bench.py newsroom --articles 100000
    .venv/bin/python benchmarks/bench.py newsroom --articles 100000 --db postgres
    .venv/bin/python benchmarks/newsroom_load.py --articles 1000 --phase-seconds 10

One throwaway site (benchlib.Bench: a temporary SQLite file, or a PostgreSQL database
whose name contains "bench"), N demo articles, then two stacks in turn: the app alone
(gunicorn with newsroom/gunicorn.py, 2 workers, the embedded file cache) and the
same app behind Varnish (deploy/varnish/newsroom.vcl, on loopback, purged by the
app's own purge step). Per stack, readers run without pause (processes of threads,
standard library only; wrk cannot tell which answers came from the cache) over the
front page, the newest articles (skewed toward the newest), sections, tags and a
long tail of archive articles, while quiet and busy phases alternate. In a busy
phase an editor, logged in to the admin over HTTP (admin_client.py), saves a draft
every second, posts a ticker item every 10 s and updates or publishes an article
every 10 s.

Printed per phase: requests/s, p50/p99, the hit ratio of the reader mix without the
long tail (X-Page-Cache: hit or stale from the app; X-Cache: HIT from Varnish) and
what each editor action cost: the pages that show the change (the tags the app's
purge step sent, matched with the tags each page carries), their renders (app alone)
or the app requests Varnish made for them, and how long a publish or update took to
show through the stack. Nothing leaves the machine.
"""

import argparse
import http.client
import http.server
import json
import math
import multiprocessing
import os
import pickle
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from admin_client import Browser
from benchlib import (
    DEFAULT_POSTGRES_URL,
    PROJECT,
    VENV_BIN,
    Bench,
    BenchError,
    fetch,
    free_port,
    machine_description,
    prepare_pages,
)

ADMIN = "/" + os.environ.get("DJANGO_ADMIN_URL", "beheer/").strip("/") + "/"
EDITOR = "redactie"
VCL = PROJECT / "deploy" / "varnish" / "newsroom.vcl"
# Reader mix: share of requests per kind of page, asked without pause; the long
# tail of the archive comes at a steady rate of its own (--tail-rate), so that its
# renders cost the same in every phase instead of holding up the other readers.
MIX = (("front", 0.25), ("newest", 0.50), ("section", 0.125), ("tag", 0.125))
LONG_TAIL = ("archive", 0.0)
TAIL_THREADS = 2
# The newest articles readers ask for, and the mean rank they ask for (exponential).
NEWEST, NEWEST_MEAN = 2000, 150
TAGS, TAG_MEAN = 50, 10
ARCHIVE_SAMPLE = 20_000
# Pages the editor updates, among the newest, and drafts to publish.
UPDATED, DRAFTS = 20, 60
# How long after a purge an app request still counts as caused by it (Varnish).
PURGE_WINDOW = 3.0
PAGE_STATES = {"hit": 0, "stale": 1, "miss": 2}
EDGE_STATES = {"HIT": 0, "MISS": 2}

SETUP = """
import json, random
from django.contrib.auth import get_user_model
from django.db.models import Count
from taggit.models import Tag
from articles.models import Article, ArticleAuthor, Section

User = get_user_model()
User.objects.filter(username="{editor}").delete()
User.objects.create_superuser("{editor}", "redactie@example.nl", "{password}")
published = Article.objects.published().order_by("-published_at", "-pk")
newest = list(published[:{newest}])
source = next(a for a in newest if a.lead_image_id and not a.lead_image.needs_alt)
drafts = []
for n in range({drafts} + 1):
    draft = Article.objects.create(
        title=f"Concept {{n}} van de redactie",
        slug=f"concept-{{n}}-van-de-redactie",
        lead=source.lead,
        body=source.body,
        section=source.section,
        lead_image=source.lead_image,
        status=Article.Status.DRAFT,
    )
    for byline in ArticleAuthor.objects.filter(article=source):
        ArticleAuthor.objects.create(article=draft, author_id=byline.author_id)
    drafts.append([draft.pk, draft.get_absolute_url()])
ids = list(published.values_list("pk", flat=True)[{newest}:])
rng = random.Random(1)
archive = rng.sample(ids, min(len(ids), {sample}))
slugs = dict(Article.objects.filter(pk__in=archive).values_list("pk", "slug"))
tags = Tag.objects.annotate(size=Count("taggit_taggeditem_items")).order_by("-size")
print(json.dumps({{
    "newest": [a.get_absolute_url() for a in newest],
    "updated": [[a.pk, a.get_absolute_url(), a.title] for a in newest[:{updated}]],
    "section": [s.get_absolute_url() for s in Section.objects.all()],
    "tag": [f"/tag/{{t.slug}}/" for t in tags[:{tags}]],
    "archive": [f"/artikel/{{slugs[pk]}}/" for pk in archive],
    "drafts": drafts,
}}))
"""


def setup_site(site):
    password = os.urandom(9).hex()
    code = SETUP.format(
        editor=EDITOR,
        password=password,
        newest=NEWEST,
        drafts=DRAFTS,
        sample=ARCHIVE_SAMPLE,
        updated=UPDATED,
        tags=TAGS,
    )
    urls = json.loads(site.shell(code).strip().splitlines()[-1])
    urls["front"] = ["/"]
    return urls, password


# The stacks


class PurgeRecorder(http.server.ThreadingHTTPServer):
    """Stands in for one more edge: records when the app sent which tags."""

    daemon_threads = True

    def __init__(self):
        self.purges = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(handler):  # noqa: N802, N805
                tags = handler.headers.get("Surrogate-Key", "").split()
                self.purges.append((time.time(), tags))
                handler.send_response(200)
                handler.send_header("Content-Length", "0")
                handler.end_headers()

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class Stack:
    """gunicorn as in production (newsroom/gunicorn.py), and Varnish in front."""

    def __init__(self, site, varnish):
        self.site = site
        self.varnish = varnish
        self.folder = site.tmp / ("varnish-stack" if varnish else "app-stack")
        self.folder.mkdir()
        self.recorder = PurgeRecorder()
        self.app_port = free_port()
        self.app = f"http://127.0.0.1:{self.app_port}"
        self.edge_port = free_port() if varnish else None
        self.edge = f"http://127.0.0.1:{self.edge_port}" if varnish else self.app
        self.processes = []

    def start(self):
        purge_urls = [self.recorder.url]
        if self.varnish:
            purge_urls.insert(0, f"{self.edge}/")
        env = {
            **self.site.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.app_port}",
            "WEB_CONCURRENCY": "2",
            # Recycling a worker every ~1,000 requests would restart one a second.
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_LOG_LEVEL": "info",
            "DJANGO_LOG_FORMAT": "json",
            "NEWSROOM_PURGE_URLS": ",".join(purge_urls),
        }
        self.access_log = self.folder / "gunicorn.log"
        self.processes.append(
            subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", "python:newsroom.gunicorn"]
                + ["newsroom.wsgi:application"],
                cwd=PROJECT,
                env=env,
                stdout=open(self.access_log, "ab"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
            )
        )
        wait_until(f"{self.app}/healthz", self.access_log)
        if not self.varnish:
            return
        vcl = VCL.read_text().replace('.port = "8000"', f'.port = "{self.app_port}"')
        (self.folder / "newsroom.vcl").write_text(vcl)
        self.workdir = self.folder / "varnish"
        self.workdir.mkdir()
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        log = self.folder / "varnish.log"
        self.processes.append(
            subprocess.Popen(
                [varnishd, "-F", "-j", "none", "-n", str(self.workdir)]
                + ["-a", f"127.0.0.1:{self.edge_port}"]
                + ["-f", str(self.folder / "newsroom.vcl"), "-s", "malloc,256m"],
                stdout=open(log, "ab"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
            )
        )
        wait_until(f"{self.edge}/healthz", log)

    def varnish_counters(self):
        if not self.varnish:
            return {}
        varnishstat = shutil.which("varnishstat") or "/usr/bin/varnishstat"
        names = ("MAIN.cache_hit", "MAIN.cache_miss", "MAIN.backend_req")
        command = [varnishstat, "-n", str(self.workdir), "-1"]
        for name in names:
            command += ["-f", name]
        output = subprocess.run(command, capture_output=True, text=True).stdout
        return {
            line.split()[0]: int(line.split()[1])
            for line in output.splitlines()
            if line.split()[:1] and line.split()[0] in names
        }

    def app_requests(self):
        """Return [(time, path)] of the GET requests the app answered."""
        requests = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            if '"gunicorn.access"' not in line:
                continue
            entry = json.loads(line)
            if entry.get("method") == "GET":
                moment = datetime.fromisoformat(entry["time"]).timestamp()
                requests.append((moment, entry.get("path", "")))
        return requests

    def stop(self):
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes = []
        self.recorder.shutdown()
        self.recorder.server_close()


def wait_until(url, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"{url} did not answer:\n" + log.read_text()[-1500:])


# Readers


def reader_process(base, classes, stop_at, threads, out_path, seed, tail_rate):
    """Ask for pages without pause until stop_at, and for the long tail (the last
    class) tail_rate times a second; pickle [(done, seconds, class, url, status,
    page state, edge state)] to out_path."""
    address = urllib.parse.urlsplit(base)
    weights = [weight for _name, weight, _urls in classes]
    records = []

    def pick(rng, index):
        name, _weight, urls = classes[index]
        if name == "newest":
            return min(int(rng.expovariate(1 / NEWEST_MEAN)), len(urls) - 1)
        if name == "tag":
            return min(int(rng.expovariate(1 / TAG_MEAN)), len(urls) - 1)
        return rng.randrange(len(urls))

    def run(number, interval=None):
        rng = random.Random(seed * 1000 + number)
        connection, mine = None, []
        next_at = time.time()
        while time.time() < stop_at:
            if interval is None:
                index = rng.choices(range(len(classes)), weights)[0]
            else:
                index = len(classes) - 1
                time.sleep(max(0.0, next_at - time.time()))
                next_at = max(next_at + interval, time.time() - interval)
            url = pick(rng, index)
            started = time.perf_counter()
            page = edge = ""
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        address.hostname, address.port, timeout=15
                    )
                connection.request("GET", classes[index][2][url])
                response = connection.getresponse()
                response.read()
                status = response.status
                page = response.getheader("X-Page-Cache", "")
                edge = response.getheader("X-Cache", "")
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                status = 0
                if connection is not None:
                    connection.close()
                connection = None
            seconds = time.perf_counter() - started
            mine.append(
                (
                    time.time(),
                    seconds,
                    index,
                    url,
                    status,
                    PAGE_STATES.get(page, 3),
                    EDGE_STATES.get(edge, 3),
                )
            )
        records.extend(mine)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    if tail_rate > 0:
        workers += [
            threading.Thread(target=run, args=(-1 - n, TAIL_THREADS / tail_rate))
            for n in range(TAIL_THREADS)
        ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    Path(out_path).write_bytes(pickle.dumps(records))


# The editor


def editor_process(app, edge, password, urls, busy, out_path):
    """Log in to the admin over HTTP and, in each busy window, save a draft every
    second, post a ticker item every 10 s and update or publish every 10 s; pickle
    the actions and how long each publish or update took to show through edge."""
    browser = Browser(app)
    browser.submit(
        f"{ADMIN}login/",
        "login-form",
        {"username": EDITOR, "password": password},
        ("next", ADMIN),
    )
    actions, shown = [], []
    drafts = list(urls["drafts"])
    own_draft = drafts.pop(0)[0]
    updated = list(urls["updated"])
    count = {"draft": 0, "ticker": 0, "update": 0, "publish": 0}
    watchers = []

    def act(kind, pk, values, button=("_save", "Opslaan")):
        if pk is None:
            path, form = f"{ADMIN}ticker/tickeritem/add/", "tickeritem_form"
        else:
            path, form = f"{ADMIN}articles/article/{pk}/change/", "article_form"
        started = time.time()
        try:
            browser.submit(path, form, values, button)
            ok = True
        except SystemExit as error:
            ok = False
            print(f"editor: {kind} failed: {str(error)[:300]}", flush=True)
        actions.append((kind, started, time.time(), ok, pk))
        return ok

    def watch(kind, title, paths, saved):
        for path in paths:
            deadline = saved + 15
            while time.time() < deadline:
                try:
                    status, _, body = fetch(edge + path)
                except OSError:
                    status, body = 0, b""
                if status == 200 and title.encode() in body:
                    break
                time.sleep(0.02)
            shown.append((kind, path, time.time() - saved))

    def draft():
        count["draft"] += 1
        act(
            "draft",
            own_draft,
            {"lead": f"Nog niet af, versie {count['draft']}."},
        )

    def ticker():
        count["ticker"] += 1
        act(
            "ticker",
            None,
            {"headline": f"Laatste melding {count['ticker']} uit de redactie"},
        )

    def change():
        if count["publish"] <= count["update"] and drafts:
            count["publish"] += 1
            pk, path = drafts.pop(0)
            kind, paths = "publish", [path, "/"]
            title = f"Nieuw bericht {count['publish']} van de redactie"
            values, button = {"title": title}, ("_transition", "publish")
        else:
            count["update"] += 1
            pk, path, title = updated[count["update"] % len(updated)]
            kind, paths = "update", [path]
            title = f"{title} (update {count['update']})"
            values = {"title": title, "change_kind": "minor"}
            button = ("_save", "Opslaan")
        if act(kind, pk, values, button):
            watcher = threading.Thread(
                target=watch, args=(kind, title, paths, time.time())
            )
            watcher.start()
            watchers.append(watcher)

    for start, end in busy:
        # Each action has its own clock: a draft save that is more than a second
        # late is left out (the editor is busy), a ticker item or an article
        # change only comes late.
        due = {draft: start, ticker: start, change: start + 5}
        every = {draft: 1, ticker: 10, change: 10}
        while True:
            action = min(due, key=due.get)
            if due[action] >= end:
                break
            if action is draft and time.time() > due[action] + 1:
                due[action] += every[action] * math.ceil(time.time() - due[action])
                continue
            time.sleep(max(0.0, due[action] - time.time()))
            action()
            due[action] += every[action]
    for watcher in watchers:
        watcher.join()
    Path(out_path).write_bytes(pickle.dumps({"actions": actions, "shown": shown}))


# One stack, measured


def page_tags(base, urls):
    """Return {path: set of tags} as the app names them (Surrogate-Key)."""

    def one(path):
        status, headers, _ = fetch(base + path)
        if status == 200 and headers.get("Surrogate-Key"):
            return path, set(headers["Surrogate-Key"].split())
        return path, None

    with ThreadPoolExecutor(4) as pool:
        return {path: tags for path, tags in pool.map(one, urls) if tags}


def run_stack(site, varnish, urls, password, args):
    stack = Stack(site, varnish)
    # Each stack publishes drafts of its own; the first draft is the one saved.
    half = (len(urls["drafts"]) - 1) // 2
    first = 1 + half if varnish else 1
    urls = {**urls, "drafts": urls["drafts"][:1] + urls["drafts"][first:][:half]}
    classes = [(name, weight, urls[name]) for name, weight in (*MIX, LONG_TAIL)]
    hot = [path for name, _weight, paths in classes[:-1] for path in paths]
    try:
        stack.start()
        # Every hot page once through the stack, so that the first phase starts warm.
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda path: fetch(stack.edge + path), hot))
        tags = page_tags(stack.app, hot)
        now = time.time() + 3
        phases, moment = [("warm-up", now, now + args.warmup)], now + args.warmup
        for number in range(args.phases):
            for name in ("quiet", "busy"):
                phases.append((f"{name} {number + 1}", moment, moment + args.seconds))
                moment += args.seconds
        stop_at = moment
        busy = [(start, end) for name, start, end in phases if name.startswith("busy")]
        context = multiprocessing.get_context("fork")
        outputs, processes = [], []
        for number in range(args.readers):
            out = stack.folder / f"reader-{number}.pickle"
            outputs.append(out)
            threads = args.connections // args.readers + (
                number < args.connections % args.readers
            )
            processes.append(
                context.Process(
                    target=reader_process,
                    args=(
                        stack.edge,
                        classes,
                        stop_at,
                        threads,
                        out,
                        number + 1,
                        args.tail_rate if number == 0 else 0,
                    ),
                )
            )
        editor_out = stack.folder / "editor.pickle"
        processes.append(
            context.Process(
                target=editor_process,
                args=(stack.app, stack.edge, password, urls, busy, editor_out),
            )
        )
        for process in processes:
            process.start()
        counters = []
        for _name, start, _end in [*phases, ("end", stop_at, stop_at)]:
            time.sleep(max(0.0, start - time.time()))
            counters.append((time.time(), os.getloadavg()[0], stack.varnish_counters()))
        for process in processes:
            process.join(timeout=120)
        records = []
        for out in outputs:
            records += pickle.loads(out.read_bytes())
        editor = pickle.loads(editor_out.read_bytes())
        tags = {**page_tags(stack.app, hot), **tags}
        app_requests = stack.app_requests() if varnish else []
        purges = list(stack.recorder.purges)
    finally:
        stack.stop()
    return analyse(
        varnish, classes, phases, records, editor, purges, tags, app_requests, counters
    )


def analyse(varnish, classes, phases, records, editor, purges, tags, app, counters):
    tail = len(classes) - 1
    paths = [list(urls) for _name, _weight, urls in classes]
    result = {"stack": "Varnish + app" if varnish else "app alone", "phases": []}
    for index, (name, start, end) in enumerate(phases):
        if name == "warm-up":
            continue
        mine = [r for r in records if start <= r[0] < end]
        hot = [r for r in mine if r[2] != tail]
        latencies = sorted(r[1] for r in mine)
        state = 6 if varnish else 5
        hits = sum(1 for r in hot if r[state] in (0, 1))
        renders = sum(1 for r in hot if r[5] == 2 and (not varnish or r[6] == 2))
        _moment, load, before = counters[index]
        after = counters[index + 1][2]
        phase = {
            "phase": name,
            "requests_per_second": len(mine) / (end - start),
            "p50_ms": 1000 * percentile(latencies, 0.50),
            "p99_ms": 1000 * percentile(latencies, 0.99),
            "errors": sum(1 for r in mine if r[4] != 200),
            "hit_ratio": hits / max(len(hot), 1),
            "stale": sum(1 for r in hot if r[5] == 1),
            "hot_renders": renders,
            "load": load,
            "actions": sum(1 for a in editor["actions"] if start <= a[1] < end),
        }
        if varnish:
            phase["backend_requests"] = after.get("MAIN.backend_req", 0) - before.get(
                "MAIN.backend_req", 0
            )
        result["phases"].append(phase)
    result["changes"] = per_change(varnish, records, editor, purges, tags, paths, app)
    shown = {}
    for kind, path, seconds in editor["shown"]:
        shown.setdefault(f"{kind}, {'front page' if path == '/' else 'its page'}", [])
        shown[f"{kind}, {'front page' if path == '/' else 'its page'}"].append(seconds)
    result["shown"] = {key: summary(values) for key, values in shown.items()}
    failed = [a for a in editor["actions"] if not a[3]]
    result["editor"] = {
        kind: sum(1 for a in editor["actions"] if a[0] == kind and a[3])
        for kind in ("draft", "ticker", "update", "publish")
    }
    result["editor"]["failed"] = len(failed)
    return result


def per_change(varnish, records, editor, purges, tags, paths, app):
    """For each kind of editor action: the purges it caused, the hot pages showing
    what changed, and their renders (app alone) or app requests (Varnish) until the
    next purge of the same page."""
    actions = sorted(editor["actions"], key=lambda action: action[1])
    hot_paths = {path for urls in paths[:-1] for path in urls}
    # When each hot page was rendered (app alone) or fetched by Varnish.
    hits = {}
    if varnish:
        for moment, path in app:
            if path in hot_paths:
                hits.setdefault(path, []).append(moment)
    else:
        for record in records:
            if record[5] == 2 and record[2] < len(paths) - 1:
                hits.setdefault(paths[record[2]][record[3]], []).append(record[0])
    dropped = {}  # path -> [purge times]
    by_kind = {}
    for moment, purge_tags in purges:
        cause = cause_of(moment, purge_tags, actions)
        entry = by_kind.setdefault(
            cause, {"purges": 0, "pages": 0, "counts": [], "tags": set()}
        )
        entry["purges"] += 1
        entry["tags"].update(t for t in purge_tags if not t[-1].isdigit())
        changed = set(purge_tags)
        for path, shows in tags.items():
            if shows & changed:
                dropped.setdefault(path, []).append((moment, cause))
    for path, moments in dropped.items():
        moments.sort()
        for index, (moment, cause) in enumerate(moments):
            until = moments[index + 1][0] if index + 1 < len(moments) else math_inf()
            if varnish:
                until = min(until, moment + PURGE_WINDOW)
            count = sum(1 for t in hits.get(path, ()) if moment <= t < until)
            entry = by_kind[cause]
            entry["pages"] += 1
            entry["counts"].append(count)
    done = {}
    for kind, entry in by_kind.items():
        counts = entry["counts"]
        asked = [count for count in counts if count]
        done[kind] = {
            "actions": sum(1 for a in actions if a[0] == kind and a[3]),
            "purges": entry["purges"],
            "pages dropped": entry["pages"],
            "pages asked again": len(asked),
            "per page asked": sum(asked) / max(len(asked), 1),
            "max per page": max(counts, default=0),
            "list tags": sorted(entry["tags"])[:12],
        }
    for kind in ("draft", "ticker", "update", "publish"):
        done.setdefault(
            kind,
            {
                "actions": sum(1 for a in actions if a[0] == kind and a[3]),
                "purges": 0,
                "pages dropped": 0,
                "pages asked again": 0,
                "per page asked": 0.0,
                "max per page": 0,
                "list tags": [],
            },
        )
    return done


def cause_of(moment, tags, actions):
    """Return which editor action a purge came from, by what it names: an article
    change names the article, a ticker item only the ticker. The purge is sent in
    the background, so it may arrive while the next action runs."""
    during = [a for a in actions if a[1] - 0.1 <= moment <= a[2] + 2]
    for kind, _started, _finished, _ok, pk in reversed(during):
        if pk is not None and f"article-{pk}" in tags:
            return kind
        if kind == "ticker" and "ticker" in tags:
            if not any(tag.startswith("article-") for tag in tags):
                return kind
    return f"unmatched, during {during[-1][0]}" if during else "unmatched"


def math_inf():
    return float("inf")


def percentile(values, share):
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(share * len(values)))]


def summary(values):
    values = sorted(values)
    return {
        "n": len(values),
        "median_s": percentile(values, 0.5),
        "max_s": values[-1] if values else 0.0,
    }


# Report


def report(result):
    lines = [f"\n### {result['stack']}\n"]
    varnish = result["stack"].startswith("Varnish")
    lines.append(
        "| phase | req/s | p50 ms | p99 ms | hit ratio (no long tail) "
        "| renders (hot) | stale | errors | load | editor actions |"
        + (" app requests |" if varnish else "")
    )
    lines.append("|---" * (11 if varnish else 10) + "|")
    for p in result["phases"]:
        cells = [
            p["phase"],
            f"{p['requests_per_second']:,.0f}",
            f"{p['p50_ms']:.1f}",
            f"{p['p99_ms']:.1f}",
            f"{100 * p['hit_ratio']:.1f} %",
            str(p["hot_renders"]),
            str(p["stale"]),
            str(p["errors"]),
            f"{p['load']:.1f}",
            str(p["actions"]),
        ]
        if varnish:
            cells.append(str(p["backend_requests"]))
        lines.append("| " + " | ".join(cells) + " |")
    quiet = [p for p in result["phases"] if p["phase"].startswith("quiet")]
    busy = [p for p in result["phases"] if p["phase"].startswith("busy")]
    if quiet and busy:
        rate = mean(p["requests_per_second"] for p in busy) / mean(
            p["requests_per_second"] for p in quiet
        )
        p99 = mean(p["p99_ms"] for p in busy) / max(
            mean(p["p99_ms"] for p in quiet), 1e-9
        )
        hit = min(p["hit_ratio"] for p in busy)
        result["targets"] = {"busy_rate": rate, "busy_p99": p99, "busy_hit": hit}
        lines.append(
            f"\nbusy ÷ quiet requests/s {rate:.2f} (target ≥ 0.90: "
            f"{'met' if rate >= 0.9 else 'missed'}); busy ÷ quiet p99 {p99:.2f} "
            f"(target ≤ 2: {'met' if p99 <= 2 else 'missed'}); lowest busy hit "
            f"ratio {100 * hit:.1f} % (target ≥ 95 %: "
            f"{'met' if hit >= 0.95 else 'missed'})"
        )
    what = "app requests" if varnish else "renders"
    lines.append(
        f"\n| editor action | done | purges | pages dropped | pages read again "
        f"| {what} per page read | most for one page | list tags purged |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    for kind, c in result["changes"].items():
        lines.append(
            f"| {kind} | {c['actions']} | {c['purges']} | {c['pages dropped']} | "
            f"{c['pages asked again']} | {c['per page asked']:.2f} | "
            f"{c['max per page']} | {' '.join(c['list tags'])} |"
        )
    for key, value in result["shown"].items():
        lines.append(
            f"\nvisible to readers after a {key}: median {value['median_s']:.2f} s, "
            f"max {value['max_s']:.2f} s ({value['n']} times)"
        )
    lines.append(f"\neditor: {result['editor']}")
    return "\n".join(lines)


def forget_keys(url, prefix):
    """Delete this run's keys (and only those) from a shared Redis."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def mean(values):
    values = list(values)
    return sum(values) / max(len(values), 1)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench.py newsroom",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="with --db postgres: the database to drop, create and fill; its name "
        "must contain 'bench' (default %(default)s)",
    )
    parser.add_argument(
        "--stacks",
        default="app,varnish",
        help="app, varnish or both, comma-separated (default %(default)s)",
    )
    parser.add_argument("--phases", type=int, default=3, help="quiet + busy pairs")
    parser.add_argument(
        "--phase-seconds", dest="seconds", type=int, default=30, help="per phase"
    )
    parser.add_argument("--warmup", type=int, default=10, help="seconds, unmeasured")
    parser.add_argument("--connections", type=int, default=16, help="reader threads")
    parser.add_argument("--readers", type=int, default=2, help="reader processes")
    parser.add_argument(
        "--tail-rate",
        type=float,
        default=5.0,
        help="archive articles asked per second (the long tail; default %(default)s)",
    )
    parser.add_argument(
        "--cache-url",
        help="a cache instead of the embedded file cache, e.g. redis://127.0.0.1:6379/"
        "12 (keys under a prefix of their own, deleted afterwards)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    stacks = [name.strip() for name in args.stacks.split(",") if name.strip()]
    if not stacks or set(stacks) - {"app", "varnish"}:
        parser.error("--stacks takes app, varnish or app,varnish")
    for name in ("phases", "seconds", "connections", "readers", "articles"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('seconds', 'phase-seconds')} must be ≥ 1")
    if args.seconds < 10 or args.connections < args.readers:
        parser.error("phases of at least 10 s, at least one thread per reader")
    if args.articles < NEWEST + DRAFTS + 100 or args.articles > 1_000_000:
        parser.error(f"--articles is {NEWEST + DRAFTS + 100:,} to 1,000,000")
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if "varnish" in stacks and not Path(varnishd).exists():
        print("Varnish is missing: `make varnish`, or --stacks app", file=sys.stderr)
        return 2
    site = Bench(2, args.postgres_url if args.db == "postgres" else None)
    if args.cache_url:
        site.env["CACHE_URL"] = args.cache_url
        site.env["CACHE_KEY_PREFIX"] = f"newsroom-bench-{os.urandom(4).hex()}"
    machine = machine_description()
    results = []
    try:
        print(f"{machine}\nPreparing a site in {site.tmp} ({args.db}) ...", flush=True)
        site.create_database()
        site.manage("migrate", "--noinput")
        prepare_pages(site, argparse.Namespace(articles=args.articles, items=200))
        site.manage("collectstatic", "--noinput")
        urls, password = setup_site(site)
        for name in stacks:
            print(
                f"\n{name}: readers {args.connections} threads in {args.readers} "
                f"processes; warm-up {args.warmup} s, then {args.phases} × quiet + "
                f"busy of {args.seconds} s",
                flush=True,
            )
            result = run_stack(site, name == "varnish", urls, password, args)
            results.append(result)
            print(report(result), flush=True)
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        site.close()
        if args.cache_url and args.cache_url.startswith("redis"):
            forget_keys(args.cache_url, site.env["CACHE_KEY_PREFIX"])
    cache = f"cache {args.cache_url}" if args.cache_url else "embedded file cache"
    print(f"\n{cache}; {args.db}, {args.articles:,} articles; {machine_description()}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine,
                    "db": args.db,
                    "articles": args.articles,
                    "seed_rate": site.seed_rate,
                    "results": results,
                },
                indent=2,
                default=sorted,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
