"""Search at /zoeken/: ranking, stemming, highlighting, paging and hostile input."""

from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article
from articles.search import fulltext, postgres, sqlite
from tests.factories import make_article, make_member
from tests.helpers import admin_form_data

pytestmark = pytest.mark.django_db


def rank_at_most(monkeypatch, count):
    """Rank only the newest count matches, on either database."""
    for module in (postgres, sqlite):
        monkeypatch.setattr(module, "SEARCH_CANDIDATES", count)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search (set DATABASE_URL=postgres://...)",
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's FTS5 index (migration 0009)"
)


def titles(response):
    return [article.title for article in response.context_data["object_list"]]


def test_finds_published_articles_by_title_lead_and_body(client):
    make_article(title="Koning opent nieuwe haven", lead="", body="")
    make_article(title="Tweede bericht", lead="Over de haven van Tanger.", body="")
    make_article(title="Derde bericht", lead="", body="<p>Schepen in de haven.</p>")
    make_article(title="Over iets anders", lead="Geen treffer.", body="<p>Niets.</p>")

    response = client.get("/zoeken/", {"q": "haven"})

    assert response.status_code == 200
    assert sorted(titles(response)) == [
        "Derde bericht",
        "Koning opent nieuwe haven",
        "Tweede bericht",
    ]


def test_title_match_ranks_above_lead_and_body_matches(client):
    now = timezone.now()
    # The newest articles mention the word only in the body or the lead.
    make_article(
        title="Bericht uit Rabat",
        lead="Iets over de begroting.",
        body="<p>Ook de datacenter-plannen kwamen ter sprake: een datacenter.</p>",
        published_at=now - timedelta(minutes=1),
    )
    make_article(
        title="Nieuws uit Casablanca",
        lead="Een nieuw datacenter in de haven.",
        body="<p>Over de haven.</p>",
        published_at=now - timedelta(minutes=2),
    )
    make_article(
        title="Marokko krijgt een datacenter",
        lead="Een groot project.",
        body="<p>De bouw begint volgend jaar.</p>",
        published_at=now - timedelta(days=3),
    )

    response = client.get("/zoeken/", {"q": "datacenter"})

    assert titles(response) == [
        "Marokko krijgt een datacenter",
        "Nieuws uit Casablanca",
        "Bericht uit Rabat",
    ]


@postgres_only
def test_dutch_stemming_finds_other_word_forms(client):
    make_article(title="Marokko krijgt AI-datacenter", lead="", body="")
    make_article(title="Nieuwe spoorlijnen", lead="", body="<p>De trein rijdt.</p>")

    plural = client.get("/zoeken/", {"q": "datacenters"})
    singular = client.get("/zoeken/", {"q": "spoorlijn"})

    assert titles(plural) == ["Marokko krijgt AI-datacenter"]
    assert titles(singular) == ["Nieuwe spoorlijnen"]


@postgres_only
def test_websearch_syntax_phrases_and_exclusion(client):
    make_article(title="Droogte treft boeren in de Souss", lead="", body="")
    make_article(title="Boeren krijgen steun", lead="", body="<p>Na de droogte.</p>")

    phrase = client.get("/zoeken/", {"q": '"droogte treft"'})
    without = client.get("/zoeken/", {"q": "boeren -souss"})

    assert titles(phrase) == ["Droogte treft boeren in de Souss"]
    assert titles(without) == ["Boeren krijgen steun"]


@postgres_only
def test_postgres_uses_the_gin_index():
    make_article(title="Datacenter", lead="", body="")
    query = SearchQuery("datacenters", search_type="websearch", config="dutch")
    # The stored document (migration 0008), which search_articles() matches on.
    matches = Article.objects.alias(document=postgres.SearchDocument()).filter(
        document=query
    )

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = matches.explain()

    assert "article_search_idx" in plan


@postgres_only
@pytest.mark.parametrize("index_first", [True, False])
def test_postgres_finds_the_same_newest_candidates_from_either_index(
    client, monkeypatch, index_first
):
    rank_at_most(monkeypatch, 3)
    monkeypatch.setattr(postgres, "index_first", lambda articles, matches: index_first)
    now = timezone.now()
    for hours in range(1, 6):
        make_article(
            title=f"Karavaan {hours}", published_at=now - timedelta(hours=hours)
        )
    make_article(title="Iets anders", published_at=now - timedelta(minutes=5))

    found = titles(client.get("/zoeken/", {"q": "karavaan"}))

    # The three newest matches, equally relevant: newest first.
    assert found == ["Karavaan 1", "Karavaan 2", "Karavaan 3"]


