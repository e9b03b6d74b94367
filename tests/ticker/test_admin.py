"""The ticker admin: fast to add, shows what readers see, reporters only propose."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_member, make_ticker_item
from tests.helpers import admin_form_data
from ticker.models import HEADLINE_MAX_LENGTH, TickerItem

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:ticker_tickeritem_changelist")
ADD = reverse("admin:ticker_tickeritem_add")
ARTICLES = reverse("admin:articles_article_changelist")
LIVE = reverse("ticker:live")


def change_url(item):
    return reverse("admin:ticker_tickeritem_change", args=[item.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def editor(client):
    user = make_member("eindredacteur", "eindredacteur")
    client.force_login(user)
    return user


@pytest.fixture
def reporter(client):
    user = make_member("verslaggever", "verslaggever")
    client.force_login(user)
    return user


def changelist_data(items, **fields):
    """Return the POST data of the change list's quick-edit form for items."""
    data = {
        "form-TOTAL_FORMS": str(len(items)),
        "form-INITIAL_FORMS": str(len(items)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Opslaan",
    }
    for index, item in enumerate(items):
        values = {
            "id": item.pk,
            "headline": item.headline,
            "is_breaking": item.is_breaking,
            "is_visible": item.is_visible,
            **fields,
        }
        for name, value in values.items():
            if value is True:
                data[f"form-{index}-{name}"] = "on"
            elif value is not False:
                data[f"form-{index}-{name}"] = str(value)
    return data


# Adding, fast


def add_item(client, **fields):
    """Post the add form as a browser would, with fields filled in."""
    form = client.get(ADD)
    # The hidden copies of callable defaults tell the form what the editor changed.
    hidden = dict(re.findall(r'name="(initial-[^"]+)" value="([^"]*)"', form.text))
    return client.post(ADD, {**admin_form_data(form), **hidden, **fields})


def test_only_the_headline_is_needed_to_publish_now(client, editor):
    before = timezone.now()

    response = add_item(client, headline="Parlement stemt in met begroting")

    assert response.status_code == 302
    item = TickerItem.objects.get()
    assert item.headline == "Parlement stemt in met begroting"
    assert item.is_visible and not item.is_breaking
    assert item.created_by == editor
    assert before <= item.published_at <= timezone.now()
    assert "Parlement stemt in" in client.get(LIVE).text


def test_the_add_form_starts_with_the_headline_and_autocompletes_articles(
    client, editor
):
    page = client.get(ADD).text

    fields = re.findall(r'name="(headline|is_breaking|article|url)"', page)
    assert list(dict.fromkeys(fields)) == ["headline", "is_breaking", "article", "url"]
    assert re.search(r'<select name="article"[^>]*admin-autocomplete', page)
    assert 'data-field-name="article"' in page
    assert 'maxlength="160"' not in page


def test_an_unchanged_time_in_an_old_add_form_means_now(client, editor):
    opened = client.get(ADD)
    hidden = dict(re.findall(r'name="(initial-[^"]+)" value="([^"]*)"', opened.text))
    assert set(hidden) == {"initial-published_at_0", "initial-published_at_1"}
    data = {**admin_form_data(opened, headline="Late inzending"), **hidden}
    later = timezone.now() + timedelta(minutes=20)

    with time_machine.travel(later, tick=False):
        client.post(ADD, data)

    assert TickerItem.objects.get().published_at == later


def test_a_time_in_the_future_schedules_the_item(client, editor):
    when = timezone.localtime() + timedelta(hours=2)

    add_item(
        client,
        headline="Ingepland",
        published_at_0=when.strftime("%d-%m-%Y"),
        published_at_1=when.strftime("%H:%M:%S"),
    )

    item = TickerItem.objects.get()
    assert item.reader_state() == TickerItem.State.SCHEDULED
    assert "Ingepland" not in client.get(LIVE).text


def test_too_long_headline_gets_a_clear_form_error(client, editor):
    response = client.post(ADD, {"headline": "x" * (HEADLINE_MAX_LENGTH + 5)})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["headline"]
    assert errors == [
        "Zorg dat deze waarde niet meer dan 160 tekens bevat (het zijn er nu 165)."
    ]
    assert not TickerItem.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x"])
def test_non_http_links_get_a_form_error(client, editor, url):
    response = client.post(ADD, {"headline": "Link", "url": url})

    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    assert not TickerItem.objects.exists()


def test_a_link_without_scheme_is_taken_as_https(client, editor):
    client.post(ADD, {"headline": "Link", "url": "example.org/bron"})

    assert TickerItem.objects.get().url == "https://example.org/bron"


def test_article_and_url_together_get_a_form_error(client, editor):
    article = make_article()

    response = client.post(
        ADD, {"headline": "Beide", "article": article.pk, "url": "https://a.nl/"}
    )

    assert response.context["adminform"].form.errors["url"] == [
        "Kies een artikel óf een externe link, niet beide."
    ]


def test_autocomplete_finds_the_article(client, editor):
    article = make_article(title="Marokko bouwt AI-datacenter")
    make_article(title="Iets anders")

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "ticker",
            "model_name": "tickeritem",
            "field_name": "article",
            "term": "datacenter",
        },
    )

    assert response.json()["results"] == [
        {"id": str(article.pk), "text": "Marokko bouwt AI-datacenter"}
    ]


