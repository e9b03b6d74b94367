"""The dashboard's calendar in real Chromium: a week grid on a wide screen, an agenda
on a phone, and never a word broken letter by letter."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser import log_in
from tests.factories import make_article, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every word of every calendar entry on one line: a word whose range has two boxes
# was broken ("Filmmake r").
BROKEN_WORDS = """() => {
  const broken = [];
  for (const link of document.querySelectorAll('.dashboard-calendar li a')) {
    const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize(("width", "grid"), [(390, False), (1280, False), (1920, True)])
def test_the_calendar_never_breaks_words(new_context, live_server, width, grid):
    tomorrow = timezone.localtime() + timedelta(days=1)
    for hour, title in [
        (8, "Verkiezingsuitslag: de analyse"),
        (10, "Filmmaker Nabil Ayouch over zijn nieuwe speelfilm"),
        (12, "Waterschaarste: Agadir rantsoeneert drinkwatervoorziening"),
    ]:
        make_article(title=title, published_at=tomorrow.replace(hour=hour, minute=0))
    editor = make_member("omar", "eindredacteur")
    page = log_in(new_context(width=width, height=900), editor, live_server.url)
    page = page.new_page()
    page.goto(live_server.url + reverse("admin:index"))

    days = page.locator(".dashboard-day:visible")
    columns = page.evaluate(
        "getComputedStyle(document.querySelector('.dashboard-calendar'))"
        ".gridTemplateColumns.split(' ').length"
    )
    assert columns == (7 if grid else 1)
    if not grid:
        # The agenda: today and the day with something planned, nothing empty.
        assert days.count() == 2
    assert page.locator(".dashboard-calendar li").count() == 3
    assert page.evaluate(BROKEN_WORDS) == []
    # Whole titles on hover.
    assert page.locator(".dashboard-calendar li a").first.get_attribute("title")