@postgres_only
def test_postgres_starts_from_the_search_index_only_for_a_word_in_few_articles(
    monkeypatch,
):
    rank_at_most(monkeypatch, 1)
    for n in range(60):
        word = "karavaan" if n < 2 else "markt"
        make_article(title=f"Bericht {n}", lead=f"Over de {word}.", body="")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    published = Article.objects.for_listing().defer(None)

    def index_first(word):
        query = SearchQuery(word, search_type="websearch", config="dutch")
        matches = published.alias(document=postgres.SearchDocument()).filter(
            document=query
        )
        return postgres.index_first(published, matches)

    # 2 matches: sorting them beats reading the newest articles until one matches.
    # 58 of 60: the newest article almost always matches; the walk wins.
    assert index_first("karavaan")
    assert not index_first("markt")


@postgres_only
def test_postgres_snippet_highlights_stemmed_matches_and_escapes_the_rest(client):
    make_article(
        title="Bouw begint",
        lead="De regering & het bedrijf <b>tekenen</b>.",
        body="<p>Twee nieuwe datacenters komen bij Tanger.</p>",
    )

    response = client.get("/zoeken/", {"q": "datacenter"})
    html = response.content.decode()

    assert "<mark>datacenters</mark>" in html
    # PostgreSQL's parser leaves tag-like text out of the headline; the rest is
    # escaped.
    assert "regering &amp; het bedrijf" in html
    assert "<b>tekenen" not in html


def test_results_without_lead_or_body_cost_no_query_each(
    client, django_assert_num_queries
):
    for n in range(3):
        make_article(title=f"Zandstorm {n}", lead="", body="")
    make_article(title="Zandstorm in de Sahara", lead="De wind.", body="<p>Zand.</p>")

    client.get("/zoeken/", {"q": "iets"})  # the ticker is cached from then on
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 3):
        response = client.get("/zoeken/", {"q": "zandstorm"})

    assert len(response.context_data["object_list"]) == 4
    assert "De wind. Zand." in response.content.decode()


@sqlite_only
def test_sqlite_searches_its_fts5_index_title_first_and_finds_plurals(client):
    assert fulltext.is_ready(connection)
    now = timezone.now()
    # Newer, but the word only in the body; "datacentrum" shares no prefix.
    make_article(
        title="Bericht",
        lead="",
        body="<p>Een datacenter erbij.</p>",
        published_at=now - timedelta(minutes=1),
    )
    make_article(title="Een datacentrum", lead="", body="", published_at=now)
    make_article(
        title="Nieuw datacenter in Tanger",
        lead="",
        body="",
        published_at=now - timedelta(days=2),
    )

    response = client.get("/zoeken/", {"q": "datacenters"})

    assert titles(response) == ["Nieuw datacenter in Tanger", "Bericht"]


def fts_expression(text):
    """The FTS5 query that SQLite search runs for text."""
    sql, params = sqlite.fts_query_sql(search.clean_query(text))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


@sqlite_only
def test_sqlite_matches_a_word_exactly_where_no_other_word_starts_with_it():
    assert fulltext.has_vocabulary(connection)
    make_article(title="Nieuw datacenter in Tanger", lead="", body="")
    make_article(title="Twee datacenters", lead="", body="<p>Mandarijnen.</p>")

    # The same articles either way: "datacenter"* also finds "datacenters".
    assert fts_expression("datacenter nieuw") == '"datacenter"* AND "nieuw"'
    assert fts_expression("Mandarijn tange") == '"mandarijn"* AND "tange"*'
    assert fts_expression("onbekend") == '"onbekend"'
    # Only plain ASCII is looked up: the tokenizer folds the rest.
    assert fts_expression("Tangér") == '"tangér"*'