def test_add_form_from_an_article_fills_in_its_title(client, editor):
    article = make_article(title="Koning opent haven")

    form = client.get(ADD, {"article": article.pk}).context["adminform"].form

    assert form.initial["headline"] == "Koning opent haven"


def test_add_form_from_a_scheduled_article_waits_for_the_article(client, editor):
    at = timezone.now() + timedelta(hours=2)
    article = make_article(title="Onder embargo", published_at=at)
    form = client.get(ADD, {"article": article.pk})
    hidden = dict(re.findall(r'name="(initial-[^"]+)" value="([^"]*)"', form.text))

    client.post(ADD, {**admin_form_data(form), **hidden})

    item = TickerItem.objects.get()
    assert item.article == article
    assert item.published_at == at.replace(microsecond=0)
    assert "Onder embargo" not in client.get(LIVE).text


# The change list shows what readers see


def test_changelist_shows_each_items_reader_state(client, editor, settings):
    settings.TICKER_ITEMS = 1
    now = timezone.now()
    make_ticker_item(headline="Loopt", published_at=now - timedelta(minutes=1))
    make_ticker_item(headline="Ouder", published_at=now - timedelta(minutes=2))
    make_ticker_item(headline="Straks", published_at=now + timedelta(hours=1))
    make_ticker_item(headline="Weg", expires_at=now - timedelta(minutes=1))
    make_ticker_item(headline="Stil", is_visible=False)

    page = client.get(CHANGELIST).text
    states = dict(
        re.findall(
            r'name="form-\d+-headline"[^>]*>\s*([^<]+?)\s*</textarea>'
            r".*?ticker-state--(\w+)",
            page,
            re.S,
        )
    )

    assert states == {
        "Straks": "scheduled",
        "Loopt": "live",
        "Ouder": "archived",
        "Weg": "expired",
        "Stil": "hidden",
    }
    assert "in de ticker" in page and "alleen in het archief" in page


def test_changelist_filters_by_reader_state(client, editor):
    make_ticker_item(headline="Loopt")
    make_ticker_item(headline="Stil", is_visible=False)

    page = client.get(CHANGELIST, {"state": "hidden"}).text

    # Headlines are edited in the list in boxes that show them whole.
    assert ">\nStil</textarea>" in page and ">\nLoopt</textarea>" not in page


def test_quick_edit_in_the_list_updates_the_ticker_at_once(client, editor):
    item = make_ticker_item(headline="Tikfout")
    assert "Tikfout" in client.get(LIVE).text

    response = client.post(
        CHANGELIST, changelist_data([item], headline="Geen tikfout", is_breaking=True)
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.headline == "Geen tikfout" and item.is_breaking
    assert "Geen tikfout" in client.get(LIVE).text


# Bulk actions, which update without signals


def run_action(client, action, items):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [item.pk for item in items]},
    )


