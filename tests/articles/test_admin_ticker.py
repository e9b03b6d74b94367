"""From an article's change form to the ticker: a plain link, for who may use it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_member, make_ticker_item, make_user
from tests.helpers import admin_form_data, change_url
from ticker.models import TickerItem

pytestmark = pytest.mark.django_db

TICKER_ADD = reverse("admin:ticker_tickeritem_add")
LIVE = reverse("ticker:live")


def ticker_links(page):
    """Return (href, text) of the ticker links in the page's object tools."""
    return re.findall(r'<a href="([^"]*)" class="ticker-link[^"]*">([^<]*)</a>', page)


@pytest.fixture
def editor(client):
    user = make_member("eindredacteur", "eindredacteur")
    client.force_login(user)
    return user


def post_prefilled(client, url):
    """Open the ticker form at url and save it as it was filled in."""
    form = client.get(url)
    hidden = dict(re.findall(r'name="(initial-[^"]+)" value="([^"]*)"', form.text))
    return client.post(TICKER_ADD, {**admin_form_data(form), **hidden})


def test_editor_follows_the_link_to_a_ticker_form_filled_in_with_the_article(
    client, editor
):
    article = make_article(title="Koning opent nieuwe haven in Nador")

    page = client.get(change_url(article)).text

    [(href, label)] = ticker_links(page)
    assert label == "Naar de ticker"
    assert href == f"{TICKER_ADD}?article={article.pk}"
    # Next to the history link, outside the article form: it never submits it.
    link = page.index('class="ticker-link')
    assert (
        page.index('<ul class="object-tools">') < link < page.index('id="article_form"')
    )
    form = client.get(href).context["adminform"].form
    assert form.initial["headline"] == "Koning opent nieuwe haven in Nador"
    assert str(form.initial["article"]) == str(article.pk)


def test_the_filled_in_form_puts_the_article_on_the_ticker_linked_to_it(client, editor):
    article = make_article(title="Parlement stemt in met begroting")
    [(href, _)] = ticker_links(client.get(change_url(article)).text)

    response = post_prefilled(client, href)

    assert response.status_code == 302
    item = TickerItem.objects.get()
    assert item.article == article and item.is_visible
    assert item.headline == article.title
    body = client.get(LIVE).text
    assert f'href="{article.get_absolute_url()}">{article.title}</a>' in body


def test_an_article_on_the_ticker_links_to_its_item_instead(client, editor):
    article = make_article()
    item = make_ticker_item(headline=article.title, article=article)
    at = timezone.localtime(item.published_at).strftime("%H:%M")

    page = client.get(change_url(article)).text

    item_url = reverse("admin:ticker_tickeritem_change", args=[item.pk])
    assert ticker_links(page) == [(item_url, f"Staat in de ticker ({at})")]
    assert client.get(item_url).status_code == 200


def test_a_hidden_or_expired_item_does_not_count_as_on_the_ticker(client, editor):
    article = make_article()
    make_ticker_item(article=article, is_visible=False)
    make_ticker_item(article=article, expires_at=timezone.now() - timedelta(minutes=1))

    page = client.get(change_url(article)).text

    assert [label for _, label in ticker_links(page)] == ["Naar de ticker"]


def test_a_scheduled_article_says_so_and_its_item_waits_for_it(client, editor):
    at = timezone.now() + timedelta(hours=3)
    article = make_article(title="Onder embargo", published_at=at)

    [(href, label)] = ticker_links(client.get(change_url(article)).text)
    post_prefilled(client, href)

    assert label.startswith("Naar de ticker (ingepland: ")
    assert timezone.localtime(at).strftime("%H:%M") in label
    item = TickerItem.objects.get()
    assert item.published_at == at.replace(microsecond=0)
    assert item.reader_state() == TickerItem.State.SCHEDULED
    assert "Onder embargo" not in client.get(LIVE).text
    [(_, label)] = ticker_links(client.get(change_url(article)).text)
    assert label.startswith("Ingepland in de ticker: ")


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.KILLED, "kill_reason": "Onjuist."},
        {"expires_at": timezone.now() - timedelta(minutes=1)},
    ],
    ids=["draft", "review", "killed", "expired"],
)
def test_an_article_readers_cannot_see_has_no_ticker_link(client, editor, fields):
    article = make_article(**fields)

    page = client.get(change_url(article)).text

    assert ticker_links(page) == []
    assert "Naar de ticker" not in page


def test_a_user_without_ticker_permission_sees_no_ticker_link(client):
    user = make_user(
        "stagiair", perms=["articles.view_article", "articles.change_article"]
    )
    client.force_login(user)
    published = make_article()
    on_ticker = make_article()
    make_ticker_item(article=on_ticker)

    for article in (published, on_ticker):
        page = client.get(change_url(article))
        assert page.status_code == 200
        assert ticker_links(page.text) == []
        assert "in de ticker" not in page.text
