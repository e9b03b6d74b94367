"""The byline picker in real Chromium: namesakes with a second line, and the
reporter's own author filled in on a new article."""

import pytest
from django.urls import reverse

from tests.browser import log_in
from tests.factories import make_author, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_namesakes_are_told_apart_in_the_picker(new_context, live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    fatima = make_member("fatima", "verslaggever", email="fatima@marokkonieuws.nl")
    make_author(name="Fatima El Amrani", user=fatima)
    make_author(name="Fatima El Amrani", bio="Freelance fotograaf in Agadir.")
    page = log_in(new_context(), fatima, live_server.url).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + reverse("admin:articles_article_add"))

    chosen = page.locator("#bylines-group .select2-selection__rendered").first
    assert chosen.inner_text().strip().lstrip("×").strip() == "Fatima El Amrani"
    page.locator("#bylines-group .select2-selection").first.click()
    page.locator(".select2-search__field").fill("Fatima")
    details = page.locator(".select2-results .author-choice__detail")
    details.first.wait_for()
    assert sorted(details.all_inner_texts()) == [
        "Freelance fotograaf in Agadir.",
        "Verslaggever · @marokkonieuws.nl",
    ]
    names = page.locator(".select2-results .author-choice__name").all_inner_texts()
    assert names == ["Fatima El Amrani", "Fatima El Amrani"]
    assert errors == []
