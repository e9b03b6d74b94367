"""A hung or unreachable database: cached pages keep serving, because the page cache
answers anonymous readers before anything asks the database, and connecting gives
up after DATABASE_CONNECT_TIMEOUT seconds instead of waiting for good."""

import time
from unittest import mock

import pytest
from django.db import OperationalError, connections

from tests.factories import make_article
from tests.test_production import manage, production_env

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def hung(*args, **kwargs):
    time.sleep(5)
    raise OperationalError("the database did not answer")


def test_cached_pages_are_served_while_the_database_hangs(client):
    article = make_article(title="Haven van Tanger groeit")
    paths = ["/", article.get_absolute_url(), "/ticker/", "/feed/", "/archief/"]
    for path in paths:
        client.get(path)

    connection = connections["default"]
    started = time.monotonic()
    with (
        mock.patch.object(connection, "ensure_connection", side_effect=hung),
        mock.patch.object(connection, "cursor", side_effect=hung),
    ):
        responses = [client.get(path) for path in paths]
    seconds = time.monotonic() - started

    assert [r.status_code for r in responses] == [200] * len(paths)
    pages = [r for path, r in zip(paths, responses, strict=True) if path != "/ticker/"]
    assert all(r.headers.get("X-Page-Cache") == "hit" for r in pages)
    assert "Haven van Tanger groeit" in responses[1].text
    assert seconds < 2


def test_connecting_to_postgresql_gives_up_after_a_few_seconds(tmp_path):
    env = production_env(
        tmp_path, DATABASE_URL="postgres://newsroom@db.internal:5432/newsroom"
    )
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['connect_timeout'])"
    )

    result = manage(env, "shell", "--verbosity", "0", "--command", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5"]

    env["DATABASE_CONNECT_TIMEOUT"] = "2"
    result = manage(env, "shell", "--verbosity", "0", "--command", code)
    assert result.stdout.split() == ["2"]
