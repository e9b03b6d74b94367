"""Print the query plans of every public page and flag full scans of the articles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python benchmarks/explain.py --load 100000
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/explain.py   # as loaded
    .venv/bin/python benchmarks/explain.py --summary                      # SQLite
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/explain.py --paths

Each page is requested through Django's test client with every cache off
(CACHE_URL=dummy://), so all of its queries run; each query that reads the articles
table is explained: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on
SQLite. A sequential scan of articles_article (PostgreSQL "Seq Scan on
articles_article", SQLite "SCAN articles_article" without an index) that reads more
than SCAN_LIMIT rows is flagged (the rows come from EXPLAIN ANALYZE on PostgreSQL and
from SQLite's progress handler), and the exit status is then 1. --load N first
replaces the demo content with N articles (manage.py seed_demo --flush-demo) and, on
PostgreSQL, runs VACUUM ANALYZE. --paths prints, instead of the plans, how each
query reaches the articles: its scans of articles_article, with their indexes.
"""

import argparse
import os
import re
import secrets
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
ARTICLES = "articles_article"
# A sequential scan that stops after a few rows (the first row of a LIMIT 1) is no
# full scan: flag only those that read more rows than this.
SCAN_LIMIT = 100


def setup():
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # Every cache off: each request runs all of its queries. DEBUG only spares the
    # static manifest (collectstatic); it changes no query.
    os.environ["CACHE_URL"] = "dummy://"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def load(articles, ticker):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command(
        "seed_demo", flush_demo=True, articles=articles, ticker=ticker, verbosity=0
    )
    if connection.vendor == "postgresql":
        # What autovacuum does a little later; index-only scans need the visibility
        # map. SQLite keeps no statistics unless asked: left as a site has it.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def pages():
    """Return (name, path) for every kind of public page, on the loaded content."""
    from django.db.models import Count
    from taggit.models import Tag

    from articles.models import Article, Author, Section
    from articles.sitemaps import ArticleSitemap

    published = Article.objects.published()
    article = published.order_by("-published_at", "-pk").first()
    oldest = published.order_by("published_at", "pk").first()
    if article is None:
        raise SystemExit("No published articles: run with --load N first.")
    section = (
        Section.objects.filter(articles__in=published)
        .annotate(size=Count("articles"))
        .order_by("-size")
        .first()
    )
    tag = Tag.objects.annotate(size=Count("taggit_taggeditem_items")).order_by("-size")
    tag = tag.first()
    author = Author.objects.annotate(size=Count("bylines")).order_by("-size").first()
    day = article.published_at
    from django.utils import timezone

    local = timezone.localtime(day)
    deep = max(1, published.filter(section=section).count() // 20 - 1)
    last_sitemap_page = ArticleSitemap().paginator.num_pages
    return [
        ("front page", "/"),
        ("article", article.get_absolute_url()),
        ("oldest article", oldest.get_absolute_url()),
        ("section page", section.get_absolute_url()),
        ("section page, deep", f"{section.get_absolute_url()}?page={deep}"),
        ("tag page", f"/tag/{tag.slug}/"),
        ("tag page, page 50", f"/tag/{tag.slug}/?page=50"),
        ("author page", author.get_absolute_url()),
        ("archive", "/archief/"),
        ("archive, year", f"/archief/{local.year}/"),
        ("archive, month", f"/archief/{local.year}/{local.month:02d}/"),
        ("archive, day", f"/archief/{local.year}/{local.month:02d}/{local.day:02d}/"),
        ("search", "/zoeken/?q=droogte"),
        ("feed (RSS)", "/feed/"),
        ("feed (Atom)", "/feed/atom/"),
        ("section feed", f"{section.get_absolute_url()}feed/"),
        ("tag feed", f"/tag/{tag.slug}/feed/"),
        ("author feed", f"{author.get_absolute_url()}feed/"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap, articles", "/sitemap-articles.xml"),
        ("sitemap, articles page 2", "/sitemap-articles.xml?p=2"),
        ("sitemap, articles, last", f"/sitemap-articles.xml?p={last_sitemap_page}"),
        ("sitemap, news", "/sitemap-news.xml"),
        ("sitemap, sections", "/sitemap-sections.xml"),
        ("sitemap, tags", "/sitemap-tags.xml"),
        ("sitemap, authors", "/sitemap-authors.xml"),
        ("ticker endpoint", "/ticker/"),
    ]


def capture(client, path):
    from django.db import connection

    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((sql, params, time.perf_counter() - started))

    client.get(path)  # warm what Django caches per process (content types, ...)
    with connection.execute_wrapper(record):
        response = client.get(path)
    return response.status_code, queries


def explain(sql, params):
    """Return the plan of one query and how many rows it read in full scans of
    articles_article (0: none)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            return plan, _postgres_scanned(plan)
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(row[-1] for row in cursor.fetchall())
        if not re.search(rf"^SCAN {ARTICLES}\b(?! USING)", plan, re.MULTILINE):
            return plan, 0
        return plan, _sqlite_scanned(connection, sql, params)


def access_paths(plan, indexes):
    """Return the scans of articles_article in a plan, e.g. "Index Only Scan
    article_public_idx", in plan order, each once."""
    found = []
    for line in plan.splitlines():
        # PostgreSQL: "Index Scan Backward using x on articles_article", "Seq Scan on
        # articles_article", "Bitmap Index Scan on x" (x: an index of the table).
        if match := re.search(
            rf"((?:Seq|Index Only|Index) Scan(?: Backward)?)(?: using (\S+))? "
            rf"on {ARTICLES}\b",
            line,
        ):
            path = " ".join(filter(None, match.groups()))
        elif (match := re.search(r"Bitmap Index Scan on (\S+)", line)) and (
            match.group(1) in indexes
        ):
            path = f"Bitmap Index Scan {match.group(1)}"
        # SQLite: "SEARCH articles_article USING [COVERING ]INDEX x (...)",
        # "SEARCH articles_article USING INTEGER PRIMARY KEY (...)", "SCAN ...".
        elif match := re.search(
            rf"^(SEARCH|SCAN) {ARTICLES}\b(?: (USING .+?))?(?: \(|$)",
            line.strip(),
        ):
            path = " ".join(filter(None, match.groups()))
        else:
            continue
        if path not in found:
            found.append(path)
    return found


def article_indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, ARTICLES))


