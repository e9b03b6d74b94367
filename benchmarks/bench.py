"""Load-test Newsroom the way production runs it, on loopback, with wrk.

    .venv/bin/python benchmarks/bench.py ticker
    .venv/bin/python benchmarks/bench.py ticker --duration 20 --connections 32
    .venv/bin/python benchmarks/bench.py pages --articles 100000
    .venv/bin/python benchmarks/bench.py pages --articles 100000 --db postgres
    .venv/bin/python benchmarks/bench.py api --articles 100000
    .venv/bin/python benchmarks/bench.py newsroom --articles 100000

One command: it makes a fresh database (a temporary SQLite file, or a PostgreSQL
database whose name contains "bench", dropped and created again), migrates, fills it
(each scenario brings its own data), runs collectstatic, starts gunicorn (2 sync
workers, DJANGO_DEBUG=0) on a free 127.0.0.1 port, warms every URL, drives each URL
with wrk for a bounded time and prints requests/s, median and p99 latency, the server
CPU time per request (user + sys of the gunicorn master and workers, from /proc, and
of the PostgreSQL backends), plus the RSS of every gunicorn worker. Nothing leaves the
machine and the temporary folder is removed afterwards.

A scenario is an entry in SCENARIOS: `targets` gets the running `Bench` and returns
the `Target`s to measure; `prepare` (optional) fills the database before the server
starts; `phases` says whether its targets run "cold" (every cache off: CACHE_URL=
dummy://, so each request renders the page from the database) and/or "warm" (the
configured cache, warmed before the clock runs).
"""

import argparse
import json
import re
import shutil
import sys
import urllib.parse
from pathlib import Path

from benchlib import (
    CACHE_BACKEND,
    COLD_ENV,
    COLD_NOTE,
    Bench,
    BenchError,
    Target,
    add_database_arguments,
    fetch,
    machine_description,
    prepare_pages,
    run_wrk,
)

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


PAGE_URLS = """
import json
from django.db.models import Count
from taggit.models import Tag
from articles.models import Article, Section

published = Article.objects.published()
# The article with the most tags among the newest: the related-articles query has
# the most to do. The biggest section and the most used tag: the longest lists.
newest = published.order_by("-published_at", "-pk").values("pk")[:50]
article = (
    Article.objects.filter(pk__in=newest)
    .annotate(tag_count=Count("tags"))
    .order_by("-tag_count", "-published_at", "-pk")
    .first()
)
section = (
    Section.objects.filter(articles__in=published)
    .annotate(size=Count("articles"))
    .order_by("-size")
    .first()
)
tag = Tag.objects.annotate(size=Count("taggit_taggeditem_items")).order_by("-size")
tag = tag.first()
print(json.dumps({
    "article": article.get_absolute_url(),
    "section": section.get_absolute_url(),
    "tag": f"/tag/{tag.slug}/",
    "articles": published.count(),
}))
"""

SEARCH_QUERY = "droogte"


