"""Project-wide promises: migrations, the main endpoints, settings and error pages."""

import ast
import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.views import FrontPageView
from tests import helpers
from tests.factories import make_article

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"Model changes without a migration:\n{out.getvalue()}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/", "text/html"),
        ("/feed/", "application/rss+xml"),
        ("/sitemap.xml", "application/xml"),
    ],
)
def test_main_endpoints_respond(client, url, content_type):
    make_article()

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)


def run_python(args, tmp_path, **env):
    """Run the project's Python in a clean environment (no inherited settings)."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    }
    return helpers.run_python(*args, env=clean)


def test_refuses_to_start_without_secret_key_when_debug_is_off(tmp_path):
    result = run_python(["manage.py", "check"], tmp_path, DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_import_fails_loudly_without_secret_key(tmp_path):
    code = "import django; django.setup()"
    result = run_python(
        ["-c", code],
        tmp_path,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="0",
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_bare_checkout_runs_management_commands_but_serves_nothing(tmp_path):
    # Neither DJANGO_DEBUG nor DJANGO_SECRET_KEY: a developer's first commands work.
    check = run_python(["manage.py", "check"], tmp_path)
    migrations = run_python(
        ["manage.py", "makemigrations", "--check", "--dry-run"], tmp_path
    )
    # A WSGI server loads the settings outside manage.py: it still refuses.
    served = run_python(
        ["-c", "from newsroom.wsgi import application"],
        tmp_path,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
    )

    assert check.returncode == 0, check.stderr
    assert "System check identified no issues" in check.stdout
    assert migrations.returncode == 0, migrations.stderr
    assert "No changes detected" in migrations.stdout
    assert served.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in served.stderr


def test_starts_in_debug_without_secret_key(tmp_path):
    result = run_python(["manage.py", "check"], tmp_path, DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_dutch_404_page(client, settings):
    settings.DEBUG = False

    response = client.get("/bestaat-niet/")
    page = response.content.decode()

    assert response.status_code == 404
    assert '<html lang="nl">' in page
    assert "<h1>Pagina niet gevonden</h1>" in page
    assert 'href="/archief/"' in page
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.django_db
def test_dutch_500_page(client, settings, monkeypatch):
    settings.DEBUG = False

    def broken(self, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(FrontPageView, "get_context_data", broken)
    client.raise_request_exception = False

    response = client.get("/")
    page = response.content.decode()

    assert response.status_code == 500
    assert '<html lang="nl">' in page
    assert "<h1>Er ging iets mis</h1>" in page
    assert "database on fire" not in page


ENV_READERS = {"env", "env_bool", "env_list", "env_int", "env_seconds"}


def environment_variables_read(source):
    """Return the names settings.py reads with its env helpers or os.environ."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = ast.unparse(node.func)
        first = node.args[0]
        if (
            name in ENV_READERS | {"os.environ.get", "os.getenv"}
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            names.add(first.value)
    return names


def readme_configuration_table():
    """Return the variable names in the README's configuration table."""
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {
        name
        for row in rows
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split(" | ")[0])
    }


def test_the_readme_table_lists_every_environment_variable_the_settings_read():
    read = environment_variables_read(
        (BASE_DIR / "newsroom" / "settings.py").read_text(encoding="utf-8")
    )
    listed = readme_configuration_table()

    assert {"DJANGO_SECRET_KEY", "NEWSROOM_PURGE_URLS", "S3_BUCKET"} <= read
    assert read - listed == set(), "missing from README.md's configuration table"
    assert listed - read == set(), "in README.md's table but not read by settings"


def test_the_environment_variable_finder_sees_every_way_settings_read_them():
    source = (
        'A = env("ONE")\nB = env_bool(\n    "TWO", default=True\n)\n'
        'C = os.environ.get("THREE", "")\nD = other("FOUR")\n'
    )
    assert environment_variables_read(source) == {"ONE", "TWO", "THREE"}