def test_hide_action_takes_items_off_the_ticker_at_once(client, editor):
    items = [make_ticker_item(headline=f"Weg {n}") for n in range(2)]
    keep = make_ticker_item(headline="Blijft")
    assert "Weg 0" in client.get(LIVE).text

    response = run_action(client, "hide", items)

    assert response.status_code == 302
    assert messages_of(response) == ["2 berichten verborgen."]
    assert not TickerItem.objects.filter(pk__in=[i.pk for i in items], is_visible=True)
    body = client.get(LIVE).text
    assert "Weg 0" not in body and "Weg 1" not in body and keep.headline in body
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 2


def test_expire_now_keeps_items_in_the_archive(client, editor):
    item = make_ticker_item(headline="Verloopt nu")
    scheduled = make_ticker_item(
        headline="Nog niet", published_at=timezone.now() + timedelta(hours=1)
    )
    assert "Verloopt nu" in client.get(LIVE).text

    response = run_action(client, "expire_now", [item, scheduled])

    item.refresh_from_db()
    assert item.reader_state() == TickerItem.State.EXPIRED
    assert "Verloopt nu" not in client.get(LIVE).text
    assert "Verloopt nu" in client.get(reverse("ticker:archive")).text
    scheduled.refresh_from_db()
    assert scheduled.expires_at is None
    assert any("overgeslagen" in message for message in messages_of(response))


def test_make_visible_publishes_proposals(client, editor):
    proposal = make_ticker_item(headline="Voorstel", is_visible=False)
    client.get(LIVE)

    run_action(client, "make_visible", [proposal])

    assert "Voorstel" in client.get(LIVE).text


# Reporters propose, editors publish


def test_a_reporters_new_item_is_saved_hidden(client, reporter):
    response = client.post(ADD, {"headline": "Mijn voorstel", "is_visible": "on"})

    item = TickerItem.objects.get()
    assert not item.is_visible
    assert item.created_by == reporter
    assert "Mijn voorstel" not in client.get(LIVE).text
    assert any("voorstel" in message for message in messages_of(response))


def test_a_reporter_sees_the_visibility_read_only(client, reporter):
    form = client.get(ADD).context["adminform"].form

    assert "is_visible" not in form.fields


def test_a_reporter_cannot_make_a_proposal_visible(client, reporter):
    proposal = make_ticker_item(
        headline="Voorstel", is_visible=False, created_by=reporter
    )

    edit = client.get(change_url(proposal))
    assert edit.status_code == 200
    client.post(
        change_url(proposal),
        admin_form_data(edit, headline="Voorstel, bijgewerkt", is_visible="on"),
    )
    proposal.refresh_from_db()
    client.post(CHANGELIST, changelist_data([proposal], is_visible=True))
    run_action(client, "make_visible", [proposal])

    proposal.refresh_from_db()
    assert proposal.headline == "Voorstel, bijgewerkt"
    assert not proposal.is_visible


def test_a_reporter_cannot_change_or_delete_what_readers_see(client, reporter):
    item = make_ticker_item(headline="Staat live")

    page = client.get(change_url(item))
    assert page.status_code == 200 and 'name="headline"' not in page.text
    assert client.post(change_url(item), {"headline": "Gekaapt"}).status_code == 403
    client.post(CHANGELIST, changelist_data([item], headline="Gekaapt"))
    run_action(client, "hide", [item])
    run_action(client, "delete_selected", [item])

    item.refresh_from_db()
    assert item.headline == "Staat live" and item.is_visible


def test_reporters_are_not_offered_the_publishing_actions(client, reporter):
    make_ticker_item(is_visible=False)

    form = client.get(CHANGELIST).context["action_form"]

    actions = dict(form.fields["action"].choices) if form else {}
    assert {"hide", "expire_now", "make_visible"}.isdisjoint(actions)


# Push an article to the ticker


def push(client, *articles):
    return client.post(
        ARTICLES,
        {
            "action": "push_to_ticker",
            "_selected_action": [article.pk for article in articles],
        },
    )


