"""The editorial workflow in a real browser: write, submit, publish, read."""

import pytest

from articles.models import Article
from tests.browser import log_in_by_form
from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reporter_writes_editor_publishes_reader_reads(new_page, live_server):
    make_member("fatima", "verslaggever", first_name="Fatima")
    make_member("omar", "eindredacteur", first_name="Omar")

    # The reporter writes a draft and submits it for review.
    reporter = log_in_by_form(new_page, live_server, "fatima")
    reporter.goto(f"{live_server.url}/beheer/articles/article/add/")
    reporter.fill("#id_title", "Nieuwe tramlijn in Casablanca geopend")
    reporter.fill(
        "#id_lead", "De derde lijn verbindt het centrum met de wijk Sidi Moumen."
    )
    body = reporter.locator(".field-body .ProseMirror:visible").first
    body.click()
    reporter.keyboard.type("De tram rijdt vanaf vandaag elke zes minuten.")
    reporter.get_by_role("button", name="Ter beoordeling aanbieden").last.click()
    reporter.wait_for_selector(".messagelist")
    assert "wacht nu op beoordeling" in reporter.inner_text(".messagelist")
    assert reporter.get_by_role("button", name="Publiceren of inplannen").count() == 0

    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW
    assert "elke zes minuten" in article.body

    # The reader cannot see it yet.
    reader = new_page()
    assert reader.goto(live_server.url + article.get_absolute_url()).status == 404

    # The editor finds it on the dashboard and publishes it.
    editor = log_in_by_form(new_page, live_server, "omar")
    editor.get_by_role(
        "link", name="Nieuwe tramlijn in Casablanca geopend"
    ).first.click()
    editor.get_by_role("button", name="Publiceren of inplannen").last.click()
    editor.wait_for_selector(".messagelist")
    assert "is gepubliceerd" in editor.inner_text(".messagelist")

    # A reader sees it on the front page and can open it.
    reader.goto(f"{live_server.url}/")
    reader.get_by_role(
        "link", name="Nieuwe tramlijn in Casablanca geopend"
    ).first.click()
    reader.wait_for_selector("h1")
    assert reader.inner_text("h1") == "Nieuwe tramlijn in Casablanca geopend"
    assert "elke zes minuten" in reader.inner_text("main")
