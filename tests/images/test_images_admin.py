"""The image library in the admin: list, search, focal point, reuse, rights."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from images.models import Image
from tests.factories import make_article, make_image, make_member
from tests.images import image_files

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:images_image_changelist")
ADD = reverse("admin:images_image_add")


def change_url(image):
    return reverse("admin:images_image_change", args=[image.pk])


def text(response):
    assert response.status_code == 200
    return response.content.decode()


def test_the_library_lists_thumbnails_alt_state_and_use(admin_client):
    used = make_image(caption="Haven van Tanger", credit="ANP")
    bare = make_image(alt="", caption="Markt in Fès")
    make_image(alt="", decorative=True, caption="Zandpatroon")
    make_article(lead_image=used)
    make_article(lead_image=used)

    page = text(admin_client.get(CHANGELIST))

    assert used.rendition(320, crop="3:2").url in page
    assert 'class="admin-thumb"' in page
    assert "Haven van Tanger (foto: ANP)" in page
    assert "2 artikelen" in page and "0 artikelen" in page
    assert 'class="alt-state alt-state--missing">ontbreekt<' in page
    assert 'class="alt-state">decoratief<' in page
    assert "1200 × 800" in page
    # Never the original in the list.
    assert bare.file.url not in page and used.file.url not in page


@pytest.mark.parametrize(
    ("term", "expected"),
    [("tanger", ["Haven van Tanger"]), ("reuters", ["Markt in Fès"]), ("kraan", [])],
)
def test_the_library_searches_caption_credit_and_alt(admin_client, term, expected):
    make_image(caption="Haven van Tanger", credit="ANP", alt="Schepen")
    make_image(caption="Markt in Fès", credit="Reuters", alt="Kramen")

    response = admin_client.get(CHANGELIST, {"q": term})

    assert [i.caption for i in response.context["cl"].result_list] == expected


def test_the_library_filters_images_without_alt_text(admin_client):
    make_image(caption="Met", alt="Iets")
    make_image(caption="Zonder", alt="")
    make_image(caption="Decoratief", alt="", decorative=True)

    response = admin_client.get(CHANGELIST, {"alt": "missing"})

    assert [i.caption for i in response.context["cl"].result_list] == ["Zonder"]


def test_the_library_list_queries_do_not_grow(
    admin_client, django_assert_max_num_queries
):
    def build(count):
        for _ in range(count):
            make_article(lead_image=make_image(image_files.photo_jpeg(size=(400, 300))))

    build(2)
    admin_client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(CHANGELIST)
    build(8)
    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 10


def test_the_add_form_previews_the_upload_and_sets_a_focal_point(admin_client):
    page = text(admin_client.get(ADD))

    assert "data-focal-picker" in page
    assert "images/focal_point.js" in page
    assert 'name="focal_x"' in page and 'step="0.01"' in page
    assert "Klik op het belangrijkste deel van de foto" in page
    assert "data-focal-source" in page  # the file input feeds the preview


def test_the_change_form_shows_renditions_and_where_the_image_is_used(admin_client):
    image = make_image(alt="Schepen")
    article = make_article(title="Haven breekt record", lead_image=image)

    page = text(admin_client.get(change_url(image)))

    assert image.rendition(960).url in page
    assert image.rendition(640, crop="3:2").url in page
    assert "Haven breekt record" in page
    assert reverse("admin:articles_article_change", args=[article.pk]) in page


def test_the_article_form_finds_images_by_caption(admin_client):
    image = make_image(caption="Haven van Tanger", credit="ANP")
    make_image(caption="Markt in Fès")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "tanger",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "lead_image",
        },
    )

    assert response.json()["results"] == [
        {"id": str(image.pk), "text": "Haven van Tanger (foto: ANP)"}
    ]


def test_the_article_form_previews_a_newly_chosen_image(admin_client):
    image = make_image(alt="", caption="Markt in Fès", credit="Reuters")
    url = reverse("admin:images_image_preview", args=[image.pk])

    data = admin_client.get(url).json()

    assert data["src"] == image.rendition(640).url
    assert data["needs_alt"] is True
    assert "ontbreekt: nodig om te publiceren" in data["facts"]
    assert "Reuters" in data["facts"]
    assert (
        admin_client.get(
            reverse("admin:images_image_preview", args=[image.pk + 99])
        ).status_code
        == 404
    )


def test_the_preview_needs_a_login(client):
    image = make_image()

    response = client.get(reverse("admin:images_image_preview", args=[image.pk]))

    assert response.status_code == 302


def test_an_image_is_reused_on_several_articles(admin_client):
    image = make_image(alt="Schepen", caption="Haven van Tanger")
    first = make_article(lead_image=image)
    second = make_article(lead_image=image, lead_image_caption="Archiefbeeld")

    assert first.image_caption == "Haven van Tanger"
    assert second.image_caption == "Archiefbeeld"
    assert set(image.articles.all()) == {first, second}


def test_an_image_in_use_cannot_be_deleted(admin_client):
    image = make_image()
    make_article(title="Haven breekt record", lead_image=image)

    response = admin_client.post(
        reverse("admin:images_image_delete", args=[image.pk]), {"post": "yes"}
    )

    page = text(response)
    assert "Haven breekt record" in page
    assert Image.objects.filter(pk=image.pk).exists()


def test_deleting_an_image_removes_its_files(
    admin_client, django_capture_on_commit_callbacks
):
    image = make_image()
    storage = image.file.storage
    names = [image.file.name, *(r.name for r in image.rendition_list())]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:images_image_delete", args=[image.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not any(storage.exists(name) for name in names)


def test_reporters_upload_and_fix_their_own_images_until_they_go_out(client):
    reporter = make_member("fatima", "verslaggever")
    client.force_login(reporter)

    response = client.post(
        ADD,
        {
            "file": image_files.photo_jpeg(),
            "alt": "Vissersboten",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.created_by == reporter
    assert client.get(change_url(image)).status_code == 200

    make_article(lead_image=image, status=Article.Status.PUBLISHED)
    page = text(client.get(change_url(image)))
    assert 'name="alt"' not in page  # view only, now it is public

    someone_elses = make_image()
    assert 'name="alt"' not in text(client.get(change_url(someone_elses)))
    delete = reverse("admin:images_image_delete", args=[someone_elses.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