@sqlite_only
def test_sqlite_search_folds_case_and_diacritics_and_needs_every_word(client):
    make_article(title="Akkoord met Mauritanië", lead="", body="<p>Over vis.</p>")
    make_article(title="Akkoord met Senegal", lead="", body="<p>Over vis.</p>")

    folded = client.get("/zoeken/", {"q": "MAURITANIE"})
    both = client.get("/zoeken/", {"q": "akkoord mauritanie"})

    assert titles(folded) == titles(both) == ["Akkoord met Mauritanië"]
    assert "Akkoord met <mark>Mauritanië</mark>" in folded.content.decode()


@sqlite_only
def test_sqlite_search_ranks_title_above_lead_above_body(client):
    now = timezone.now()
    make_article(
        title="Derde",
        lead="",
        body="<p>Over de olijfoogst.</p>",
        published_at=now,
    )
    make_article(
        title="Tweede",
        lead="De olijfoogst valt mee.",
        body="",
        published_at=now - timedelta(hours=1),
    )
    make_article(
        title="Olijfoogst valt mee",
        lead="",
        body="",
        published_at=now - timedelta(hours=2),
    )

    response = client.get("/zoeken/", {"q": "olijfoogst"})

    assert titles(response) == ["Olijfoogst valt mee", "Tweede", "Derde"]


@pytest.mark.parametrize(
    "query",
    [
        '"olijven',
        'olijven"',
        "olijven AND",
        "OR olijven",
        "NOT olijven",
        "olijven NEAR(oogst van, 2)",
        "NEAR olijven",
        "olijven*",
        "*olijven",
        "^olijven",
        "(olijven",
        "olijven)",
        "olijven:",
        "{}: olijven",
        "- olijven",
        "olijven -",
        "__ olijven",
        "+olijven",
    ],
)
def test_query_syntax_typed_by_a_reader_is_just_words(client, query):
    # Every word must match: the words of FTS5's syntax are in the text too.
    make_article(title="Oogst van olijven: and, or, not, near", lead="", body="")
    make_article(title="Iets anders", lead="", body="")

    response = client.get("/zoeken/", {"q": query})

    assert response.status_code == 200
    if connection.vendor == "sqlite":
        # PostgreSQL's websearch syntax has its own meaning for "-" and quotes.
        assert titles(response) == ["Oogst van olijven: and, or, not, near"]


@pytest.mark.parametrize("query", ["-", "AND", "OR", "NEAR", '"', "*", "^", "()"])
def test_lone_operators_are_answered(client, query):
    make_article(title="AND OR NEAR in een titel")

    response = client.get("/zoeken/", {"q": query})

    assert response.status_code == 200


def test_fts_query_quotes_every_word_and_stems_it():
    query = search.clean_query('Datacenters "OR" NEAR(x* ^y) -')

    assert sqlite.fts_query(query) == ('"datacenter"* AND "or"* AND "near"*')
    assert sqlite.fts_query(search.clean_query("__ -")) == ""


def test_unpublished_expired_and_killed_articles_are_never_found(client):
    now = timezone.now()
    found = make_article(title="Zichtbaar: sardines")
    make_article(title="Concept: sardines", status=Article.Status.DRAFT)
    make_article(title="Review: sardines", status=Article.Status.REVIEW)
    make_article(title="Later: sardines", published_at=now + timedelta(hours=1))
    make_article(
        title="Verlopen: sardines",
        published_at=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )
    make_article(title="Ingetrokken: sardines", status=Article.Status.KILLED)

    response = client.get("/zoeken/", {"q": "sardines"})

    assert titles(response) == [found.title]


def test_an_article_edited_in_the_admin_is_found_by_its_new_words(client):
    article = make_article(
        title="Oude kop over tomaten", lead="Tomaten uit Agadir.", body="<p>Oud.</p>"
    )
    client.force_login(make_member("omar", "eindredacteur"))
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url)
    form = admin_form_data(
        page,
        title="Nieuwe kop over aardbeien",
        lead="Aardbeien uit Larache.",
        body="<p>Nieuw: de aardbeienoogst.</p>",
        change_kind="minor",
    )

    response = client.post(url, form)
    client.logout()

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert titles(client.get("/zoeken/", {"q": "aardbeien larache"})) == [
        "Nieuwe kop over aardbeien"
    ]
    assert titles(client.get("/zoeken/", {"q": "aardbeienoogst"})) == [
        "Nieuwe kop over aardbeien"
    ]
    assert titles(client.get("/zoeken/", {"q": "tomaten"})) == []
    assert titles(client.get("/zoeken/", {"q": "agadir"})) == []


