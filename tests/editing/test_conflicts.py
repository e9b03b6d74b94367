"""Edit conflicts through the admin's forms: a stale save is refused, the form is
rebuilt on the current version, and only a save made after seeing it goes through."""

import pytest
from django.urls import reverse

from articles.models import Article, ArticleAuthor
from tests.editing.helpers import conflict_rows, page_data, resolved_data
from tests.factories import make_article, make_author, make_member, make_ticker_item
from tests.helpers import admin_form_data, change_url, client_for
from ticker.models import TickerItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def omar():
    return client_for(make_member("omar", "eindredacteur", first_name="Omar"))


@pytest.fixture
def samira():
    return client_for(
        make_member("samira", "eindredacteur", first_name="Samira", last_name="Bennani")
    )


def draft(**overrides):
    overrides.setdefault("status", Article.Status.DRAFT)
    overrides.setdefault("published_at", None)
    return make_article(**overrides)


def save(client, url, **overrides):
    return client.post(url, admin_form_data(client.get(url), **overrides))


def test_stale_save_is_refused_and_the_form_rebuilt_on_the_current_version(
    omar, samira
):
    article = draft(title="Oude kop", lead="Oude intro.")
    url = change_url(article)
    mine = omar.get(url)  # Omar opens the article ...
    assert save(samira, url, lead="Intro van Samira.").status_code == 302  # she saves

    stale = admin_form_data(mine, title="Kop van Omar")
    response = omar.post(url, stale)

    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.title, article.lead) == ("Oude kop", "Intro van Samira.")
    form = response.context["adminform"].form
    # The form now shows her intro, his own title, and the current version.
    assert form["lead"].value() == "Intro van Samira."
    assert form["title"].value() == "Kop van Omar"
    assert form["edit_version"].value() == str(article.version)
    rows = conflict_rows(response)
    assert list(rows) == ["title"]
    assert rows["title"].theirs == "Oude kop"
    assert rows["title"].mine == "Kop van Omar"
    assert not rows["title"].both_changed
    assert rows["title"].choice == "mine"  # only he changed it
    page = response.content.decode()
    assert "Samira Bennani heeft dit artikel opgeslagen" in page
    assert "Mijn versie houden" in page

    # The old form, sent again, is refused again: it never overwrites her intro.
    assert omar.post(url, stale).status_code == 200
    article.refresh_from_db()
    assert article.lead == "Intro van Samira."

    # Saving the rebuilt form keeps both changes.
    assert omar.post(url, resolved_data(response)).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.lead) == ("Kop van Omar", "Intro van Samira.")


def test_a_field_both_changed_must_be_chosen_knowingly(omar, samira):
    article = draft(body="<p>Eerste alinea.</p>")
    url = change_url(article)
    mine = omar.get(url)
    save(samira, url, body="<p>Eerste alinea.</p><p>Alinea van Samira.</p>")

    response = omar.post(
        url, admin_form_data(mine, body="<p>Eerste alinea, door Omar.</p>")
    )

    rows = conflict_rows(response)
    assert list(rows) == ["body"]
    assert rows["body"].both_changed
    assert rows["body"].choice == ""
    # Rich text is shown as text, paragraph by paragraph, not as HTML.
    assert rows["body"].theirs == "Eerste alinea.\nAlinea van Samira."
    assert "<p>" not in rows["body"].mine

    # No choice: refused, with the field marked.
    undecided = omar.post(url, resolved_data(response))
    assert undecided.status_code == 200
    assert "body" in undecided.context["adminform"].form.errors
    article.refresh_from_db()
    assert "Alinea van Samira." in article.body

    # "Take hers": her text is saved, even though the field still held his.
    taken = omar.post(url, resolved_data(undecided, _keep_body="theirs"))
    assert taken.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Eerste alinea.</p><p>Alinea van Samira.</p>"


def test_keeping_mine_knowingly_replaces_the_other_change(omar, samira):
    article = draft(lead="Oud.")
    url = change_url(article)
    mine = omar.get(url)
    save(samira, url, lead="Van Samira.")
    response = omar.post(url, admin_form_data(mine, lead="Van Omar."))

    kept = omar.post(url, resolved_data(response, _keep_lead="mine"))

    assert kept.status_code == 302
    article.refresh_from_db()
    assert article.lead == "Van Omar."


