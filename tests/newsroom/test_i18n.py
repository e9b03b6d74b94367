"""The public pages' text goes through Django's translation machinery: with a
translation in which every text comes back changed, no Dutch text is left as it was.
"""

import re

import pytest
from django.utils.translation import trans_real

from newsroom.jinja2 import forget_translations
from tests.factories import make_article, make_author, make_section, make_ticker_item

pytestmark = pytest.mark.django_db

# Texts the pages printed as they stood in the templates and code.
KNOWN_TEXTS = [
    "Naar de inhoud",
    "Zoek in het nieuws",
    "Zoeken",
    "Voorpagina",
    "Archief",
    "Laatste nieuws",
    "Alle berichten",
    "Pauzeer",
    "RSS-feed",
    "Meer",
    "Net binnen",
    "Al het nieuws",
    "Alle artikelen in",
    "het laatste nieuws over Marokko",
    "Door",
    "Gepubliceerd:",
    "Meer uit de rubriek",
    "Meer over dit onderwerp",
    "Volg",
    "Rubriek",
    "Onderwerp",
    "Zoekresultaten",
    "Zoek in alle artikelen",
    "resultaat",
    "resultaten",
    "Geen resultaten voor",
    "Controleer de spelling.",
    "Typ een of meer woorden",
    "Pagina niet gevonden",
    "Breaking",
]


class MarkedTranslation:
    """The real Dutch translation, with every text it gives marked ⟦like this⟧."""

    def __init__(self, translation):
        self.translation = translation

    def gettext(self, message):
        return f"⟦{self.translation.gettext(message)}⟧"

    def ngettext(self, singular, plural, number):
        return f"⟦{self.translation.ngettext(singular, plural, number)}⟧"

    def __getattr__(self, name):
        return getattr(self.translation, name)


@pytest.fixture
def marked():
    missing = object()
    previous = getattr(trans_real._active, "value", missing)
    trans_real._active.value = MarkedTranslation(trans_real.translation("nl"))
    # The pages remember what gettext gave for "nl": the marked texts replace them.
    forget_translations()
    yield
    forget_translations()
    if previous is missing:
        del trans_real._active.value
    else:
        trans_real._active.value = previous


def untranslated(page):
    """Return the page's text outside ⟦translated⟧ parts, tags left out."""
    text = re.sub(r"⟦[^⟧]*⟧", " ", page)
    text = re.sub(r"<script.*?</script>", " ", text, flags=re.S)
    return re.sub(r"<[^>]*>", " ", text)


def assert_all_translated(page):
    words = set(re.findall(r"[\w:.-]+", untranslated(page)))
    left = [text for text in KNOWN_TEXTS if all(word in words for word in text.split())]
    assert not left, f"untranslated: {left}"


@pytest.fixture
def article():
    section = make_section(name="Politiek")
    make_ticker_item(headline="Aardbeving", is_breaking=True)
    return make_article(
        title="Nieuw plan",
        section=section,
        tags=["Rabat"],
        authors=[make_author(name="Anna"), make_author(name="Karim")],
    )


def test_front_page_and_article_texts_are_translated(client, marked, article):
    front = client.get("/").content.decode()
    page = client.get(article.get_absolute_url()).content.decode()

    assert "⟦Naar de inhoud⟧" in front
    assert 'placeholder="⟦Zoek in het nieuws⟧"' in front
    assert 'aria-label="⟦Openingsverhaal⟧"' in front
    assert "⟦Breaking⟧" in front
    assert '⟦Door <a href="' in page
    assert "Karim</a>⟧" in page
    assert '"name":"⟦Voorpagina⟧"' in page
    assert_all_translated(front)
    assert_all_translated(page)


def test_search_and_list_texts_are_translated(client, marked, article):
    found = client.get("/zoeken/", {"q": "plan"}).content.decode()
    none = client.get("/zoeken/", {"q": "xyzzy"}).content.decode()
    empty = client.get("/zoeken/").content.decode()
    section = client.get(article.section.get_absolute_url()).content.decode()
    missing = client.get("/bestaat-niet/").content.decode()

    assert "⟦1 resultaat voor <q>plan</q>⟧" in found
    assert "⟦Geen resultaten voor <q>xyzzy</q>⟧" in none
    for page in (found, none, empty, section, missing):
        assert_all_translated(page)


def test_values_in_a_translated_text_are_escaped_as_django_escapes_them(client, marked):
    make_article(title="Zoek <b>")

    page = client.get("/zoeken/", {"q": "\"'<b>"}).content.decode()

    assert "⟦Geen resultaten voor <q>&quot;&#x27;&lt;b&gt;</q>⟧" in page


def test_feeds_are_translated(client, marked, article):
    tag_feed = client.get("/tag/rabat/feed/").content.decode()
    ticker_feed = client.get("/laatste-nieuws/feed/").content.decode()

    assert "⟦Artikelen over Rabat.⟧" in tag_feed
    assert "Anna ⟦en⟧ Karim" in tag_feed
    assert "⟦Breaking: Aardbeving⟧" in ticker_feed