def test_a_deleted_article_is_no_longer_found(client):
    kept = make_article(title="Vijgen uit de Rif")
    make_article(title="Vijgen uit de Souss").delete()

    assert titles(client.get("/zoeken/", {"q": "vijgen"})) == [kept.title]


def test_a_workflow_change_keeps_the_article_findable(client):
    article = make_article(title="Dadels uit Erfoud")
    article.status = Article.Status.KILLED
    article.save()
    assert titles(client.get("/zoeken/", {"q": "dadels"})) == []

    article.status = Article.Status.PUBLISHED
    article.save()
    assert titles(client.get("/zoeken/", {"q": "dadels"})) == ["Dadels uit Erfoud"]


def test_the_count_of_many_results_stays_capped(client, settings):
    # One page past the paginator's look-ahead (ArticlePaginator.LOOK_AHEAD).
    cap = 11 * settings.NEWSROOM_PAGE_SIZE
    now = timezone.now()
    for n in range(cap + 5):
        make_article(title=f"Granaatappel {n}", published_at=now - timedelta(minutes=n))

    response = client.get("/zoeken/", {"q": "granaatappels"})
    paginator = response.context_data["paginator"]

    assert response.status_code == 200
    assert paginator.truncated
    assert paginator.count == cap
    assert len(response.context_data["object_list"]) == settings.NEWSROOM_PAGE_SIZE


def _fig_articles(now, count, **overrides):
    """count articles about figs, one a day back from yesterday, written oldest
    first (ids grow with time, as in an archive), the word only in the body."""
    return [
        make_article(
            title=f"Oogstbericht {n}",
            lead="Over de oogst.",
            body="<p>De vijgen zijn rijp.</p>",
            published_at=now - timedelta(days=count - n),
            **overrides,
        )
        for n in range(count)
    ]


def test_only_the_newest_candidates_are_ranked(client, monkeypatch):
    rank_at_most(monkeypatch, 3)
    now = timezone.now()
    best = make_article(
        title="Vijgen, vijgen en nog eens vijgen",
        lead="Vijgen uit de Souss.",
        published_at=now - timedelta(days=30),
    )
    figs = _fig_articles(now, 8)  # more than the pool: 2 x 3 newest ids

    # The best match by far is too old to be a candidate; the three newest are
    # ranked among themselves (equal ranks: newest first).
    assert titles(client.get("/zoeken/", {"q": "vijgen"})) == [
        figs[7].title,
        figs[6].title,
        figs[5].title,
    ]
    assert best.title not in titles(client.get("/zoeken/", {"q": "vijgen"}))


# On SQLite "vijgen" is the prefix "vijg"* (the late articles read in one walk),
# "rijp" the word itself (each late article looked up).
@pytest.mark.parametrize("word", ["vijgen", "rijp"])
def test_candidates_go_by_publication_time_not_by_id(client, monkeypatch, word):
    rank_at_most(monkeypatch, 3)
    now = timezone.now()
    # Written first (the lowest id, far below the pool of newest ids), published
    # last: an embargoed article, or a draft that waited.
    late = make_article(
        title="Vijgen op de markt van Agadir zijn rijp",
        body="<p>Vijgen.</p>",
        status=Article.Status.DRAFT,
        published_at=None,
    )
    figs = _fig_articles(now, 8)
    late.status = Article.Status.PUBLISHED
    late.published_at = now - timedelta(minutes=5)
    late.save()
    # Written last (the highest id) with an old date: backdated, too old to be a
    # candidate for a common word, and found by its own words.
    backdated = make_article(
        title="Vijgen in de jaren zeventig: een terugblik op de Souss",
        published_at=now - timedelta(days=400),
    )

    found = titles(client.get("/zoeken/", {"q": word}))

    assert found[0] == late.title  # the best of the three newest: the title
    assert found[1:] == [figs[7].title, figs[6].title]
    assert titles(client.get("/zoeken/", {"q": "terugblik souss"})) == [backdated.title]


