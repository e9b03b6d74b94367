"""Bylines and tags stored with each article (articles/bylines_tags.py): the pages show
every change to them, however it is made, and never a stale or missing one."""

import io
import re

import feedparser
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version
from taggit.models import Tag

from articles.models import Article, ArticleAuthor, ArticleBylinesTags
from tests.factories import make_article, make_author
from tests.helpers import admin_form_data, post_change

pytestmark = pytest.mark.django_db


def minor_change(client, article, **overrides):
    """Save article through its admin change form as a minor change."""
    return post_change(client, article, change_kind="minor", **overrides)


def bylines_tags_on_page(article, stored=True):
    """Return the (author name, link) pairs and tag names the article page shows a
    reader, checking that they came with the article (stored), not from the
    bylines and tags tables."""
    with CaptureQueriesContext(connection) as queries:
        html = Client().get(article.get_absolute_url()).content.decode()
    # Bylines come from articles_articleauthor, tag names from taggit_tag; the
    # related articles' live ranking reads tag links, never names.
    from_tables = [
        query["sql"]
        for query in queries.captured_queries
        if '"articles_articleauthor"' in query["sql"]
        or '"taggit_tag"."name"' in query["sql"]
    ]
    assert bool(from_tables) is not stored, from_tables
    authors = re.findall(r'<a href="([^"]+)" rel="author">([^<]+)</a>', html)
    tags = re.findall(r'rel="tag">([^<]+)</a>', html)
    return [(name, link) for link, name in authors], tags


def feed_bylines_tags():
    """Return the author and categories of the feed's only entry."""
    (entry,) = feedparser.parse(Client().get("/feed/").content).entries
    return entry.author, [tag.term for tag in entry.tags]


def test_an_editors_bylines_and_tags_show_on_the_page_and_in_the_feed(editor_client):
    nadia, karim = make_author(name="Nadia Amrani"), make_author(name="Karim Tazi")
    article = make_article(title="Waterplan", authors=[nadia], tags=["water"])

    response = minor_change(
        editor_client,
        article,
        tags="water, droogte",
        **{"bylines-1-author": karim.pk, "bylines-1-role": "foto"},
    )

    assert response.status_code == 302
    assert bylines_tags_on_page(article) == (
        [
            ("Nadia Amrani", "/auteur/nadia-amrani/"),
            ("Karim Tazi", "/auteur/karim-tazi/"),
        ],
        ["droogte", "water"],
    )
    assert "(foto)" in Client().get(article.get_absolute_url()).content.decode()
    assert feed_bylines_tags() == ("Nadia Amrani en Karim Tazi", ["droogte", "water"])


def test_removed_bylines_and_tags_leave_the_page(editor_client):
    article = make_article(authors=[make_author(name="Nadia")], tags=["water", "zon"])

    minor_change(editor_client, article, tags="zon", **{"bylines-0-DELETE": "on"})

    assert bylines_tags_on_page(article) == ([], ["zon"])


def test_tags_changed_in_code_show_at_once():
    article = make_article(tags=["water"])

    article.tags.add("energie", "Zagora")
    # Alphabetically, whatever the case.
    assert bylines_tags_on_page(article)[1] == ["energie", "water", "Zagora"]
    article.tags.remove("water", "Zagora")
    assert bylines_tags_on_page(article)[1] == ["energie"]
    article.tags.set(["haven", "visserij"])
    assert bylines_tags_on_page(article)[1] == ["haven", "visserij"]
    article.tags.clear()
    assert bylines_tags_on_page(article)[1] == []


def test_authors_added_through_the_many_to_many_show_at_once():
    nadia, karim = make_author(name="Nadia"), make_author(name="Karim")
    first, second = make_article(), make_article()

    first.authors.add(nadia, through_defaults={"role": "tekst"})
    karim.articles.add(first, second)
    assert bylines_tags_on_page(first)[0] == [
        ("Nadia", "/auteur/nadia/"),
        ("Karim", "/auteur/karim/"),
    ]
    assert bylines_tags_on_page(second)[0] == [("Karim", "/auteur/karim/")]

    first.authors.set([karim])
    assert bylines_tags_on_page(first)[0] == [("Karim", "/auteur/karim/")]
    karim.articles.clear()
    assert bylines_tags_on_page(first)[0] == []
    assert bylines_tags_on_page(second)[0] == []


def test_a_byline_or_tag_moved_to_another_article_leaves_the_first():
    first = make_article(authors=[make_author(name="Nadia")], tags=["water"])
    second = make_article()
    byline = ArticleAuthor.objects.get(article=first)
    link = first.tagged_items.get()

    # As the tag admin's inline can: the link's article changes.
    byline.article = second
    byline.save()
    link.object_id = second.pk
    link.save()

    assert bylines_tags_on_page(first) == ([], [])
    assert bylines_tags_on_page(second) == ([("Nadia", "/auteur/nadia/")], ["water"])


