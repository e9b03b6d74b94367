"""The header's section menu: from the shared cache while the content is unchanged,
fresh after any change, and always from the database when the cache is a process's
own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Section
from newsroom import pagecache
from tests.factories import make_article, make_section


@pytest.fixture
def shared_cache(settings):
    # Pages rendered every time, the small caches shared as files or Redis are.
    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHE_IS_SHARED = True


@pytest.fixture
def economy(db):
    section = make_section(name="Economie", slug="economie")
    make_section(name="Sport", slug="sport")
    make_article(title="Haven groeit", slug="haven-groeit", section=section)
    return section


def menu(response):
    nav = re.search(r'<nav class="site-nav".*?</nav>', response.text, re.S).group()
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


def test_the_menu_is_read_once_while_nothing_changes(
    client, economy, shared_cache, settings
):
    client.get("/artikel/haven-groeit/")  # the other small caches, and the menu
    cached, cached_count = queries(client, "/artikel/haven-groeit/")
    settings.CACHE_IS_SHARED = False
    queried, queried_count = queries(client, "/artikel/haven-groeit/")

    assert cached_count == queried_count - 1
    assert menu(cached) == menu(queried)
    assert ("/rubriek/economie/", "Economie") in menu(cached)
    assert ("/rubriek/sport/", "Sport") in menu(cached)


def test_a_renamed_added_or_deleted_section_shows_at_once(
    client, economy, shared_cache
):
    client.get("/rubriek/economie/")

    economy.name = "Economie en werk"
    economy.save()
    make_section(name="Cultuur", slug="cultuur")
    Section.objects.get(slug="sport").delete()
    shown = menu(client.get("/rubriek/economie/"))

    assert ("/rubriek/economie/", "Economie en werk") in shown
    assert ("/rubriek/cultuur/", "Cultuur") in shown
    assert all(url != "/rubriek/sport/" for url, _ in shown)


def test_a_bulk_change_shows_after_invalidating(client, economy, shared_cache):
    client.get("/rubriek/economie/")

    Section.objects.filter(pk=economy.pk).update(name="Geld")
    pagecache.invalidate()

    assert ("/rubriek/economie/", "Geld") in menu(client.get("/rubriek/economie/"))


def test_a_cache_of_one_process_is_not_used(client, economy, settings):
    settings.CACHE_IS_SHARED = False
    client.get("/rubriek/economie/")
    _, first_count = queries(client, "/rubriek/economie/")

    # No signal, no invalidation: only a fresh query can show this.
    Section.objects.filter(pk=economy.pk).update(name="Geld")
    second, second_count = queries(client, "/rubriek/economie/")

    assert second_count == first_count
    assert ("/rubriek/economie/", "Geld") in menu(second)
