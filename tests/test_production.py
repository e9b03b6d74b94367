"""Production: settings from the environment, probes, logs, static files, backups."""

import importlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from importlib.util import find_spec
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError, connections
from django.test import Client, override_settings
from django.urls import reverse

from newsroom.logging import JSONFormatter, RequestContextFilter
from tests.factories import make_user
from tests.helpers import manage

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
STRONG_KEY = "n8Vq3-XkP0zL7wYhR2bT9sUe4mJc6aFgD1iOyNt5rQvWxZpKuHlEj_BsCdGoIaMf"


def production_env(tmp_path, **overrides):
    """Return the environment of a production server, as docs/deploy.md lists it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_", "REDIS_", "MEDIA_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="nieuws.example.nl",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def shell(env, code):
    return manage(env, "shell", "--verbosity", "0", "--command", code)


# Settings from the environment


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    result = manage(
        production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY is not set"),
        ({"DJANGO_SECRET_KEY": "kort-geheim"}, "DJANGO_SECRET_KEY is too weak"),
        ({"DJANGO_SECRET_KEY": "ab" * 40}, "DJANGO_SECRET_KEY is too weak"),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-" + STRONG_KEY},
            "DJANGO_SECRET_KEY is too weak",
        ),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS is empty"),
        ({"DJANGO_ADMIN_URL": "beheer/<script>/"}, "DJANGO_ADMIN_URL must be"),
        ({"DJANGO_DEBUG": "misschien"}, "DJANGO_DEBUG must be 1/0"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be filesystem or s3"),
        ({"DJANGO_LOG_FORMAT": "xml"}, "DJANGO_LOG_FORMAT must be json or plain"),
        ({"DJANGO_LOG_LEVEL": "luid"}, "DJANGO_LOG_LEVEL must be DEBUG"),
        ({"DJANGO_TRUSTED_PROXY_COUNT": "-1"}, "DJANGO_TRUSTED_PROXY_COUNT cannot"),
        ({"DJANGO_TRUSTED_PROXY_COUNT": "een"}, "DJANGO_TRUSTED_PROXY_COUNT must be"),
    ],
)
def test_bad_production_settings_stop_start_up_with_a_clear_message(
    tmp_path, overrides, message
):
    result = manage(production_env(tmp_path, **overrides), "check")
    assert result.returncode == 1
    assert result.stderr.startswith(f"Configuration error: {message}")
    assert "Traceback" not in result.stderr


def test_a_weak_key_is_fine_for_local_development(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="1", DJANGO_SECRET_KEY="kort")
    assert manage(env, "check").returncode == 0


def test_gunicorn_refuses_to_start_with_unusable_settings(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY="kort", WEB_CONCURRENCY="1")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "python:newsroom.gunicorn",
            "--bind",
            "127.0.0.1:0",
            "newsroom.wsgi",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Configuration error: DJANGO_SECRET_KEY is too weak" in result.stdout


def test_admin_url_comes_from_the_environment(tmp_path):
    env = production_env(tmp_path, DJANGO_ADMIN_URL="/redactie-7x/")
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = shell(env, code)
    assert result.stdout.strip() == "/redactie-7x/", result.stderr


def test_s3_media_storage_is_configured_from_the_environment(monkeypatch):
    settings_module = importlib.import_module("newsroom.settings")
    monkeypatch.setenv("S3_BUCKET", "newsroom-media")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.example.net")
    monkeypatch.setenv("S3_CUSTOM_DOMAIN", "media.example.nl")
    with mock.patch.object(settings_module, "find_spec", return_value=True):
        storage, media_url = settings_module.s3_media_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "newsroom-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.net"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert storage["OPTIONS"]["file_overwrite"] is False
    assert media_url == "https://media.example.nl/media/"


def test_s3_media_storage_says_what_to_install(tmp_path):
    if find_spec("storages") and find_spec("boto3"):
        pytest.skip("the s3 extra is installed here")
    env = production_env(tmp_path, MEDIA_STORAGE="s3", S3_BUCKET="b")
    result = manage(env, "check")
    assert result.returncode == 1
    assert "pip install -e '.[s3]'" in result.stderr


# Health probes


def test_healthz_answers_without_database_or_cache(client, django_assert_num_queries):
    with (
        django_assert_num_queries(0),
        mock.patch("newsroom.views.cache") as cache,
    ):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not cache.mock_calls
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_load_balancers_that_ask_by_ip_address(settings, path):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(path, HTTP_HOST="10.0.3.17:8000")
    assert response.status_code == 200
    # The rest of the site still refuses unknown hosts and plain HTTP.
    assert Client().get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400
    assert Client().get("/").status_code == 301


def test_readyz_checks_database_and_cache(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_says_503_while_the_database_is_unreachable(client):
    connection = connections["default"]
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database"}
    assert "no-store" in response["Cache-Control"]
    # And it recovers by itself once the database is back.
    assert client.get("/readyz").status_code == 200


def test_readyz_says_degraded_while_the_cache_is_unreachable(client):
    # Every server shares the one cache: 503 would take them all out of rotation,
    # while they can still serve every page (uncached).
    dead_redis = {
        "default": {
            "BACKEND": "newsroom.cache.DegradingRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=dead_redis):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "reason": "cache"}
    assert "no-store" in response["Cache-Control"]


# Request ids and structured logs


def test_request_id_is_taken_from_the_proxy_when_sane(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="3f2a9c0d1e6b4a7f")
    assert response["X-Request-ID"] == "3f2a9c0d1e6b4a7f"


@pytest.mark.parametrize("incoming", ["", "kort", "<script>alert(1)</script>", "a b"])
def test_request_id_is_generated_when_missing_or_odd(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    generated = response["X-Request-ID"]
    assert len(generated) == 32
    assert int(generated, 16) >= 0
    assert client.get("/healthz")["X-Request-ID"] != generated


@pytest.fixture
def json_log():
    """Capture what is logged, formatted as on stdout."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger()
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_errors_are_logged_as_json_with_request_user_and_traceback(json_log):
    user = make_user("redacteur")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with mock.patch(
        "articles.views.FrontPageView.get_context_data",
        side_effect=RuntimeError("kapot"),
    ):
        response = client.get("/", HTTP_X_REQUEST_ID="lb-req-000123")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "lb-req-000123"
    [entry] = [e for e in json_log() if e["logger"] == "django.request"]
    assert entry["level"] == "ERROR"
    assert entry["request_id"] == "lb-req-000123"
    assert entry["method"] == "GET"
    assert entry["path"] == "/"
    assert entry["user_id"] == user.pk
    assert entry["status_code"] == 500
    assert "RuntimeError: kapot" in entry["exception"]


