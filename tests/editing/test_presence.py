"""Who else has a record open: shown on opening, kept fresh by a heartbeat, no lock."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editing.models import EditPresence
from tests.factories import make_article, make_member, make_ticker_item, make_user
from tests.helpers import admin_form_data, change_url, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def fatima():
    return client_for(
        make_member("fatima", "eindredacteur", first_name="Fatima", last_name="Amrani")
    )


@pytest.fixture
def omar():
    return client_for(make_member("omar", "eindredacteur", first_name="Omar"))


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


def test_opening_an_article_someone_else_has_open_says_who_and_since_when(fatima, omar):
    article = make_article()
    fatima.get(change_url(article))

    page = omar.get(change_url(article)).content.decode()
    alone = fatima.get(change_url(make_article())).content.decode()

    mark = EditPresence.objects.get(user__username="fatima", object_id=article.pk)
    opened = timezone.localtime(mark.opened_at)
    assert "Fatima Amrani bewerkt dit artikel ook" in page
    assert f"geopend om {opened:%H:%M}" in page
    assert "bewerkt dit artikel ook" not in alone


def test_the_heartbeat_keeps_presence_fresh_and_goodbye_ends_it(fatima, omar, settings):
    settings.EDITING_PRESENCE_SECONDS = 60
    article = make_article()
    fatima.get(change_url(article))
    omar.get(change_url(article))

    beat = fatima.post(presence_url(article), {"version": str(article.version)})
    assert beat.status_code == 200
    assert "no-store" in beat["Cache-Control"]
    assert [p["text"] for p in beat.json()["others"]] == [
        "Omar bewerkt dit artikel ook"
    ]
    assert beat.json()["changed"] == ""

    # Omar's tab went quiet two minutes ago: no longer shown.
    EditPresence.objects.filter(user__username="omar").update(
        seen_at=timezone.now() - timedelta(minutes=2)
    )
    assert fatima.post(presence_url(article)).json()["others"] == []

    omar.post(presence_url(article))  # he is back
    assert len(fatima.post(presence_url(article)).json()["others"]) == 1
    assert omar.post(presence_url(article), {"leave": "1"}).status_code == 204
    assert fatima.post(presence_url(article)).json()["others"] == []


def test_the_heartbeat_tells_when_someone_else_saved_meanwhile(fatima, omar):
    article = make_article(status="draft", published_at=None)
    opened = str(article.version)
    fatima.get(change_url(article))
    page = omar.get(change_url(article))
    omar.post(change_url(article), admin_form_data(page, title="Nieuwe kop"))

    changed = fatima.post(presence_url(article), {"version": opened}).json()["changed"]

    assert changed.startswith("Omar heeft dit artikel om ")
    assert "Bij opslaan ziet u per veld wat er verschilt" in changed


def test_no_lock_both_may_save(fatima, omar):
    article = make_article(status="draft", published_at=None)
    fatima.get(change_url(article))
    page = omar.get(change_url(article))

    response = omar.post(change_url(article), admin_form_data(page, title="Omar"))

    assert response.status_code == 302


def test_the_heartbeat_is_a_post_for_people_who_may_see_the_record(fatima):
    article = make_article()
    outsider = client_for(make_user("buitenstaander"))

    assert fatima.get(presence_url(article)).status_code == 405
    assert outsider.post(presence_url(article)).status_code == 403
    assert not EditPresence.objects.exists()


def test_ticker_items_show_presence_too(fatima, omar):
    item = make_ticker_item()
    url = reverse("admin:ticker_tickeritem_change", args=[item.pk])
    fatima.get(url)

    page = omar.get(url).content.decode()

    assert "Fatima Amrani bewerkt dit tickerbericht ook" in page
    beat = omar.post(reverse("admin:ticker_tickeritem_presence", args=[item.pk]))
    assert beat.json()["others"][0]["name"] == "Fatima Amrani"


def test_a_heartbeat_costs_the_same_few_queries_however_many_are_present(
    fatima, omar, django_assert_num_queries
):
    article = make_article()
    fatima.get(change_url(article))
    omar.get(change_url(article))

    for n in range(3):
        client_for(make_member(f"lid{n}", "eindredacteur")).get(change_url(article))

    # Session, user, article with bylines, permissions (2), the mark, who else is
    # there, and the session's refresh in a savepoint (3).
    with django_assert_num_queries(11):
        fatima.post(presence_url(article))