def test_a_renamed_author_is_renamed_on_every_article():
    author = make_author(name="Nadia Amrani")
    first = make_article(authors=[author])
    second = make_article(authors=[make_author(name="Karim"), author])

    author.name = "Nadia El Amrani"
    author.slug = "nadia-el-amrani"
    author.save()

    renamed = ("Nadia El Amrani", "/auteur/nadia-el-amrani/")
    assert bylines_tags_on_page(first)[0] == [renamed]
    assert bylines_tags_on_page(second)[0][1] == renamed


def test_a_renamed_or_deleted_tag_changes_every_article():
    first = make_article(tags=["Marrakech", "toerisme"])
    second = make_article(tags=["Marrakech"])
    tag = Tag.objects.get(name="Marrakech")

    tag.name = "Marrakesh"
    tag.save()
    assert bylines_tags_on_page(first)[1] == ["Marrakesh", "toerisme"]
    assert bylines_tags_on_page(second)[1] == ["Marrakesh"]

    tag.delete()
    assert bylines_tags_on_page(first)[1] == ["toerisme"]
    assert bylines_tags_on_page(second)[1] == []


def test_a_restored_revision_brings_back_its_bylines_and_tags(editor_client):
    author = make_author(name="Nadia")
    article = make_article(authors=[author], tags=["water"])
    minor_change(editor_client, article)
    good = Version.objects.get_for_object(article).first()
    minor_change(editor_client, article, tags="droogte", **{"bylines-0-DELETE": "on"})
    assert bylines_tags_on_page(article) == ([], ["droogte"])

    url = reverse("admin:articles_article_revision", args=[article.pk, good.pk])
    response = editor_client.post(
        url, admin_form_data(editor_client.get(url), change_kind="minor")
    )

    assert response.status_code == 302

    assert bylines_tags_on_page(article) == (
        [("Nadia", "/auteur/nadia/")],
        ["water"],
    )


@pytest.mark.django_db(transaction=True)
def test_articles_with_bylines_and_tags_can_be_deleted(editor_client):
    # transaction=True: PostgreSQL checks the foreign keys at commit, so a row
    # stored again for an article being deleted would fail only there.
    author = make_author()
    one = make_article(authors=[author], tags=["water"])
    two = make_article(authors=[author], tags=["water", "zon"])
    three = make_article(authors=[author], tags=["zon"])

    response = editor_client.post(
        reverse("admin:articles_article_delete", args=[one.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    Article.objects.filter(pk__in=[two.pk, three.pk]).delete()

    assert not Article.objects.exists()
    assert not ArticleBylinesTags.objects.exists()
    assert not ArticleAuthor.objects.exists()


def test_an_article_without_stored_bylines_tags_is_read_from_the_tables():
    article = make_article(authors=[make_author(name="Nadia")], tags=["water"])
    # As a row written around the ORM (raw SQL, an older release) would be.
    ArticleBylinesTags.objects.filter(article=article).delete()

    assert bylines_tags_on_page(article, stored=False) == (
        [("Nadia", "/auteur/nadia/")],
        ["water"],
    )

    call_command("refresh_article_cache", stdout=io.StringIO(), stderr=io.StringIO())
    stored = ArticleBylinesTags.objects.get(article=article)
    assert stored.bylines[0][1:3] == ["Nadia", "nadia"]
    assert [tag[1] for tag in stored.tags] == ["water"]


def test_a_new_article_starts_with_empty_stored_bylines_tags(
    client, django_assert_num_queries
):
    article = make_article()

    assert ArticleBylinesTags.objects.get(article=article).bylines == []
    cards = Article.objects.with_bylines_tags().get(pk=article.pk)
    with django_assert_num_queries(0):
        assert cards.byline == [] and cards.tag_list == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_stores_the_bylines_tags_of_existing_articles():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0010_article_related_ids")])
    executor.loader.build_graph()
    apps = executor.loader.project_state(("articles", "0010_article_related_ids")).apps
    try:
        article = apps.get_model("articles", "Article").objects.create(
            title="Oud artikel", slug="oud-artikel", status="draft"
        )
        author = apps.get_model("articles", "Author").objects.create(
            name="Nadia", slug="nadia"
        )
        apps.get_model("articles", "ArticleAuthor").objects.create(
            article_id=article.pk, author_id=author.pk, role="foto"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    stored = ArticleBylinesTags.objects.get(article_id=article.pk)
    assert stored.bylines == [[author.pk, "Nadia", "nadia", "foto"]]
    assert stored.tags == []