def test_log_records_inside_a_request_carry_its_id(client, json_log):
    with mock.patch(
        "newsroom.views.connections",
        {"default": mock.Mock(cursor=mock.Mock(side_effect=OperationalError("weg")))},
    ):
        response = client.get("/readyz")
    request_id = response["X-Request-ID"]
    [warning] = [e for e in json_log() if e["logger"] == "newsroom.views"]
    assert warning["message"] == "readyz: database unavailable: weg"
    assert (warning["request_id"], warning["path"]) == (request_id, "/readyz")
    # Django logs the 503 after the middleware is done, with the request attached.
    [logged] = [e for e in json_log() if e["logger"] == "django.request"]
    assert (logged["request_id"], logged["status_code"]) == (request_id, 503)


def test_gunicorn_access_log_lines_are_json():
    from gunicorn.glogging import SafeAtoms

    atoms = SafeAtoms(
        {
            "h": "127.0.0.1",
            "m": "GET",
            "U": "/artikel/x/",
            "q": "",
            "s": "200",
            "B": 512,
            "M": 12,
            "f": "-",
            "a": 'curl "test"',
            "{x-request-id}o": "abc123",
        }
    )
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, "", 0, "%(h)s", (atoms,), None
    )
    entry = json.loads(JSONFormatter().format(record))
    assert entry["status"] == 200
    assert entry["path"] == "/artikel/x/"
    assert entry["request_id"] == "abc123"
    assert entry["user_agent"] == 'curl "test"'
    assert "referer" not in entry


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8001")
    config = importlib.reload(importlib.import_module("newsroom.gunicorn"))
    assert config.workers == 3
    assert config.bind == ["0.0.0.0:8001"]
    assert config.accesslog == "-"
    assert config.max_requests_jitter > 0
    assert config.forwarded_allow_ips == "127.0.0.1,::1"


# Static files


def test_hashed_static_files_are_cached_for_good(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
    hashed = manifest["paths"]["newsroom/site.css"]
    assert hashed != "newsroom/site.css"

    client = Client()
    response = client.get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"
    unhashed = client.get("/static/newsroom/site.css")
    assert unhashed["Cache-Control"] == "max-age=300, public"


# Backup and restore, as docs/deploy.md describes it for SQLite


def test_backup_and_restore_bring_articles_and_media_back(tmp_path):
    if not shutil.which("sqlite3"):
        pytest.skip("the sqlite3 command-line tool is not installed")
    site = tmp_path / "site"
    env = production_env(site)
    db, media, backup = site / "db.sqlite3", site / "media", tmp_path / "backup"
    backup.mkdir()
    assert manage(env, "migrate", "--noinput").returncode == 0
    create = (
        "from articles.models import Article\n"
        "from tests.factories import make_image\n"
        "a = Article(title='Bewaard artikel', status='published')\n"
        "a.lead_image = make_image()\n"
        "a.save()\n"
        "print(a.lead_image.file.name)\n"
    )
    result = shell(env, create)
    assert result.returncode == 0, result.stderr
    image_name = result.stdout.strip()

    # Back up: an online copy of the database, and the media folder as a tarball.
    subprocess.run(
        ["sqlite3", str(db), f".backup '{backup / 'db.sqlite3'}'"], check=True
    )
    with tarfile.open(backup / "media.tar.gz", "w:gz") as tar:
        tar.add(media, arcname="media")

    # Disaster: everything is gone.
    for path in site.glob("db.sqlite3*"):
        path.unlink()
    shutil.rmtree(media)
    assert manage(env, "migrate", "--noinput").returncode == 0
    count = "from articles.models import Article; print(Article.objects.count())"
    assert shell(env, count).stdout.strip() == "0"

    # Restore.
    for path in site.glob("db.sqlite3*"):
        path.unlink()
    shutil.copy(backup / "db.sqlite3", db)
    with tarfile.open(backup / "media.tar.gz") as tar:
        tar.extractall(site, filter="data")

    check = (
        "from articles.models import Article\n"
        "a = Article.objects.get()\n"
        "f = a.lead_image.file\n"
        "print(a.title, f.name, f.open('rb').read(3).hex())\n"
    )
    result = shell(env, check)
    assert result.stdout.split() == ["Bewaard", "artikel", image_name, "ffd8ff"]
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)
