#!/usr/bin/env bash
# Scale-out proof: two app servers share one PostgreSQL and one Redis.
#
#   1. Two gunicorn servers (A, B) on two loopback ports, same database, cache and
#      media folder (the stand-in for object storage).
#   2. An article (with a photo) and a ticker item are published through A's admin.
#   3. B serves both at once, although it had the ticker cached just before: the
#      shared Redis cache was invalidated by A.
#   4. PostgreSQL stops for a moment: /readyz answers 503 on both, /healthz 200, and a
#      write through A fails loudly instead of getting lost.
#   5. PostgreSQL starts again: both servers recover by themselves (no restart), and
#      the write is repeated through B; A serves it.
#   6. Nothing was lost: the database holds exactly what was published.
#   7. Backup and restore as docs/deploy.md describes (pg_dump + media tarball), into
#      a fresh database and media folder, then compared with the original.
#
# Needs PostgreSQL (127.0.0.1:5432, user postgres, trust), Redis (127.0.0.1:6379) and
# .venv. STOPS THE POSTGRESQL CLUSTER for about a second (always restarted, also on
# failure). Variables: PG_SERVER_URL, SCALEOUT_DB, SCALEOUT_REDIS_DB, PG_STOP_CMD and
# PG_START_CMD (to stop and start another cluster than the machine's main one).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
GUNICORN=.venv/bin/gunicorn
PG_SERVER_URL=${PG_SERVER_URL:-postgres://postgres@127.0.0.1:5432}
DB=${SCALEOUT_DB:-newsroom_scaleout}
RESTORED_DB="${DB}_restored"
if [ -z "${PG_STOP_CMD:-}" ] || [ -z "${PG_START_CMD:-}" ]; then
  PG_VERSION=$(ls /etc/postgresql 2>/dev/null | head -n1 || true)
  if [ -z "$PG_VERSION" ]; then
    echo "scaleout: no PostgreSQL cluster in /etc/postgresql; set PG_STOP_CMD and PG_START_CMD"
    exit 1
  fi
  PG_STOP_CMD="pg_ctlcluster --skip-systemctl-redirect $PG_VERSION main stop -m fast"
  PG_START_CMD="pg_ctlcluster --skip-systemctl-redirect $PG_VERSION main start"
fi
WORK=$(mktemp -d /tmp/newsroom-scaleout.XXXXXX)
PASSWORD="sc4le-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

export DJANGO_DEBUG=0
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=0 # plain HTTP on loopback, no TLS proxy in front
export DATABASE_URL="$PG_SERVER_URL/$DB"
export REDIS_URL="redis://127.0.0.1:6379/${SCALEOUT_REDIS_DB:-11}"
export CACHE_KEY_PREFIX=scaleout
export MEDIA_ROOT="$WORK/media" STATIC_ROOT="$WORK/static"
export WEB_CONCURRENCY=2 PYTHONUNBUFFERED=1
unset CACHE_URL

PIDS=()
PG_STOPPED=0
cleanup() {
  local status=$?
  if [ "$PG_STOPPED" = 1 ]; then bash -c "$PG_START_CMD" >/dev/null 2>&1 || true; fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" != 0 ]; then
    echo "scaleout: FAILED; the servers' last log lines:"
    tail -n 5 "$WORK"/server-*.log 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT INT TERM

say() { printf 'scaleout: %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
status_of() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$1" || true; }
body_of() { curl -s --max-time 10 "$1"; }
psql_at() { PGOPTIONS="-c client_min_messages=warning" psql "$PG_SERVER_URL/$1" -tAqc "$2"; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
publish() { "$PY" benchmarks/admin_client.py "$1" ops "$PASSWORD" "${@:2}" >/dev/null; }

wait_for() { # url status seconds
  local deadline=$(($(date +%s) + $3))
  while [ "$(date +%s)" -le "$deadline" ]; do
    [ "$(status_of "$1")" = "$2" ] && return 0
    sleep 0.2
  done
  return 1
}

serves() { # url text...: the page at url contains every text
  local page
  page=$(body_of "$1")
  for text in "${@:2}"; do
    grep -qF -- "$text" <<<"$page" || fail "$1 does not show '$text'"
  done
}

pg_isready -q -d "$PG_SERVER_URL/postgres" || fail "PostgreSQL is not running at $PG_SERVER_URL"

say "fresh database $DB and Redis db ${REDIS_URL##*/}"
for name in "$DB" "$RESTORED_DB"; do
  psql_at postgres "DROP DATABASE IF EXISTS $name" >/dev/null
done
psql_at postgres "CREATE DATABASE $DB" >/dev/null
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py collectstatic --noinput -v0
"$PY" manage.py shell -v0 -c "from django.core.cache import cache; cache.clear()"
DJANGO_SUPERUSER_PASSWORD=$PASSWORD "$PY" manage.py createsuperuser --noinput \
  --username ops --email ops@example.nl >/dev/null

PORT_A=$(free_port)
PORT_B=$(free_port)
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"
for name in A B; do
  port_var="PORT_$name"
  GUNICORN_BIND="127.0.0.1:${!port_var}" "$GUNICORN" -c python:newsroom.gunicorn \
    newsroom.wsgi >"$WORK/server-$name.log" 2>&1 &
  PIDS+=($!)
done
wait_for "$A/readyz" 200 30 || fail "server A did not become ready"
wait_for "$B/readyz" 200 30 || fail "server B did not become ready"
say "servers A ($A) and B ($B) ready, 2 workers each"

# B reads the (empty) ticker first, so that it sits in the shared cache.
body_of "$B/" >/dev/null
body_of "$B/ticker/" >/dev/null
cached=$("$PY" -c "import redis
keys = redis.Redis.from_url('$REDIS_URL').keys('scaleout:*')
print(sum(b'readyz' not in key for key in keys))")
[ "$cached" -gt 0 ] || fail "nothing was cached in Redis after B served the ticker"
say "B has served the ticker: $cached key(s) cached in the shared Redis"

ARTICLE="Marokko opent nieuwe haven bij Nador $$"
HEADLINE="Breaking: parlement in Rabat stemt over begroting $$"
"$PY" -c "from PIL import Image; Image.new('RGB', (800, 500), (164, 22, 26)).save('$WORK/haven.jpg')"
started=$(now)
publish "$A" images/image "file=@$WORK/haven.jpg" "alt=De nieuwe haven" ||
  fail "uploading the photo through A failed"
PHOTO_ID=$(psql_at "$DB" "SELECT max(id) FROM articles_image")
publish "$A" articles/article "title=$ARTICLE" '!_transition=publish' \
  "body=<p>De haven gaat open.</p>" "lead_image=$PHOTO_ID" ||
  fail "publishing the article through A failed"
publish "$A" ticker/tickeritem "headline=$HEADLINE" is_breaking=on ||
  fail "publishing the ticker item through A failed"
say "published an article and a ticker item through A in $(since "$started") s"

serves "$B/" "$ARTICLE" "$HEADLINE"
serves "$B/ticker/" "$HEADLINE"
IMAGE=$(body_of "$B/" | grep -o '/media/renditions/[^" ]*\.jpg' | head -n1)
[ -n "$IMAGE" ] || fail "B's front page shows no photo"
[ "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$B$IMAGE")" = "200 image/jpeg" ] ||
  fail "B does not serve the photo uploaded through A"
say "B serves both at once (front page and ticker endpoint) and A's photo"

say "stopping PostgreSQL"
PG_STOPPED=1
outage=$(now)
bash -c "$PG_STOP_CMD" >/dev/null
ready_a=$(status_of "$A/readyz")
ready_b=$(status_of "$B/readyz")
live_a=$(status_of "$A/healthz")
reason=$(body_of "$B/readyz")
publish "$A" ticker/tickeritem "headline=Tijdens de storing" 2>/dev/null &&
  fail "a write through A succeeded while the database was down"
bash -c "$PG_START_CMD" >/dev/null
PG_STOPPED=0
down_for=$(since "$outage")
say "during the outage: /readyz A=$ready_a B=$ready_b $reason, /healthz A=$live_a, the write failed"
[ "$ready_a" = 503 ] && [ "$ready_b" = 503 ] || fail "/readyz did not answer 503"
[ "$live_a" = 200 ] || fail "/healthz did not answer 200"
say "PostgreSQL was down for $down_for s"

recovering=$(now)
wait_for "$A/readyz" 200 30 || fail "server A did not recover"
wait_for "$B/readyz" 200 30 || fail "server B did not recover"
say "both servers ready again $(since "$recovering") s after PostgreSQL started, no restart"

AFTER="Na de storing: haven draait op volle kracht $$"
publish "$B" ticker/tickeritem "headline=$AFTER" || fail "the write through B failed"
serves "$A/" "$ARTICLE" "$HEADLINE" "$AFTER"
serves "$A/ticker/" "$HEADLINE" "$AFTER"
say "the repeated write through B is served by A"

articles=$(psql_at "$DB" "SELECT count(*) FROM articles_article")
items=$(psql_at "$DB" "SELECT string_agg(headline, ' | ' ORDER BY id) FROM ticker_tickeritem")
[ "$articles" = 1 ] || fail "expected 1 article, found $articles"
[ "$items" = "$HEADLINE | $AFTER" ] || fail "ticker items in the database: $items"
say "no lost writes: 1 article, 2 ticker items, nothing from the failed write"

# Backup and restore, the commands of docs/deploy.md.
mkdir "$WORK/backup"
pg_dump --format=custom --file="$WORK/backup/db.dump" "$DATABASE_URL"
tar -czf "$WORK/backup/media.tar.gz" -C "$WORK" media
rm -rf "$WORK/media"
psql_at postgres "CREATE DATABASE $RESTORED_DB" >/dev/null
pg_restore --no-owner --dbname="$PG_SERVER_URL/$RESTORED_DB" "$WORK/backup/db.dump"
tar -xzf "$WORK/backup/media.tar.gz" -C "$WORK"
check='from articles.models import Article; from ticker.models import TickerItem
a = Article.objects.get()
print(a.title, "|", TickerItem.objects.count(), "|", a.lead_image.file.open("rb").read(3).hex())'
restored=$(DATABASE_URL="$PG_SERVER_URL/$RESTORED_DB" "$PY" manage.py shell -v0 -c "$check")
[ "$restored" = "$ARTICLE | 2 | ffd8ff" ] || fail "restored: $restored"
psql_at postgres "DROP DATABASE $RESTORED_DB" >/dev/null
say "backup restored into a fresh database and media folder: article, photo, 2 ticker items"

say "OK"