def test_snippet_marks_the_terms_and_escapes_everything_else(client):
    make_article(
        title="Haven & spoor",
        lead="Tekst met <script>alert(1)</script> en de haven van Tanger.",
        body="",
    )

    html = client.get("/zoeken/", {"q": "haven"}).content.decode()

    assert "<mark>Haven</mark> &amp; spoor" in html
    assert "<script>alert(1)</script>" not in html
    assert "alert(1)" in html  # escaped, or on PostgreSQL left out as a tag
    assert "<mark>haven</mark> van Tanger" in html


def test_snippet_is_taken_from_the_body_around_the_match(client):
    filler = " ".join(["woord"] * 120)
    make_article(
        title="Lang verhaal",
        lead="",
        body=f"<p>{filler}</p><p>Dan eindelijk de <em>woestijn</em> van Merzouga.</p>",
    )

    response = client.get("/zoeken/", {"q": "woestijn"})
    [article] = response.context_data["object_list"]

    assert "<mark>woestijn</mark> van Merzouga" in article.search_snippet
    assert "<em>" not in article.search_snippet
    assert len(article.search_snippet) < 600


def test_snippet_keeps_paragraphs_and_list_items_apart(client):
    make_article(
        title="Oogst",
        lead="",
        body="<p>De eerste alinea.</p><p>Dadels uit Erfoud.</p><ul><li>een</li>"
        "<li>twee</li></ul>Regel<br>daarna",
    )

    response = client.get("/zoeken/", {"q": "dadels"})
    [article] = response.context_data["object_list"]

    assert "alinea. <mark>Dadels</mark> uit Erfoud. een twee Regel daarna" in (
        article.search_snippet
    )


def test_an_article_taken_offline_after_the_ranking_is_left_off_the_page():
    found = [make_article(title=f"Kameelmarkt {n}") for n in range(3)]
    results = search.search_articles(search.clean_query("kameelmarkt"))
    assert len(results) == 3

    found[1].status = Article.Status.DRAFT
    found[1].save()

    # The ranking was read before; the page's rows are tested as they are now.
    assert {article.title for article in results} == {
        "Kameelmarkt 0",
        "Kameelmarkt 2",
    }


def test_only_published_articles_are_found(client):
    make_article(title="Zichtbaar bericht over olijven")
    make_article(title="Concept over olijven", status=Article.Status.DRAFT)
    make_article(title="In review over olijven", status=Article.Status.REVIEW)
    make_article(
        title="Ingepland over olijven",
        published_at=timezone.now() + timedelta(hours=2),
    )
    make_article(
        title="Verlopen over olijven",
        published_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(days=1),
    )
    make_article(title="Ingetrokken over olijven", status=Article.Status.KILLED)

    response = client.get("/zoeken/", {"q": "olijven"})

    assert titles(response) == ["Zichtbaar bericht over olijven"]


def test_empty_query_shows_the_form_and_tips(client):
    make_article(title="Iets")

    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "\x00\t"}):
        response = client.get("/zoeken/", params)
        html = response.content.decode()
        assert response.status_code == 200
        assert list(response.context_data["object_list"]) == []
        assert "Typ een of meer woorden" in html
        assert "Geen resultaten" not in html