def test_an_editor_pushes_an_article_to_the_ticker_in_one_step(client, editor):
    article = make_article(title="Koning opent nieuwe haven in Nador")

    response = push(client, article)

    assert response.status_code == 302
    item = TickerItem.objects.get()
    assert item.headline == article.title and item.article == article
    assert item.is_visible and item.created_by == editor
    body = client.get(LIVE).text
    assert f'href="{article.get_absolute_url()}">{article.title}</a>' in body

    again = push(client, article)
    assert TickerItem.objects.count() == 1
    assert any("Staat al in de ticker" in m for m in messages_of(again))


def test_pushing_a_scheduled_article_schedules_the_item_and_drafts_are_skipped(
    client, editor
):
    at = timezone.now() + timedelta(hours=3)
    scheduled = make_article(title="Onder embargo", published_at=at)
    draft = make_article(title="Nog een concept", status=Article.Status.DRAFT)

    response = push(client, scheduled, draft)

    item = TickerItem.objects.get()
    assert item.article == scheduled and item.published_at == at
    assert any("Nog een concept" in m for m in messages_of(response))


def test_a_long_article_title_is_shortened_to_fit(client, editor):
    article = make_article(title="Lang " * 40)

    push(client, article)

    headline = TickerItem.objects.get().headline
    assert len(headline) == HEADLINE_MAX_LENGTH and headline.endswith("…")


def test_a_reporter_push_becomes_a_hidden_proposal(client, reporter):
    article = make_article(title="Eigen verhaal")

    push(client, article)

    item = TickerItem.objects.get()
    assert item.article == article and not item.is_visible


def test_a_reporter_cannot_rewrite_a_colleagues_hidden_proposal(client, reporter):
    colleague = make_member("youssef", "verslaggever")
    theirs = make_ticker_item(
        headline="Voorstel van Youssef", is_visible=False, created_by=colleague
    )
    mine = make_ticker_item(
        headline="Mijn voorstel", is_visible=False, created_by=reporter
    )

    page = client.get(change_url(theirs))
    assert page.status_code == 200 and 'name="headline"' not in page.text
    response = client.post(change_url(theirs), {"headline": "Herschreven"})
    assert response.status_code == 403
    client.post(
        CHANGELIST,
        changelist_data([theirs, mine], headline="Herschreven in de lijst"),
    )

    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.headline == "Voorstel van Youssef"
    assert mine.headline == "Herschreven in de lijst"  # their own stays theirs to edit


def test_headlines_are_edited_in_boxes_that_show_them_whole(client, editor):
    long = "Marokko en Spanje openen grensovergang bij Ceuta weer " * 2
    item = make_ticker_item(headline=long.strip())
    listing = client.get(CHANGELIST).text
    form = client.get(change_url(item))
    for page in (listing, form.text):
        box = re.search(r"<textarea[^>]*headline[^>]*>\n([^<]*)</textarea>", page)
        assert box and box[1] == item.headline
        assert 'class="ticker-headline-input"' in box[0]
        assert "maxlength" not in box[0]
    # A line break typed into the box does not reach readers.
    response = client.post(
        change_url(item),
        {**admin_form_data(form), "headline": "Grens bij Ceuta\r\nweer open"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.headline == "Grens bij Ceuta weer open"


def test_the_list_has_five_columns_and_labelled_switches(client, editor):
    article = make_article(title="Grens bij Ceuta weer open")
    make_ticker_item(
        headline="Grens open", article=article, is_breaking=True, created_by=editor
    )
    page = client.get(CHANGELIST).text

    head = page.split("<thead>")[1].split("</thead>")[0]
    labels = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    ]
    assert labels == ["", "Tijd", "Kop", "Wat lezers zien", "Breaking", "Zichtbaar"]
    # The link and who made it go with the state, whole on hover.
    state = re.search(r'<td class="field-reader_state">(.*?)</td>', page, re.S)[1]
    assert 'title="Grens bij Ceuta weer open"' in state
    assert "door eindredacteur" in state
    # Each switch carries its own label (shown on a phone, read out everywhere).
    for name, label in [("is_breaking", "breaking"), ("is_visible", "zichtbaar")]:
        assert re.search(
            rf'<label class="list-check"><input type="checkbox" name="form-0-{name}"'
            rf'[^>]*checked[^>]*> <span class="list-check__label">{label}</span>',
            page,
        )