def _postgres_scanned(plan):
    """Add up the rows each "Seq Scan on articles_article" node read."""
    scanned = 0
    lines = plan.splitlines()
    for n, line in enumerate(lines):
        if not re.search(rf"Seq Scan on {ARTICLES}\b", line):
            continue
        match = re.search(r"actual time=\S+ rows=(\d+) loops=(\d+)", line)
        rows, loops = (int(g) for g in match.groups()) if match else (0, 1)
        removed = 0
        for detail in lines[n + 1 : n + 4]:
            if found := re.search(r"Rows Removed by Filter: (\d+)", detail):
                removed = int(found.group(1))
        scanned += max((rows + removed) * loops, 1)
    return scanned


def _sqlite_scanned(connection, sql, params):
    """Count the rows a SCAN of articles_article visits, by running the query with
    SQLite's progress handler: a LIMIT may stop a scan after its first row."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {ARTICLES}")
        total = cursor.fetchone()[0]
        steps = []
        connection.connection.set_progress_handler(lambda: steps.append(1), 100)
        try:
            cursor.execute(sql, params)
            cursor.fetchall()
        finally:
            connection.connection.set_progress_handler(None, 0)
    # A full scan costs a few dozen virtual machine steps per row: far fewer steps
    # than rows in the table means the scan stopped early.
    return total if len(steps) * 100 >= total else 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--load", type=int, metavar="N", help="load N demo articles")
    parser.add_argument("--ticker", type=int, default=5000, help="with --load")
    parser.add_argument(
        "--summary", action="store_true", help="one line per page, no plans"
    )
    parser.add_argument("--only", metavar="TEXT", help="pages whose name has TEXT")
    parser.add_argument(
        "--paths", action="store_true", help="per query its scans, not its plan"
    )
    args = parser.parse_args(argv)
    if args.load is not None and not 1 <= args.load <= 1_000_000:
        parser.error("--load must be between 1 and 1,000,000")
    setup()
    from django.db import connection
    from django.test import Client

    from articles.models import Article

    if args.load:
        print(f"Loading {args.load:,} demo articles ...", flush=True)
        load(args.load, args.ticker)
    client = Client(HTTP_HOST="127.0.0.1")
    count = Article.objects.count()
    print(f"{connection.vendor}, {count:,} articles in {ARTICLES}\n")
    flagged = []
    rows = []
    indexes = article_indexes()
    for name, path in pages():
        if args.only and args.only not in name:
            continue
        status, queries = capture(client, path)
        scans = 0
        text = []
        for n, (sql, params, seconds) in enumerate(queries, 1):
            if ARTICLES not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            plan, scanned = explain(sql, params)
            scans += bool(scanned)
            if args.paths:
                plan = "; ".join(access_paths(plan, indexes))
            flag = (
                f"   <-- SEQUENTIAL SCAN OF ARTICLES ({scanned:,} rows)"
                if scanned
                else ""
            )
            if args.paths:
                # Not those that only name it (articles_articleauthor, ...).
                if plan:
                    text.append(f"  query {n}: {plan}{flag}")
                continue
            text.append(
                f"  query {n} ({seconds * 1000:.2f} ms){flag}\n    {sql[:160]}...\n"
                + "\n".join(f"      {line}" for line in plan.splitlines())
            )
        total = sum(seconds for *_, seconds in queries) * 1000
        rows.append((name, path, status, len(queries), total, scans))
        if scans:
            flagged.append(name)
        if not args.summary:
            print(
                f"== {name}: {path} -> {status}, {len(queries)} queries, {total:.1f} ms"
            )
            print("\n".join(text) + "\n")
    header = f"{'page':<26} {'status':>6} {'queries':>7} {'DB ms':>8}"
    print(f"{header}  full scans of articles")
    for name, _path, status, number, total, scans in rows:
        print(f"{name:<26} {status:>6} {number:>7} {total:>8.1f}  {scans or '-'}")
    if flagged:
        print(f"\nSequential scans of {ARTICLES}: {', '.join(flagged)}")
        return 1
    print(f"\nNo sequential scan of {ARTICLES}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
