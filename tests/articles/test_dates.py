"""Dutch, human dates: "vandaag 14:03", "gisteren 09:12", "10 juli 2025"."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from articles.templatetags.article_tags import human_date, human_time
from tests.factories import make_article

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2025, 7, 11, 16, 30, tzinfo=AMSTERDAM)


def at(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2025, 7, 11, 14, 3), "vandaag 14:03"),
        (at(2025, 7, 11, 0, 0), "vandaag 00:00"),
        (at(2025, 7, 10, 9, 12), "gisteren 09:12"),
        (at(2025, 7, 10, 23, 59), "gisteren 23:59"),
        (at(2025, 7, 9, 23, 59), "9 juli 2025"),
        (at(2024, 12, 31, 8, 0), "31 december 2024"),
        (at(2025, 7, 12, 10, 0), "morgen 10:00"),
        (at(2025, 8, 1, 10, 0), "1 augustus 2025"),
    ],
)
def test_human_date(moment, expected):
    with time_machine.travel(NOW, tick=False):
        assert human_date(moment) == expected


def test_human_date_uses_the_local_day_not_utc():
    # 23:30 in Amsterdam on the 10th is already the 10th 21:30 UTC; just after
    # midnight local time it is "gisteren", though UTC still says the same day.
    with time_machine.travel(at(2025, 7, 11, 0, 30), tick=False):
        assert human_date(at(2025, 7, 10, 23, 30)) == "gisteren 23:30"


def test_older_dates_can_carry_their_time():
    with time_machine.travel(NOW, tick=False):
        assert human_date(at(2025, 7, 1, 8, 5), True) == "1 juli 2025, 08:05"
        assert human_date(at(2025, 7, 11, 8, 5), True) == "vandaag 08:05"


def test_human_time_is_a_time_element_with_a_machine_readable_datetime():
    with time_machine.travel(NOW, tick=False):
        html = human_time(at(2025, 7, 10, 9, 12, 30, 123456))

    assert html == '<time datetime="2025-07-10T09:12:30+02:00">gisteren 09:12</time>'


def test_empty_values_render_nothing():
    assert human_date(None) == ""
    assert human_time(None) == ""


@pytest.mark.django_db
def test_pages_show_human_dates(client):
    with time_machine.travel(NOW, tick=False):
        today = make_article(title="Vandaag", published_at=at(2025, 7, 11, 14, 3))
        make_article(title="Gisteren", published_at=at(2025, 7, 10, 9, 12))
        make_article(title="Vorige week", published_at=at(2025, 7, 4, 9, 0))

        archive = client.get("/archief/").content.decode()
        article = client.get(today.get_absolute_url()).content.decode()

    assert '<time datetime="2025-07-11T14:03:00+02:00">vandaag 14:03</time>' in archive
    assert ">gisteren 09:12</time>" in archive
    assert ">4 juli 2025</time>" in archive
    assert "Gepubliceerd: <time" in article
    assert ">vandaag 14:03</time>" in article


@pytest.mark.django_db
def test_front_page_headlines_show_the_time_today_and_the_date_before(client):
    make_article(title="Van vanochtend", published_at=at(2025, 7, 11, 9, 5))
    make_article(title="Van gisteravond", published_at=at(2025, 7, 10, 23, 40))
    make_article(title="Lead", published_at=at(2025, 7, 11, 12, 0), featured=True)

    with time_machine.travel(NOW, tick=False):
        page = client.get("/").content.decode()

    headlines = page[page.index('class="headline-list"') :]
    assert '<time datetime="2025-07-11T09:05:00+02:00">09:05</time>' in headlines
    assert '<time datetime="2025-07-10T23:40:00+02:00">10 jul</time>' in headlines
