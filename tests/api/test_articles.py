"""The article endpoints: the public rule, fields, filters and cursor pages."""

from datetime import UTC, datetime, timedelta
from unittest.mock import ANY

import pytest
from django.utils import timezone
from taggit.models import Tag

from api.params import decode_cursor, encode_cursor
from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def detail(pk):
    return f"/api/v1/articles/{pk}/"


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def not_public():
    """A draft, a scheduled, an expired and a killed article."""
    now = timezone.now()
    return {
        "draft": make_article(title="Concept", status=Article.Status.DRAFT),
        "scheduled": make_article(
            title="Embargo", published_at=now + timedelta(hours=2)
        ),
        "expired": make_article(
            title="Verlopen",
            published_at=now - timedelta(days=2),
            expires_at=now - timedelta(hours=1),
        ),
        "killed": make_article(
            title="Ingetrokken",
            status=Article.Status.KILLED,
            kill_reason="Onjuiste bron.",
            killed_at=now - timedelta(minutes=5),
        ),
    }


def test_list_shows_only_public_articles(client, not_public):
    public = make_article(title="Openbaar")
    assert ids(client.get(LIST)) == [public.pk]


@pytest.mark.parametrize("kind", ["draft", "scheduled", "expired"])
def test_detail_of_an_article_readers_cannot_see_is_404(client, not_public, kind):
    response = client.get(detail(not_public[kind].pk))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert not_public[kind].title not in response.content.decode()


def test_killed_article_is_410_with_its_public_reason(client, not_public):
    response = client.get(detail(not_public["killed"].pk))
    assert response.status_code == 410
    data = response.json()
    assert data["reason"] == "Onjuiste bron."
    assert data["id"] == not_public["killed"].pk
    assert data["killed_at"]


def test_unknown_or_huge_id_is_json_404(client):
    for url in (detail(999999), detail(10**30), "/api/v1/bestaat-niet/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"]


def test_article_fields(client):
    section = make_section(name="Economie")
    author = make_author(name="Fatima El Amrani")
    photographer = make_author(name="Youssef Benali")
    image = make_image(alt="Containers in de haven", caption="De haven")
    article = make_article(
        title="Haven groeit",
        body='<p>Tekst</p><script>alert(1)</script><p onclick="x()">Meer</p>',
        section=section,
        tags=["Economie", "Haven"],
        authors=[(author, "tekst"), (photographer, "foto")],
        lead_image=image,
    )
    data = client.get(detail(article.pk)).json()
    assert data["id"] == article.pk
    assert data["url"] == f"http://testserver/artikel/{article.slug}/"
    assert data["title"] == "Haven groeit"
    assert "<script" not in data["body"] and "onclick" not in data["body"]
    assert "<p>Tekst</p>" in data["body"]
    assert data["section"]["slug"] == section.slug
    assert [tag["name"] for tag in data["tags"]] == ["Economie", "Haven"]
    assert [(b["author"]["name"], b["role"]) for b in data["bylines"]] == [
        ("Fatima El Amrani", "tekst"),
        ("Youssef Benali", "foto"),
    ]
    published = timezone.datetime.fromisoformat(data["published_at"])
    assert published.utcoffset() is not None
    assert published == article.published_at.replace(microsecond=published.microsecond)
    assert data["updated_at"] == data["published_at"]
    picture = data["image"]
    assert picture["alt"] == "Containers in de haven"
    assert picture["renditions"]
    for rendition in picture["renditions"]:
        assert rendition["url"].startswith("http://testserver/media/renditions/")
        assert rendition["width"] <= 1200 and rendition["height"] > 0
    assert image.file.name not in response_text(client, detail(article.pk))


def response_text(client, url):
    return client.get(url).content.decode()


def test_related_articles_are_public_ids_and_urls(client):
    other = make_article(title="Ouder", tags=["haven"])
    hidden = make_article(title="Concept", tags=["haven"], status="draft")
    article = make_article(title="Nieuw", tags=["haven"])
    Article.objects.filter(pk=article.pk).update(related_ids=[hidden.pk, other.pk])
    data = client.get(detail(article.pk)).json()
    assert data["related"] == [
        {
            "id": other.pk,
            "url": f"http://testserver/artikel/{other.slug}/",
            "api_url": f"http://testserver/api/v1/articles/{other.pk}/",
        }
    ]


def test_fields_chooses_fewer_fields(client):
    article = make_article()
    data = client.get(detail(article.pk), {"fields": "id,title"}).json()
    assert data == {"id": article.pk, "title": article.title}
    listed = client.get(LIST, {"fields": "id,body"}).json()["results"]
    assert listed == [{"id": article.pk, "body": article.body}]


def test_list_leaves_body_and_related_out_unless_asked(client):
    make_article()
    (item,) = client.get(LIST).json()["results"]
    assert "body" not in item and "related" not in item and "title" in item


