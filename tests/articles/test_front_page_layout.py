"""The front page looks like a newspaper with or without a lead picture: a lead story
without one gets the next stories under it instead of a blank column."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def block(page, css_class):
    match = re.search(rf'<section class="{css_class}".*?</section>', page, re.S)
    return match[0] if match else ""


def card_titles(html):
    return re.findall(r'class="card__title"[^>]*><a href="[^"]*">([^<]*)<', html)


def latest_titles(html):
    return re.findall(r'<a href="[^"]*" dir="auto">([^<]*)</a>', html)


@pytest.fixture
def newsroom():
    now = timezone.now()
    return [
        make_article(title=f"Verhaal {n}", published_at=now - timedelta(minutes=n + 1))
        for n in range(12)
    ]


def test_a_lead_without_picture_gets_the_next_stories_under_it(
    client, newsroom, django_assert_num_queries
):
    client.get("/")
    with django_assert_num_queries(3):
        page = client.get("/").content.decode()

    assert 'class="front-top front-top--text-lead"' in page
    lead = block(page, "front-lead")
    assert "<picture" not in lead
    # The lead, then the three next stories as cards, with their intros.
    assert card_titles(lead) == ["Verhaal 0", "Verhaal 1", "Verhaal 2", "Verhaal 3"]
    assert lead.count('class="card__lead"') == 4
    assert 'class="front-lead__more"' in lead
    # Beside it, the rest of the latest stories: none shown twice.
    latest = latest_titles(block(page, "latest"))
    assert latest == [f"Verhaal {n}" for n in range(4, 11)]


def test_a_lead_with_a_picture_keeps_the_whole_list_beside_it(client, newsroom):
    lead = newsroom[0]
    lead.lead_image = make_image()
    lead.save()

    page = client.get("/").content.decode()

    assert 'class="front-top"' in page
    top = block(page, "front-lead")
    assert "<picture" in top and 'fetchpriority="high"' in top
    assert card_titles(top) == ["Verhaal 0"]
    assert "front-lead__more" not in page
    assert latest_titles(block(page, "latest")) == [
        f"Verhaal {n}" for n in range(1, 11)
    ]


def test_a_young_site_keeps_its_short_list_beside_a_lead_without_picture(client):
    for n in range(5):
        make_article(title=f"Verhaal {n}")
    page = client.get("/").content.decode()
    assert "front-top--text-lead" not in page
    assert len(latest_titles(block(page, "latest"))) == 4
