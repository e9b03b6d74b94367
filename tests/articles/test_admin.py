"""The article admin as a superuser-editor always has it: list, forms, actions."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_image_file,
    make_section,
)
from tests.helpers import admin_form_data, change_url

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def text(response):
    return response.content.decode()


def test_changelist_shows_thumbnail_status_authors_and_filters(admin_client):
    section = make_section(name="Economie")
    samira, karim = (
        make_author(name="Samira El Idrissi"),
        make_author(name="Karim Amrani"),
    )
    make_article(
        title="Met foto",
        section=section,
        authors=[samira, (karim, "foto")],
        lead_image=make_image(make_image_file("haven.jpg")),
        tags=["haven"],
    )
    make_article(title="Een concept", status=Article.Status.DRAFT, tags=["markt"])
    make_article(
        title="Komt morgen",
        published_at=timezone.now() + timedelta(days=1),
        section=make_section(name="Sport"),
        authors=[make_author(name="Laura de Vries")],
    )
    make_article(title="Vorig jaar", published_at=timezone.now() - timedelta(days=400))

    response = admin_client.get(CHANGELIST)
    page = text(response)

    assert response.status_code == 200
    assert 'class="admin-thumb"' in page and "haven" in page
    assert "Samira El Idrissi, Karim Amrani" in page
    assert 'class="status-badge status-published"' in page
    assert 'class="status-badge status-draft"' in page
    assert 'class="status-badge status-scheduled"' in page and "Ingepland voor" in page
    # Dutch column headers, filters and date hierarchy.
    for label in ["Titel", "Status", "Publicatie"]:
        assert re.search(rf">\s*{label}\s*<", page, re.I), label
    for title in ["publicatie", "status", "rubriek", "auteur", "tags"]:
        assert f'data-filter-title="{title}"' in page, title
    assert '<nav class="toplinks">' in page  # date hierarchy


def test_changelist_is_newest_first(admin_client):
    make_article(title="Eerst geschreven")
    make_article(title="Daarna geschreven")

    page = text(admin_client.get(CHANGELIST))

    assert page.index("Daarna geschreven") < page.index("Eerst geschreven")


def test_changelist_queries_do_not_grow_with_articles(
    admin_client, django_assert_max_num_queries
):
    sections = [make_section(), make_section()]

    def build(count):
        for n in range(count):
            make_article(
                section=sections[n % 2],
                authors=[make_author(), make_author()],
                tags=[f"tag-{n}", "marokko"],
                lead_image=make_image() if n % 3 == 0 else None,
            )

    build(5)
    admin_client.get(CHANGELIST)  # warm up the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(CHANGELIST).status_code == 200

    build(25)
    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 30


def test_changelist_search_looks_in_title_lead_and_body(admin_client):
    make_article(title="Haven van Tanger", lead="", body="<p>Containers.</p>")
    make_article(title="Iets anders", lead="Over de haven van Tanger Med.")
    make_article(title="Nog iets", body="<p>De haven groeit.</p>")
    make_article(title="Voetbal", lead="Atlasleeuwen.", body="<p>Doelpunt.</p>")

    response = admin_client.get(CHANGELIST, {"q": "haven"})

    found = {a.title for a in response.context["cl"].result_list}
    assert found == {"Haven van Tanger", "Iets anders", "Nog iets"}


def test_changelist_filters_by_status_section_author_and_tag(admin_client):
    # Django hides (and ignores) a filter with a single choice: give each two.
    economie, sport = make_section(name="Economie"), make_section(name="Sport")
    samira, karim = make_author(name="Samira El Idrissi"), make_author(name="Karim")
    target = make_article(
        title="Doel", section=economie, authors=[samira], tags=["haven"]
    )
    make_article(title="Ander", section=sport, authors=[karim], tags=["voetbal"])
    make_article(title="Concept", status=Article.Status.DRAFT)
    tag_id = target.tags.get().pk

    for params in [
        {"section__id__exact": economie.pk},
        {"bylines__author__id__exact": samira.pk},
        {"tags__id__exact": tag_id},
    ]:
        response = admin_client.get(CHANGELIST, params)
        assert response.status_code == 200, params
        assert [a.title for a in response.context["cl"].result_list] == ["Doel"], params

    drafts = admin_client.get(CHANGELIST, {"status__exact": "draft"})
    assert [a.title for a in drafts.context["cl"].result_list] == ["Concept"]


def test_add_form_is_dutch_and_has_the_editor_tools(admin_client):
    make_section(name="Economie")

    response = admin_client.get(ADD)
    page = text(response)

    assert response.status_code == 200
    assert '<html lang="nl"' in page
    for label in [
        "Titel",
        "Bovenkop",
        "Intro",
        "Tekst",
        "Rubriek",
        "Hoofdafbeelding",
        "Bijschrift bij dit artikel",
    ]:
        assert f">{label}:<" in page or f">{label}<" in page, label
    # Rich-text body (django-prose-editor, served from our own static files).
    assert "django_prose_editor" in page
    assert "prose-editor" in page
    # Slug filled from the title; section and authors autocomplete.
    assert "&quot;dependency_list&quot;: [&quot;title&quot;]" in page
    assert 'name="section" id="id_section" class="admin-autocomplete"' in page
    assert 'id="id_bylines-0-author" class="admin-autocomplete"' in page
    assert "Auteursregels" in page


def test_add_article_with_authors_in_order(admin_client):
    section = make_section(name="Economie")
    samira, karim = (
        make_author(name="Samira El Idrissi"),
        make_author(name="Karim Amrani"),
    )
    image = make_image(make_image_file("haven.jpg"), alt="Containerschip in de haven")
    form_page = admin_client.get(ADD)

    data = admin_form_data(
        form_page,
        title="Haven Tanger Med groeit",
        slug="",
        kicker="Economie",
        lead="De haven verwerkt meer containers dan ooit.",
        body="<p>De haven <strong>groeit</strong>.</p>",
        section=str(section.pk),
        tags="haven, Tanger",
        lead_image=str(image.pk),
        **{
            "bylines-TOTAL_FORMS": "2",
            "bylines-0-author": str(karim.pk),
            "bylines-0-role": "foto",
            "bylines-0-order": "2",
            "bylines-1-author": str(samira.pk),
            "bylines-1-role": "tekst",
            "bylines-1-order": "1",
        },
    )
    response = admin_client.post(ADD, data)

    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    article = Article.objects.get(title="Haven Tanger Med groeit")
    assert article.slug == "haven-tanger-med-groeit"
    assert article.section == section
    assert article.body == "<p>De haven <strong>groeit</strong>.</p>"
    assert set(article.tags.names()) == {"haven", "Tanger"}
    assert [(b.author.name, b.role) for b in article.bylines.all()] == [
        ("Samira El Idrissi", "tekst"),
        ("Karim Amrani", "foto"),
    ]
    assert article.lead_image == image
    assert article.created_by.username == "admin"
    assert not article.is_published()


def test_change_form_shows_the_lead_image_preview(admin_client):
    article = make_article(
        lead_image=make_image(make_image_file("markt.jpg"), alt="Een markt")
    )

    page = text(admin_client.get(change_url(article)))

    assert 'class="admin-preview"' in page
    assert article.lead_image.rendition(640).url in page
    assert "Een markt" in page


def test_change_form_saves_edits(admin_client):
    article = make_article(title="Oude titel", status=Article.Status.DRAFT)
    form_page = admin_client.get(change_url(article))

    data = admin_form_data(
        form_page,
        title="Nieuwe titel",
        lead="Nieuwe intro.",
        body="<p>Nieuwe tekst.</p>",
    )
    response = admin_client.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.title, article.lead, article.body) == (
        "Nieuwe titel",
        "Nieuwe intro.",
        "<p>Nieuwe tekst.</p>",
    )


def test_change_form_reports_errors_in_dutch(admin_client):
    article = make_article(status=Article.Status.DRAFT)
    form_page = admin_client.get(change_url(article))

    response = admin_client.post(
        change_url(article), admin_form_data(form_page, title="")
    )

    assert response.status_code == 200
    assert "Dit veld is verplicht." in text(response)


def test_view_on_site_leads_to_the_article(admin_client):
    article = make_article(title="Zichtbaar artikel")
    page = text(admin_client.get(change_url(article)))
    ct = ContentType.objects.get_for_model(Article)
    shortcut = f"/beheer/r/{ct.pk}/{article.pk}/"

    assert shortcut in page
    assert "Weergeven op website" in page
    response = admin_client.get(shortcut)
    assert response.status_code == 302
    assert response["Location"].endswith(article.get_absolute_url())


def test_bulk_publish_and_unpublish(admin_client):
    drafts = [
        make_article(status=Article.Status.DRAFT, published_at=None) for _ in range(2)
    ]

    response = admin_client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [a.pk for a in drafts]},
        follow=True,
    )

    assert "2 artikelen gepubliceerd." in text(response)
    assert Article.objects.published().count() == 2

    response = admin_client.post(
        CHANGELIST,
        {"action": "unpublish", "_selected_action": [drafts[0].pk]},
        follow=True,
    )

    assert "Publicatie van 1 artikel ingetrokken." in text(response)
    assert list(Article.objects.published()) == [drafts[1]]


def test_tag_field_suggests_existing_tags(admin_client):
    make_article(tags=["Marokko", "Marrakech", "Tanger Med", "economie"])

    page = text(admin_client.get(ADD))
    response = admin_client.get(
        "/beheer/autocomplete/",
        {
            "term": "mar",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "tags",
        },
    )

    assert 'data-tag-autocomplete="/beheer/autocomplete/"' in page
    assert "articles/tag_autocomplete.js" in page
    assert [r["text"] for r in response.json()["results"]] == ["Marokko", "Marrakech"]


def test_tag_suggestions_need_a_login(client):
    response = client.get(
        "/beheer/autocomplete/",
        {"term": "m", "app_label": "articles", "model_name": "article"},
    )

    assert response.status_code == 302
    assert "/beheer/login/" in response["Location"]


def test_lead_image_is_chosen_from_the_library_with_a_preview(admin_client):
    page = text(admin_client.get(ADD))

    assert re.search(r'<select[^>]*name="lead_image"[^>]*admin-autocomplete', page)
    assert "data-lead-image-preview" in page
    assert "images/lead_image_preview.js" in page
    # A new image is uploaded in the library, with its own preview.
    upload = text(admin_client.get(reverse("admin:images_image_add")))
    assert re.search(r'<input[^>]*type="file"[^>]*name="file"', upload)
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in upload
    assert "images/focal_point.js" in upload


def test_the_tags_app_is_called_tags_in_the_admin_menu(admin_client):
    html = admin_client.get("/beheer/").content.decode()

    assert ">Tags</a>" in html
    assert "Taggit" not in html


def test_saved_messages_read_right_for_a_het_word(admin_client):
    # Django's own Dutch says "De artikel ... is met succes gewijzigd".
    article = make_article(title="Dadeloogst in Erfoud", status=Article.Status.DRAFT)
    form_page = admin_client.get(change_url(article))

    response = admin_client.post(
        change_url(article), admin_form_data(form_page), follow=True
    )
    html = response.content.decode()

    assert "(artikel) is gewijzigd." in html
    assert "Dadeloogst in Erfoud</a>’ (artikel)" in html
    assert "De artikel" not in html