def test_no_results_page_is_dutch_with_tips(client):
    make_article(title="Iets anders")

    response = client.get("/zoeken/", {"q": "onvindbaar"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "Geen resultaten voor <q>onvindbaar</q>" in html
    assert "Controleer de spelling" in html
    assert 'href="/archief/"' in html
    assert '<meta name="robots" content="noindex, follow">' in html


@pytest.mark.parametrize(
    "query",
    [
        '<script>alert("x")</script>',
        '"><img src=x onerror=alert(1)>',
        "' OR 1=1; DROP TABLE articles_article; --",
        "a & b | !c <-> d:*",
        "((((",
        '"""',
        "-",
        "*",
        "\\",
        "%_%",
        "emoji 🇲🇦 en ⵜⴰⵎⴰⵣⵉⵖⵜ en المغرب",
        "nul\x00teken",
        "\u202eomgekeerd",
    ],
)
def test_hostile_queries_are_answered_and_never_reflected_unescaped(client, query):
    make_article(title="Een gewoon artikel")

    response = client.get("/zoeken/", {"q": query})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "\x00" not in html
    assert Article.objects.count() == 1


def test_long_query_is_cut_to_200_characters_with_a_note(client):
    make_article(title="Haven van Tanger")
    query = "haven " + "x" * 20 + " " + "lang " * 60

    response = client.get("/zoeken/", {"q": query})
    used = response.context_data["query"]

    assert response.status_code == 200
    assert used.truncated
    assert len(used.text) <= search.MAX_QUERY_LENGTH
    assert used.text.startswith("haven")
    assert not used.text.endswith(" ")
    assert "langer dan 200 tekens" in response.content.decode()
    assert 'maxlength="200"' in response.content.decode()


def test_clean_query_keeps_words_and_drops_control_characters():
    assert search.clean_query("  haven\x00 \t van\nTanger ").text == "haven van Tanger"
    assert search.clean_query("x" * 500).text == "x" * 200
    assert not search.clean_query(None)
    assert search.clean_query("Haven haven a Tanger").terms == ["haven", "tanger"]


def test_results_are_paged_and_pages_keep_the_query(client, settings):
    now = timezone.now()
    for n in range(25):
        make_article(
            title=f"Olijfoogst deel {n}", published_at=now - timedelta(minutes=n)
        )

    first = client.get("/zoeken/", {"q": "olijfoogst"})
    second = client.get("/zoeken/", {"q": "olijfoogst", "page": "2"})
    beyond = client.get("/zoeken/", {"q": "olijfoogst", "page": "99"})
    nonsense = client.get("/zoeken/", {"q": "olijfoogst", "page": "<b>"})

    assert len(first.context_data["object_list"]) == settings.NEWSROOM_PAGE_SIZE
    assert first.context_data["paginator"].count == 25
    assert 'href="?q=olijfoogst&amp;page=2"' in first.content.decode()
    assert len(second.context_data["object_list"]) == 5
    assert beyond.status_code == nonsense.status_code == 200
    assert beyond.context_data["page_obj"].number == 2
    assert nonsense.context_data["page_obj"].number == 1
    assert "25 resultaten voor <q>olijfoogst</q>" in first.content.decode()


def test_search_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    for n in range(5):
        make_article(title=f"Woestijnroute {n}", tags=["Reizen", "Sahara"])

    client.get("/zoeken/", {"q": "iets"})  # the ticker is cached from then on
    # The ranked ids of the candidates (which also count them), the page's articles
    # (with their section and, on PostgreSQL, their headlines); the header's
    # sections; on PostgreSQL two query plans (how many articles, how many matches:
    # which index to start from).
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 3):
        response = client.get("/zoeken/", {"q": "woestijnroute"})

    assert len(response.context_data["object_list"]) == 5


def test_header_has_a_search_form_on_every_page(client):
    make_article(title="Iets")

    html = client.get("/").content.decode()

    assert '<form class="site-search" role="search"' in html
    assert 'action="/zoeken/" method="get"' in html
    assert 'name="q"' in html
    assert "csrfmiddlewaretoken" not in html


@sqlite_only
def test_sqlite_without_fts5_falls_back_to_substrings(client, monkeypatch):
    monkeypatch.setattr(fulltext, "is_ready", lambda connection: False)
    make_article(title="Bericht", lead="", body="<p>Een AI-datacenter erbij.</p>")
    make_article(title="Nieuw datacenter in Tanger", lead="", body="")

    response = client.get("/zoeken/", {"q": "datacenters"})

    assert titles(response) == ["Nieuw datacenter in Tanger", "Bericht"]


@sqlite_only
def test_triggers_a_table_rebuild_dropped_are_restored_after_migrate(client):
    article = make_article(title="Amandelen uit Tafraout")
    with connection.cursor() as cursor:
        for name in fulltext.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    article.title = "Walnoten uit Tafraout"
    article.save()  # not indexed: no triggers

    fulltext.ensure_triggers(using=connection.alias)  # post_migrate
    make_article(title="Amandelen uit Tiznit")

    assert titles(client.get("/zoeken/", {"q": "walnoten"})) == [article.title]
    assert titles(client.get("/zoeken/", {"q": "amandelen"})) == [
        "Amandelen uit Tiznit"
    ]
