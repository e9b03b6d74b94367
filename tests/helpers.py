"""Helpers the tests share (their fixtures are in conftest.py): admin forms sent
as a browser sends them, logged-in clients, manage.py in a process of its own,
migrations."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from django.forms import CheckboxInput, FileInput, MultiWidget
from django.urls import reverse

PROJECT = Path(__file__).resolve().parent.parent


def client_for(user):
    """Return a test client of its own, logged in as user."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# Admin change forms. Tests build the POST data from the page's own forms and
# override only what they are about, so hidden fields, new fields and the inline
# formsets' management data come along as a browser would send them.


def change_url(article):
    """Return the admin change form's address for article."""
    return reverse("admin:articles_article_change", args=[article.pk])


def _field_data(form):
    data = {}
    for field in form:
        widget = field.field.widget
        value = field.value()
        if isinstance(widget, FileInput) or field.field.disabled:
            continue
        if isinstance(widget, CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif isinstance(widget, MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, (sub, part) in enumerate(
                zip(widget.widgets, parts, strict=True)
            ):
                shown = sub.format_value(part)
                data[f"{field.html_name}_{index}"] = "" if shown is None else shown
        elif getattr(widget, "allow_multiple_selected", False):
            data[field.html_name] = [str(v) for v in value or []]
        else:
            shown = widget.format_value(value)
            if isinstance(shown, list):
                shown = shown[0] if shown else ""
            data[field.html_name] = "" if shown is None else shown
    return data


def admin_form_data(response, **overrides):
    """Return the POST data of the change form rendered in response, with overrides."""
    context = response.context
    data = _field_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_field_data(formset.management_form))
        for form in formset.forms:
            data.update(_field_data(form))
    data.update(overrides)
    return data


def post_change(client, article, *, expect=None, **overrides):
    """Send article's admin change form as the browser would, with overrides; return
    the response. expect: the status code the response must have (302: saved)."""
    url = change_url(article)
    page = client.get(url)
    assert page.status_code == 200, f"{url}: {page.status_code}"
    response = client.post(url, admin_form_data(page, **overrides))
    if expect is not None:
        assert response.status_code == expect, response.content.decode()[:2000]
    return response


def run_command(name, *args, **options):
    """Run a management command in this process; return its stdout and stderr."""
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_python(*args, env, timeout=120):
    """Run the project's Python (a script, manage.py, -m pytest) in a process of its
    own, in the project's folder, with env as its whole environment; return the
    CompletedProcess with its output as text."""
    return subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def manage(env, *args, timeout=120):
    """Run manage.py with args (see run_python())."""
    return run_python("manage.py", *args, env=env, timeout=timeout)


def free_port():
    """Return a loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Variables of the outer environment that would make a test server another site.
SITE_VARIABLES = (
    "DJANGO_",
    "DATABASE_",
    "CACHE_",
    "REDIS_",
    "MEDIA_",
    "PAGE_CACHE_",
    "NEWSROOM_PURGE",
)


def production_env(folder, port, **extra):
    """Return the whole environment of a production server (gunicorn with
    newsroom/gunicorn.py, DEBUG off) on 127.0.0.1:port, with its SQLite database,
    media and static files in folder; extra adds or replaces variables."""
    from tests.test_production import STRONG_KEY

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(SITE_VARIABLES)
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_FORMAT="plain",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        STATIC_ROOT=str(folder / "static"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def migrate_to(*targets):
    """Migrate the test database to targets ((app, migration name), or (app, None)
    for none of an app's migrations; the latest of every app when no target is
    given) and return the model state (an apps registry) of what is applied then.

    For tests of migrations: data made with the returned models has the shape the
    database had at that point.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    # As in a new process: content types may have moved between apps.
    ContentType.objects.clear_cache()
    applied = [
        key
        for key in executor.loader.applied_migrations
        if key in executor.loader.graph.nodes
    ]
    return executor.loader.project_state(applied).apps