def test_filters(client):
    economie, sport = make_section(name="Economie"), make_section(name="Sport")
    author = make_author(name="Karim")
    now = timezone.now()
    old = make_article(
        section=economie, tags=["haven"], published_at=now - timedelta(days=3)
    )
    new = make_article(
        section=sport,
        authors=[author],
        published_at=now - timedelta(hours=1),
        title="Voetbal in Rabat",
    )
    updated = make_article(
        section=sport,
        published_at=now - timedelta(days=5),
        public_updated_at=now - timedelta(minutes=30),
    )
    assert ids(client.get(LIST, {"section": economie.slug})) == [old.pk]
    assert ids(client.get(LIST, {"tag": "haven"})) == [old.pk]
    assert ids(client.get(LIST, {"author": author.slug})) == [new.pk]
    assert ids(client.get(LIST, {"section": "bestaat-niet"})) == []
    since = (now - timedelta(days=1)).isoformat()
    assert ids(client.get(LIST, {"published_after": since})) == [new.pk]
    assert ids(client.get(LIST, {"updated_after": since})) == [new.pk, updated.pk]
    before = (now - timedelta(days=1)).isoformat()
    assert ids(client.get(LIST, {"published_before": before})) == [old.pk, updated.pk]
    assert ids(client.get(LIST, {"q": "voetbal"})) == [new.pk]
    assert ids(client.get(LIST, {"q": "voetbal", "section": economie.slug})) == []
    assert Tag.objects.filter(slug="haven").exists()


def test_cursor_pages_survive_a_publication_between_them(client):
    now = timezone.now()
    articles = [
        make_article(published_at=now - timedelta(minutes=10 * n)) for n in range(1, 6)
    ]
    # Two with the same time: the id decides.
    twin = make_article(published_at=articles[2].published_at)
    expected = ids(client.get(LIST, {"limit": 100}))
    assert len(expected) == 6 and twin.pk in expected

    first = client.get(LIST, {"limit": 2}).json()
    seen = [item["id"] for item in first["results"]]
    make_article(title="Net binnen", published_at=now - timedelta(seconds=1))
    url = first["next"]
    while url:
        page = client.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
    assert seen == expected


def test_a_deep_cursor_is_one_query(client, django_assert_num_queries):
    now = timezone.now()
    for n in range(30):
        make_article(published_at=now - timedelta(minutes=n + 1))
    url = LIST + "?limit=5"
    for _ in range(3):
        url = client.get(url).json()["next"]
    with django_assert_num_queries(1):
        response = client.get(url)
    assert len(response.json()["results"]) == 5


@pytest.mark.parametrize("count", [3, 25])
def test_list_query_count_is_flat(client, django_assert_num_queries, count):
    section = make_section()
    image = make_image()
    for n in range(count):
        make_article(
            section=section,
            lead_image=image,
            tags=["haven", f"tag-{n}"],
            authors=[make_author()],
        )
    with django_assert_num_queries(1):
        response = client.get(LIST)
    assert len(response.json()["results"]) == min(count, 20)
    # Related articles: one query more for the whole page.
    first = Article.objects.first()
    Article.objects.update(related_ids=[first.pk])
    with django_assert_num_queries(2):
        response = client.get(LIST, {"fields": "id,related"})
    related = [item["related"] for item in response.json()["results"]]
    assert related[1] == [{"id": first.pk, "url": ANY, "api_url": ANY}]


def test_detail_query_count(client, django_assert_num_queries):
    other = make_article()
    article = make_article(tags=["haven"], authors=[make_author()])
    Article.objects.filter(pk=article.pk).update(related_ids=[other.pk])
    with django_assert_num_queries(2):
        assert client.get(detail(article.pk)).status_code == 200


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 12, 7, 14, 0, 0, 123456, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    ],
)
def test_cursors_round_trip_any_time(moment):
    for pk in (1, 2**63 - 1):
        cursor = encode_cursor(moment, pk)
        assert cursor.isdigit()
        assert decode_cursor(cursor) == (moment, pk)


def test_filters_and_search_never_reach_hidden_articles(client, not_public):
    section = make_section()
    for article in not_public.values():
        article.section = section
        article.save()
        article.tags.set(["verborgen"])
    make_article(title="Zichtbaar", section=section)
    for query in (
        {"section": section.slug},
        {"tag": "verborgen"},
        {"q": "concept"},
        {"q": "embargo"},
        {"q": "ingetrokken"},
        {"updated_after": "2000-01-01T00:00:00Z"},
        {"published_after": "2000-01-01T00:00:00Z", "limit": "100"},
    ):
        found = ids(client.get(LIST, query))
        assert not set(found) & {a.pk for a in not_public.values()}, query


def test_related_leaves_out_killed_and_scheduled_articles(client, not_public):
    shown = make_article()
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        related_ids=[*(a.pk for a in not_public.values()), shown.pk]
    )
    data = client.get(detail(article.pk)).json()
    assert [item["id"] for item in data["related"]] == [shown.pk]


def test_updated_after_pages_through_new_and_updated_articles(
    client, django_assert_num_queries
):
    now = timezone.now()
    since = now - timedelta(hours=2)
    new = [make_article(published_at=now - timedelta(minutes=n)) for n in (1, 3, 5)]
    updated = [
        make_article(
            published_at=now - timedelta(days=n),
            public_updated_at=now - timedelta(minutes=n),
        )
        for n in (2, 4)
    ]
    make_article(published_at=now - timedelta(days=3))  # neither
    expected = [new[0].pk, new[1].pk, new[2].pk, updated[0].pk, updated[1].pk]
    url, seen = (
        f"{LIST}?limit=2&updated_after={since.isoformat().replace('+', '%2B')}",
        [],
    )
    while url:
        with django_assert_num_queries(2):
            data = client.get(url).json()
        seen += [item["id"] for item in data["results"]]
        url = data["next"]
    assert seen == expected
