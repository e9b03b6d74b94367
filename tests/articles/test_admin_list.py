"""The article change list: few columns, whole titles on hover, Dutch dates."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# "7 Dec", as Django's date format "M" writes it.
CAPITAL_MONTH = re.compile(
    r"\d (Jan|Feb|Mar|Mrt|Apr|Mei|May|Jun|Jul|Aug|Sep|Okt|Oct|Nov|Dec)\b"
)
LONG_TITLE = (
    "Koning Mohammed VI opent in Tanger het grootste zonnepark van Noord-Afrika, "
    "dat stroom levert aan een half miljoen huishoudens in het noorden van het land"
)


def header_labels(page):
    head = page.split("<thead>")[1].split("</thead>")[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    ]


def test_the_list_has_four_columns_and_the_whole_title_on_hover(admin_client):
    make_article(
        title=LONG_TITLE,
        section=make_section(name="Economie"),
        authors=[make_author(name="Samira El Idrissi"), make_author(name="Karim")],
    )
    page = admin_client.get(CHANGELIST).content.decode()

    # Checkbox, thumbnail, title, status, date: nothing that needs cutting off.
    assert header_labels(page) == ["", "", "Titel", "Status", "Publicatie"]
    cell = re.search(r'<t[hd] class="field-title_column">(.*?)</t[hd]>', page, re.S)[1]
    shown = re.search(r'class="admin-title" title="([^"]*)">([^<]*)<', cell)
    assert shown[1] == LONG_TITLE
    assert len(shown[2]) <= 90 and shown[2].endswith("…")
    # Section and authors under the title, instead of two more columns.
    assert re.search(r'class="admin-meta">Economie · Samira El Idrissi, Karim<', cell)


def test_dates_read_with_dutch_month_abbreviations(client, admin_user):
    with time_machine.travel(datetime(2026, 12, 9, 12, 0, tzinfo=AMSTERDAM)):
        client.force_login(admin_user)  # a session of that day
        make_article(
            title="Deze maand",
            published_at=datetime(2026, 12, 7, 14, 30, tzinfo=AMSTERDAM),
        )
        make_article(
            title="Vorig jaar",
            published_at=datetime(2025, 3, 5, 9, 5, tzinfo=AMSTERDAM),
        )
        make_article(
            title="Ingepland",
            published_at=datetime(2026, 12, 10, 7, 0, tzinfo=AMSTERDAM),
        )
        page = client.get(CHANGELIST).content.decode()
        dashboard = client.get(reverse("admin:index")).content.decode()

    dates = re.findall(r'<td class="field-published_column"><time[^>]*>([^<]*)<', page)
    assert sorted(dates) == ["10 dec 07:00", "5 mrt 2025 09:05", "7 dec 14:30"]
    # On a phone the date sits under the title (admin.css shows it there).
    assert '<span class="admin-meta__date"> · 7 dec 14:30</span>' in page
    # The scheduled one: a short badge, the moment on hover and in the date column.
    assert re.search(r'status-scheduled" title="Ingepland voor [^"]+">Ingepland<', page)
    assert not CAPITAL_MONTH.search(page)
    # The dashboard: calendar, latest and chart.
    assert "do 10 dec" in dashboard
    assert "7 dec 14:30" in dashboard
    assert not CAPITAL_MONTH.search(dashboard)


def test_the_list_costs_the_same_queries_for_more_articles(
    admin_client, django_assert_max_num_queries
):
    for n in range(3):
        make_article(title=f"Artikel {n}", authors=[make_author(name=f"Auteur {n}")])
    admin_client.get(CHANGELIST)
    with django_assert_max_num_queries(20) as few:
        admin_client.get(CHANGELIST)
    for n in range(3, 20):
        make_article(title=f"Artikel {n}", authors=[make_author(name=f"Auteur {n}")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = admin_client.get(CHANGELIST).content.decode()
    assert page.count('class="admin-title"') == 20
