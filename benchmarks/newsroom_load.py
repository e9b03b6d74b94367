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
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from admin_client import Browser
from benchlib import (
    Bench,
    BenchError,
    add_database_arguments,
    fetch,
    machine_description,
    prepare_pages,
)
from newsroom_report import analyse, report
from newsroom_stack import Stack

ADMIN = "/" + os.environ.get("DJANGO_ADMIN_URL", "beheer/").strip("/") + "/"
EDITOR = "redactie"
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


def forget_keys(url, prefix):
    """Delete this run's keys (and only those) from a shared Redis."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench.py newsroom",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=100_000)
    add_database_arguments(parser)
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