def page_targets(bench, args):
    urls = json.loads(bench.shell(PAGE_URLS))
    _, headers, _ = fetch(bench.base + "/ticker/")
    targets = [
        Target("front page", "/"),
        Target("article", urls["article"]),
        Target("section page", urls["section"]),
        Target("tag page", urls["tag"]),
        Target("search", f"/zoeken/?q={SEARCH_QUERY}"),
        Target("feed (RSS)", "/feed/"),
        Target("ticker endpoint, 200", "/ticker/"),
        Target(
            "ticker endpoint, 304",
            "/ticker/",
            headers={"If-None-Match": headers["ETag"]},
            expect=304,
        ),
    ]
    for target in targets:
        # The ceiling: WhiteNoise serving a file of the page's size (the 304 is held
        # against the full ticker answer). Written while the cold server runs, so
        # the warm one, started later, serves it.
        name = re.sub(r"\W+", "-", target.name.split(",")[0]).strip("-")
        path = bench.static_root / "bench" / f"{name}.html"
        if not path.exists():
            status, _, body = fetch(bench.base + target.path)
            if status != 200:
                raise BenchError(f"{target.name}: {target.path} answered {status}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        target.ceiling = f"/static/bench/{name}.html"
    return targets


API_URLS = """
import json
from api.params import encode_cursor
from articles.models import Article

published = Article.objects.published()
newest = published.order_by("-published_at", "-pk").first()
# The cursor of the archive's last page: after it, the 20 oldest articles.
before_last = published.order_by("published_at", "pk")[20]
print(json.dumps({
    "article": newest.get_absolute_url(),
    "detail": f"/api/v1/articles/{newest.pk}/",
    "deep": "/api/v1/articles/?cursor="
    + encode_cursor(before_last.published_at, before_last.pk),
}))
"""


def api_targets(bench, args):
    """The content API next to the pages it must not cost more than."""
    urls = json.loads(bench.shell(API_URLS))
    targets = [
        Target("front page", "/"),
        Target("article page", urls["article"]),
        Target("API list of 20", "/api/v1/articles/"),
        Target("API list, last page (deep cursor)", urls["deep"]),
        Target("API detail", urls["detail"]),
    ]
    for target in targets:
        name = re.sub(r"\W+", "-", target.name.split(",")[0]).strip("-")
        path = bench.static_root / "bench" / f"api-{name}.json"
        if not path.exists():
            status, _, body = fetch(bench.base + target.path)
            if status != 200:
                raise BenchError(f"{target.name}: {target.path} answered {status}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        target.ceiling = f"/static/bench/api-{name}.json"
    return targets


SCENARIOS = {
    "api": {
        "prepare": prepare_pages,
        "targets": api_targets,
        "phases": ("cold", "warm"),
    },
    "ticker": {
        "prepare": prepare_ticker,
        "after_collectstatic": after_collectstatic_ticker,
        "targets": ticker_targets,
        "phases": ("warm",),
    },
    "pages": {
        "prepare": prepare_pages,
        "targets": page_targets,
        "phases": ("cold", "warm"),
    },
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["newsroom"]:
        # Readers and an editor at once, quiet and busy phases (newsroom_load.py).
        import newsroom_load

        return newsroom_load.main(argv[1:])
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
    parser.add_argument(
        "--articles", type=int, default=1000, help="demo articles (pages scenario)"
    )
    add_database_arguments(parser)
    parser.add_argument(
        "--cold-cache",
        choices=sorted(COLD_ENV),
        default="page",
        help="cold runs: page cache off (default) or every cache off",
    )
    parser.add_argument(
        "--against",
        type=int,
        metavar="N",
        help="pages scenario: also build a site with N articles and measure the "
        "uncached pages of both in turns (A B B A, --rounds times), so that a "
        "machine that speeds up or slows down during the run does not skew the "
        "ratio of the two",
    )
    parser.add_argument(
        "--against-code",
        type=Path,
        metavar="DIR",
        help="pages scenario: also serve the same database with the code checked "
        "out in DIR (e.g. `git worktree add /tmp/old HEAD~3`) and measure the "
        "uncached pages of both in turns, as --against does",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="with --against: turns per page"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    for name in ("duration", "connections", "threads", "workers", "items", "articles"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.duration > 300:
        parser.error("--duration is at most 300 seconds")
    if args.articles > 1_000_000:
        parser.error("--articles is at most 1,000,000")
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    if args.against is not None:
        if args.scenarios not in (["pages"], ["api"]):
            parser.error("--against compares one scenario: pages or api")
        if not 1 <= args.against <= 1_000_000 or args.rounds < 1:
            parser.error("--against is 1 to 1,000,000 articles, --rounds at least 1")
        return compare(args)
    if args.against_code is not None:
        if args.scenarios != ["pages"]:
            parser.error("--against-code compares the pages scenario only")
        if not (args.against_code / "manage.py").is_file() or args.rounds < 1:
            parser.error("--against-code takes a checkout of Newsroom (no manage.py)")
        return compare(args)

    bench = Bench(args.workers, args.postgres_url if args.db == "postgres" else None)
    bench.seed_rate = 0
    bench.cold_cache = args.cold_cache
    machine = machine_description()
    results, memory = [], {}
    try:
        print(f"{machine}\nPreparing a site in {bench.tmp} ({args.db}) ...", flush=True)
        bench.create_database()
        bench.manage("migrate", "--noinput")
        for name in args.scenarios:
            if prepare := SCENARIOS[name].get("prepare"):
                prepare(bench, args)
        bench.manage("collectstatic", "--noinput")
        for name in args.scenarios:
            if after := SCENARIOS[name].get("after_collectstatic"):
                after(bench, args)
        cache = bench.shell(CACHE_BACKEND).strip()
        for phase in ("cold", "warm"):
            names = [n for n in args.scenarios if phase in SCENARIOS[n]["phases"]]
            if not names:
                continue
            bench.start(phase)
            rss_idle = bench.worker_rss_mb()
            caching = COLD_NOTE[args.cold_cache] if phase == "cold" else cache
            print(
                f"\n{phase}: gunicorn {args.workers} sync workers on {bench.base}, "
                f"DJANGO_DEBUG=0, {caching}; "
                f"wrk: {args.threads} threads, {args.connections} connections, "
                f"{args.duration} s per URL",
                flush=True,
            )
            ceilings = {}
            for name in names:
                for target in SCENARIOS[name]["targets"](bench, args):
                    result = run_wrk(bench, target, args)
                    results.append(result)
                    print(_row(result), flush=True)
                    if phase == "warm" and target.ceiling:
                        if target.ceiling not in ceilings:
                            static = Target("  static file, same size", target.ceiling)
                            ceilings[target.ceiling] = run_wrk(bench, static, args)
                            print(_row(ceilings[target.ceiling]), flush=True)
                        result.ceiling = ceilings[target.ceiling]
            memory[phase] = (rss_idle, bench.worker_rss_mb())
            print(
                "worker RSS (MB): idle "
                + ", ".join(f"{mb:.1f}" for mb in rss_idle)
                + "; after load "
                + ", ".join(f"{mb:.1f}" for mb in memory[phase][1]),
                flush=True,
            )
            bench.stop()
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        bench.close()
    print()
    print(_summary(results, args, bench.seed_rate, memory))
    if args.json:
        args.json.write_text(_as_json(results, args, machine, bench.seed_rate, memory))
    return 0


def compare(args):
    """Build two sites (--articles and --against articles; or one database served
    by this code and by --against-code), then measure every page of both uncached,
    in turns: A B B A per round. A shared machine changes speed over minutes;
    taking turns gives both sites the same mix of fast and slow moments, so the
    ratio holds even when the absolute figures move."""
    if args.against_code is not None:
        sizes = (args.articles, args.articles)
        labels = ("this code", f"code in {args.against_code}")
    else:
        sizes = (args.articles, args.against)
        labels = tuple(f"{size:,} articles" for size in sizes)
    benches = []
    print(machine_description(), flush=True)
    try:
        for index, size in enumerate(sizes):
            if args.against_code is not None and index == 1:
                # The same database, served by the other code.
                bench = Bench(args.workers, benches[0].database_url, args.against_code)
                benches.append(bench)
                bench.seed_rate = benches[0].seed_rate
                bench.manage("collectstatic", "--noinput")
                bench.start("cold")
                continue
            url = None
            if args.db == "postgres":
                url = urllib.parse.urlsplit(args.postgres_url)
                url = url._replace(path=f"{url.path}_{index + 1}").geturl()
            bench = Bench(args.workers, url)
            benches.append(bench)
            print(f"Preparing a site with {size:,} articles in {bench.tmp} ...")
            bench.seed_rate = 0
            bench.create_database()
            bench.manage("migrate", "--noinput")
            prepare_pages(bench, argparse.Namespace(**{**vars(args), "articles": size}))
            bench.manage("collectstatic", "--noinput")
            bench.start("cold")
        make_targets = SCENARIOS[args.scenarios[0]]["targets"]
        targets = [make_targets(bench, args) for bench in benches]
        duration = max(1, args.duration // 2)
        turn = argparse.Namespace(**{**vars(args), "duration": duration})
        print(
            f"\ncold (page cache off), gunicorn {args.workers} sync workers each; "
            f"wrk {args.threads} threads, {args.connections} connections; "
            f"{args.rounds} rounds of A B B A, {duration} s per turn",
            flush=True,
        )
        rows = []
        for pair in zip(*targets, strict=True):
            totals = [[0, 0.0, 0.0] for _ in benches]
            for _ in range(args.rounds):
                for index in (0, 1, 1, 0):
                    result = run_wrk(benches[index], pair[index], turn)
                    total = totals[index]
                    total[0] += result.requests
                    total[1] += result.cpu_ms * result.requests
                    total[2] += result.db_cpu_ms * result.requests
            cpu = [
                (cpu / max(requests, 1), db / max(requests, 1))
                for requests, cpu, db in totals
            ]
            rows.append((pair[0].name, cpu))
            print(_compare_row(pair[0].name, cpu), flush=True)
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        for bench in benches:
            bench.close()
    rates = ", ".join(
        f"{size:,}: {bench.seed_rate:,} articles/s"
        for bench, size in zip(benches, sizes, strict=True)
    )
    print(f"\n{args.db}, demo data loaded at {rates}\n")
    print(f"| page | {labels[0]}, CPU ms/req | {labels[1]}, CPU ms/req | ratio |")
    print("|---|---|---|---|")
    for name, cpu in rows:
        cells = [f"{server:.2f}" + (f" + {db:.2f}" if db else "") for server, db in cpu]
        print(f"| {name} | {cells[0]} | {cells[1]} | {_ratio(cpu):.2f} |")
    print("\nCPU ms/req: user + sys of gunicorn (+ PostgreSQL backends) / requests;")
    print("ratio: the second site over the first, database included")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine_description(),
                    "db": args.db,
                    "articles": sizes,
                    "seed_rates": [bench.seed_rate for bench in benches],
                    "pages": dict(rows),
                },
                indent=2,
            )
        )
    return 0


def _ratio(cpu):
    (server_a, db_a), (server_b, db_b) = cpu
    return (server_b + db_b) / max(server_a + db_a, 1e-9)


def _compare_row(name, cpu):
    cells = [f"{server:6.2f}" + (f" + {db:5.2f}" if db else "") for server, db in cpu]
    return f"{name:<24} CPU ms/req {cells[0]}  vs  {cells[1]}  ratio {_ratio(cpu):.2f}"


def _row(result):
    text = (
        f"{result.target.name:<36} {result.requests_per_second:>8.0f} req/s  "
        f"median {result.median_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms  "
        f"CPU {result.cpu_ms:6.2f} ms/req"
    )
    if result.db_cpu_ms:
        text += f" (+ PostgreSQL {result.db_cpu_ms:5.2f})"
    text += f"  {result.size:>6} B  load {result.load:4.1f}"
    if result.errors:
        text += f"   ({result.errors})"
    return text


def _summary(results, args, seed_rate, memory):
    """Return a Markdown table: one row per page, cold and warm next to each other."""
    pages = {}
    for result in results:
        pages.setdefault(result.target.name, {})[result.phase] = result
    lines = [
        f"{args.db}, {args.articles:,} articles"
        + (f" (loaded at {seed_rate:,} articles/s)" if seed_rate else ""),
        "",
        "| page | cold req/s | cold median / p99 ms | cold CPU ms/req | warm req/s "
        "| warm median / p99 ms | static req/s | warm ÷ static |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, phases in pages.items():
        cold, warm = phases.get("cold"), phases.get("warm")
        cells = [name]
        if cold:
            cpu = f"{cold.cpu_ms:.2f}"
            if cold.db_cpu_ms:
                cpu += f" + {cold.db_cpu_ms:.2f}"
            cells += [
                f"{cold.requests_per_second:,.0f}",
                f"{cold.median_ms:.1f} / {cold.p99_ms:.1f}",
                cpu,
            ]
        else:
            cells += ["", "", ""]
        if warm:
            cells += [
                f"{warm.requests_per_second:,.0f}",
                f"{warm.median_ms:.1f} / {warm.p99_ms:.1f}",
            ]
            ceiling = getattr(warm, "ceiling", None)
            if ceiling:
                ratio = warm.requests_per_second / ceiling.requests_per_second
                cells += [f"{ceiling.requests_per_second:,.0f}", f"{ratio:.2f}"]
            else:
                cells += ["", ""]
        else:
            cells += ["", "", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    for phase, (idle, loaded) in memory.items():
        lines.append(
            f"\nworker RSS after the {phase} run: "
            + ", ".join(f"{mb:.0f} MB" for mb in loaded)
            + " (idle "
            + ", ".join(f"{mb:.0f}" for mb in idle)
            + ")"
        )
    lines.append(
        "\nCPU ms/req: user + sys of gunicorn (+ PostgreSQL backends) / requests"
    )
    return "\n".join(lines)


def _as_json(results, args, machine, seed_rate, memory):
    def one(result):
        data = {
            "name": result.target.name,
            "path": result.target.path,
            "phase": result.phase,
            "requests_per_second": result.requests_per_second,
            "median_ms": result.median_ms,
            "p99_ms": result.p99_ms,
            "cpu_ms": round(result.cpu_ms, 3),
            "db_cpu_ms": round(result.db_cpu_ms, 3),
            "size": result.size,
            "load": result.load,
            "errors": result.errors,
        }
        if getattr(result, "ceiling", None):
            data["static"] = one(result.ceiling)
        return data

    return json.dumps(
        {
            "machine": machine,
            "db": args.db,
            "articles": args.articles,
            "seed_rate": seed_rate,
            "duration": args.duration,
            "connections": args.connections,
            "results": [one(result) for result in results],
            "worker_rss_mb": memory,
        },
        indent=2,
    )


if __name__ == "__main__":
    sys.exit(main())