def test_a_third_save_during_the_resolution_is_caught_too(omar, samira):
    article = draft(title="Oud", lead="Oud.")
    url = change_url(article)
    mine = omar.get(url)
    save(samira, url, lead="Eerste van Samira.")
    response = omar.post(url, admin_form_data(mine, title="Kop van Omar"))
    save(samira, url, lead="Tweede van Samira.")  # while Omar is deciding

    again = omar.post(url, resolved_data(response))

    assert again.status_code == 200
    assert list(conflict_rows(again)) == ["title"]
    assert again.context["adminform"].form["lead"].value() == "Tweede van Samira."
    assert omar.post(url, resolved_data(again)).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.lead) == ("Kop van Omar", "Tweede van Samira.")


def test_a_form_without_its_version_saves_nothing(omar):
    article = draft(title="Oud")
    data = admin_form_data(omar.get(change_url(article)), title="Nieuw")
    del data["edit_version"]

    assert omar.post(change_url(article), data).status_code == 200
    article.refresh_from_db()
    assert article.title == "Oud"


def test_the_same_protection_on_ticker_items(omar, samira):
    item = make_ticker_item(headline="Oude kop")
    url = reverse("admin:ticker_tickeritem_change", args=[item.pk])
    mine = omar.get(url)
    assert save(samira, url, is_breaking="on").status_code == 302

    stale = admin_form_data(mine, headline="Kop van Omar")
    response = omar.post(url, stale)

    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.headline, item.is_breaking) == ("Oude kop", True)
    form = response.context["adminform"].form
    assert form["is_breaking"].value() is True  # hers, now in his form
    assert list(conflict_rows(response)) == ["headline"]
    assert omar.post(url, stale).status_code == 200  # the old form, again

    assert omar.post(url, resolved_data(response)).status_code == 302
    item.refresh_from_db()
    assert (item.headline, item.is_breaking) == ("Kop van Omar", True)


def test_ticker_headline_changed_by_both_is_chosen(omar, samira):
    item = make_ticker_item(headline="Oude kop")
    url = reverse("admin:ticker_tickeritem_change", args=[item.pk])
    mine = omar.get(url)
    save(samira, url, headline="Kop van Samira")
    response = omar.post(url, admin_form_data(mine, headline="Kop van Omar"))
    assert conflict_rows(response)["headline"].both_changed

    assert omar.post(url, resolved_data(response)).status_code == 200
    taken = omar.post(url, resolved_data(response, _keep_headline="theirs"))

    assert taken.status_code == 302
    assert TickerItem.objects.get(pk=item.pk).headline == "Kop van Samira"


def test_an_unchanged_save_after_a_conflict_keeps_the_other_version(omar, samira):
    article = draft(title="Oud", lead="Oud.")
    url = change_url(article)
    mine = omar.get(url)
    save(samira, url, title="Kop van Samira", lead="Intro van Samira.")

    response = omar.post(url, admin_form_data(mine))

    assert conflict_rows(response) == {}
    assert omar.post(url, resolved_data(response)).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.lead) == ("Kop van Samira", "Intro van Samira.")


def test_bylines_changed_by_someone_else_are_shown_and_kept(omar, samira):
    article = draft(authors=[make_author(name="Karim Amrani")])
    url = change_url(article)
    mine = omar.get(url)
    save(samira, url, **{"bylines-0-role": "foto"})

    response = omar.post(url, page_data(mine, title="Kop van Omar"))

    assert response.status_code == 200
    rebuilt = page_data(response)
    assert rebuilt["bylines-0-role"] == "foto"  # hers, not his stale copy
    assert "door u en door" not in response.content.decode()
    assert omar.post(url, resolved_data(response)).status_code == 302
    article.refresh_from_db()
    assert article.title == "Kop van Omar"
    assert ArticleAuthor.objects.get(article=article).role == "foto"


def test_bylines_changed_by_both_keep_mine_with_a_note(omar, samira):
    article = draft(authors=[make_author(name="Karim Amrani")])
    url = change_url(article)
    mine = omar.get(url)
    save(samira, url, **{"bylines-0-role": "foto"})

    response = omar.post(url, page_data(mine, **{"bylines-0-role": "tekst"}))

    assert "Auteursregels:</strong> door u en door Samira Bennani veranderd" in (
        response.content.decode()
    )
    assert ArticleAuthor.objects.get(article=article).role == "foto"
    assert omar.post(url, resolved_data(response)).status_code == 302
    assert ArticleAuthor.objects.get(article=article).role == "tekst"
