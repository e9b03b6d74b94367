"""The data migration that wraps lead image files from before the image library."""

import io
import json

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image as PILImage
from reversion.models import Version

from articles.models import Article
from tests.helpers import migrate_to
from tests.images import image_files

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("articles", "0004_image_library")


@pytest.fixture
def old_apps():
    apps = migrate_to(BEFORE)
    yield apps
    migrate_to()


def legacy_article(apps, title, file_name, **fields):
    Article = apps.get_model("articles", "Article")
    return Article.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-"),
        status="published",
        legacy_lead_image=file_name,
        **fields,
    )


def test_lead_images_become_library_images_with_clean_files_and_renditions(
    old_apps, django_capture_on_commit_callbacks
):
    storage = default_storage
    name = storage.save("articles/2025/07/bron.jpg", image_files.gps_rotated_jpeg())
    shared = storage.save("articles/2025/07/haven.jpg", image_files.photo_jpeg())
    first = legacy_article(
        old_apps,
        "Bron in Rabat",
        name,
        lead_image_alt="Een bron in de medina",
        lead_image_caption="De bron bij de Oudaya-kasba.",
        lead_image_credit="Karim Amrani",
    )
    second = legacy_article(
        old_apps, "Haven een", shared, lead_image_caption="Haven", lead_image_alt=""
    )
    third = legacy_article(
        old_apps,
        "Haven twee",
        shared,
        lead_image_caption="Archiefbeeld van de haven",
        lead_image_alt="Containerschepen",
        lead_image_credit="ANP",
    )
    gone = legacy_article(old_apps, "Zonder bestand", "articles/2025/07/weg.jpg")
    plain = legacy_article(old_apps, "Zonder foto", "")
    # A revision saved before the library, in its old shape.
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    Revision = old_apps.get_model("reversion", "Revision")
    OldVersion = old_apps.get_model("reversion", "Version")
    revision = Revision.objects.create(
        comment="Oude versie", date_created=timezone.now()
    )
    fields = {
        "title": "Bron in Rabat (eerste versie)",
        "slug": "bron-in-rabat",
        "status": "draft",
        "lead_image": name,
        "lead_image_alt": "Een bron",
        "lead_image_caption": "De bron bij de Oudaya-kasba.",
        "lead_image_credit": "Karim Amrani",
    }
    OldVersion.objects.create(
        revision=revision,
        object_id=str(first.pk),
        content_type=ContentType.objects.get(app_label="articles", model="article"),
        db="default",
        format="json",
        serialized_data=json.dumps(
            [{"model": "articles.article", "pk": first.pk, "fields": fields}]
        ),
        object_repr=fields["title"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        migrate_to()

    first = Article.objects.get(pk=first.pk)
    image = first.lead_image
    assert image.alt == "Een bron in de medina"
    assert image.caption == "De bron bij de Oudaya-kasba."
    assert image.credit == "Karim Amrani"
    assert first.lead_image_caption == ""  # moved onto the image
    assert first.image_caption == "De bron bij de Oudaya-kasba."
    # Cleaned like an upload: upright, no EXIF or GPS; the old public file is gone.
    assert (image.width, image.height) == (200, 300)
    with image.file.open("rb") as f:
        data = f.read()
    assert b"Exif" not in data and b"Rabat" not in data
    assert PILImage.open(io.BytesIO(data)).size == (200, 300)
    assert not storage.exists(name) and not storage.exists(shared)
    assert image.renditions_current
    assert all(storage.exists(r.name) for r in image.rendition_list(fmt="webp"))

    # One file, one library image; the second article keeps its own caption and
    # fills in the alt text and credit the first one lacked.
    second = Article.objects.get(pk=second.pk)
    third = Article.objects.get(pk=third.pk)
    assert second.lead_image == third.lead_image
    assert second.lead_image.caption == "Haven"
    assert third.lead_image_caption == "Archiefbeeld van de haven"
    assert second.lead_image.alt == "Containerschepen"
    assert second.lead_image.credit == "ANP"
    assert Article.objects.get(pk=gone.pk).lead_image is None
    assert Article.objects.get(pk=plain.pk).lead_image is None

    # Old revisions point at the library image and can still be read.
    version = Version.objects.get_for_object(first).get()
    assert version.field_dict["lead_image_id"] == image.pk
    assert version.field_dict["title"] == "Bron in Rabat (eerste versie)"
    assert "lead_image_alt" not in json.loads(version.serialized_data)[0]["fields"]


def test_the_migration_can_be_reversed(old_apps):
    name = default_storage.save("articles/2025/07/strand.jpg", image_files.photo_jpeg())
    legacy_article(
        old_apps, "Strand", name, lead_image_alt="Strand", lead_image_credit="ANP"
    )
    migrate_to()

    apps = migrate_to(BEFORE)

    Article = apps.get_model("articles", "Article")
    article = Article.objects.get()
    assert article.legacy_lead_image.name.startswith("images/")
    assert article.lead_image_alt == "Strand"
    assert article.lead_image_credit == "ANP"
