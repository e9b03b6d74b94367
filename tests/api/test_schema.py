"""The OpenAPI description: valid, served, listing every endpoint, and describing
the fields the API really returns."""

import json

import pytest
import yaml
from django.urls import URLPattern, get_resolver
from openapi_spec_validator import validate

from api import schema
from api.representations import ARTICLE_FIELDS
from tests.factories import make_article, make_author, make_image, make_section
from tests.liveblog.helpers import make_liveblog, make_update

pytestmark = pytest.mark.django_db


def description(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi_3(client):
    spec = description(client)
    assert spec["openapi"].startswith("3.")
    validate(spec)
    as_yaml = client.get("/api/v1/schema/")
    assert as_yaml.status_code == 200
    assert yaml.safe_load(as_yaml.content) == spec


def test_schema_lists_every_endpoint(client):
    spec = description(client)
    resolver = get_resolver()
    (api_patterns,) = [p for p in resolver.url_patterns if str(p.pattern) == "api/v1/"]
    routes = {
        "/api/v1/" + str(p.pattern).replace("<int:pk>", "{id}")
        for p in api_patterns.url_patterns
        if isinstance(p, URLPattern) and p.name not in (None, "schema", "reference")
    }
    assert routes == set(spec["paths"])
    for item in spec["paths"].values():
        assert set(item) == {"get"}


def test_schema_fields_match_the_answers(client):
    section = make_section()
    image = make_image()
    article = make_article(
        section=section, lead_image=image, tags=["haven"], authors=[make_author()]
    )
    data = client.get(f"/api/v1/articles/{article.pk}/").json()
    assert list(data) == list(ARTICLE_FIELDS)
    assert set(data) == set(schema.ArticleSerializer().fields)
    assert set(data["image"]) == set(schema.ImageSerializer().fields)
    assert set(data["image"]["renditions"][0]) == set(
        schema.RenditionSerializer().fields
    )
    assert set(data["bylines"][0]) == set(schema.BylineSerializer().fields)
    assert set(data["section"]) == set(schema.LinkSerializer().fields)
    assert set(client.get("/api/v1/").json()) == set(schema.RootSerializer().fields)
    sections = client.get("/api/v1/sections/").json()["results"]
    assert set(sections[0]) == set(schema.SectionSerializer().fields)
    authors = client.get("/api/v1/authors/").json()["results"]
    assert set(authors[0]) == set(schema.AuthorSerializer().fields)
    liveblog = make_liveblog(article=article)
    make_update(liveblog, image=make_image(), author=make_author())
    (listed,) = client.get("/api/v1/liveblogs/").json()["results"]
    assert set(listed) == set(schema.LiveBlogSerializer().fields)
    (update,) = client.get(listed["updates_url"]).json()["results"]
    assert set(update) == set(schema.LiveBlogUpdateSerializer().fields)
    assert set(update["image"]) == set(schema.ImageSerializer().fields)


def test_reference_page_shows_every_operation(client):
    spec = description(client)
    html = client.get("/api/v1/reference/").content.decode()
    for path in spec["paths"]:
        assert f"GET {path}" in html
