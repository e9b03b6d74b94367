"""A database from the release before the images app keeps everything on migrate.

The Image moved from articles to images with its table (articles 0013, images 0001
and 0002): rows, files, renditions, lead images, bylines, tags, revisions, admin log
entries and the permissions given to groups and users must all survive.
"""

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from images import images
from images.models import Image
from tests.helpers import migrate_to
from tests.images import image_files

pytestmark = pytest.mark.django_db(transaction=True)

# The last release: articles at 0012 and no images app.
BEFORE = [("articles", "0012_sqlite_fulltext_vocabulary"), ("images", None)]


@pytest.fixture
def old_apps():
    apps = migrate_to(*BEFORE)
    yield apps
    migrate_to()


def old_image(apps, name, **fields):
    """Store a photo and its renditions as the last release did; return its row."""
    OldImage = apps.get_model("articles", "Image")
    stored = default_storage.save(name, image_files.photo_jpeg())
    image = OldImage.objects.create(file=stored, width=1600, height=1000, **fields)
    image.renditions = images.build_renditions(
        default_storage, image.pk, stored, image.focal_x, image.focal_y
    )
    image.save()
    return image


def make_old_site(apps):
    """Fill the database in the last release's shape; return what was made."""
    (
        User,
        OldGroup,
        OldPermission,
        OldContentType,
        Section,
        Author,
        OldArticle,
        ArticleAuthor,
        Tag,
        TaggedItem,
        Revision,
        OldVersion,
        OldLogEntry,
    ) = (
        apps.get_model(label)
        for label in [
            "auth.User",
            "auth.Group",
            "auth.Permission",
            "contenttypes.ContentType",
            "articles.Section",
            "articles.Author",
            "articles.Article",
            "articles.ArticleAuthor",
            "taggit.Tag",
            "taggit.TaggedItem",
            "reversion.Revision",
            "reversion.Version",
            "admin.LogEntry",
        ]
    )

    image_type = OldContentType.objects.get(app_label="articles", model="image")
    article_type = OldContentType.objects.get(app_label="articles", model="article")
    photographer = User.objects.create(username="karim", is_staff=True)
    haven = old_image(
        apps,
        "images/2026/11/haven-1a2b3c4d.jpg",
        alt="Containerschepen in de haven van Tanger",
        caption="De haven bij zonsopgang.",
        credit="Karim Amrani",
        focal_x=0.3,
        focal_y=0.6,
        created_by=photographer,
    )
    strand = old_image(apps, "images/2026/11/strand-5e6f7a8b.jpg", decorative=True)

    author = Author.objects.create(name="Samira El Idrissi", slug="samira-el-idrissi")
    article = OldArticle.objects.create(
        title="Haven van Tanger groeit",
        slug="haven-van-tanger-groeit",
        status="published",
        published_at=timezone.now(),
        section=Section.objects.create(name="Economie", slug="economie"),
        lead_image=haven,
        lead_image_caption="Eigen bijschrift bij dit artikel.",
    )
    ArticleAuthor.objects.create(article=article, author=author, role="tekst")
    for name in ["Marokko", "Havens"]:
        TaggedItem.objects.create(
            tag=Tag.objects.create(name=name, slug=name.lower()),
            content_type=article_type,
            object_id=article.pk,
        )
    revision = Revision.objects.create(
        comment="Eerste versie", date_created=timezone.now()
    )
    OldVersion.objects.create(
        revision=revision,
        object_id=str(article.pk),
        content_type=article_type,
        db="default",
        format="json",
        serialized_data=json.dumps(
            [
                {
                    "model": "articles.article",
                    "pk": article.pk,
                    "fields": {"title": article.title, "lead_image": haven.pk},
                }
            ]
        ),
        object_repr=article.title,
    )
    OldLogEntry.objects.create(
        user=photographer,
        content_type=image_type,
        object_id=str(haven.pk),
        object_repr="haven",
        action_flag=1,
        action_time=timezone.now(),
    )

    # Grants made by hand, to a group and to a user, besides the role groups'.
    delete_image = OldPermission.objects.get(
        content_type=image_type, codename="delete_image"
    )
    photo_desk = OldGroup.objects.create(name="Fotoredactie")
    photo_desk.permissions.add(delete_image)
    photographer.user_permissions.add(
        OldPermission.objects.get(content_type=image_type, codename="change_image")
    )
    reporters = OldGroup.objects.get(name="Verslaggever")
    assert reporters.permissions.filter(
        content_type=image_type, codename="change_image"
    ).exists()
    return {
        "images": {haven.pk: haven, strand.pk: strand},
        "article": article,
        "image_type": image_type.pk,
        "user": photographer.pk,
    }


def test_images_and_everything_pointing_at_them_survive_the_move(old_apps):
    old = make_old_site(old_apps)
    files = {
        pk: (image.file.name, image.renditions) for pk, image in old["images"].items()
    }

    migrate_to()

    # The rows, field for field, with their files and renditions where they were.
    assert set(Image.objects.values_list("pk", flat=True)) == set(old["images"])
    for pk, before in old["images"].items():
        image = Image.objects.get(pk=pk)
        for field in ["alt", "decorative", "caption", "credit", "focal_x", "focal_y"]:
            assert getattr(image, field) == getattr(before, field), field
        assert (image.file.name, image.renditions) == files[pk]
        assert default_storage.exists(image.file.name)
        assert image.renditions_current
        assert not images.missing_files(default_storage, image.renditions)
    haven = Image.objects.get(credit="Karim Amrani")
    assert haven.created_by.username == "karim"

    # The article still leads with its image, and keeps its bylines and tags.
    article = Article.objects.get(pk=old["article"].pk)
    assert article.lead_image == haven
    assert article.image_caption == "Eigen bijschrift bij dit artikel."
    assert list(haven.articles.all()) == [article]
    assert [str(byline) for byline in article.bylines.all()] == [
        "Samira El Idrissi (tekst)"
    ]
    assert sorted(article.tags.names()) == ["Havens", "Marokko"]
    version = Version.objects.get_for_object(article).get()
    assert version.field_dict["lead_image_id"] == haven.pk
    assert version.revision.comment == "Eerste versie"

    # The content type moved with its id: log entries, permissions and grants stay.
    image_type = ContentType.objects.get_for_model(Image)
    assert (image_type.pk, image_type.app_label) == (old["image_type"], "images")
    assert not ContentType.objects.filter(app_label="articles", model="image")
    entry = LogEntry.objects.get(content_type=image_type)
    assert entry.get_edited_object() == haven
    assert Permission.objects.filter(content_type=image_type).count() == 4
    photo_desk = Group.objects.get(name="Fotoredactie")
    assert [
        f"{perm.content_type.app_label}.{perm.codename}"
        for perm in photo_desk.permissions.all()
    ] == ["images.delete_image"]
    photographer = haven.created_by
    assert photographer.pk == old["user"]
    assert photographer.has_perm("images.change_image")
    assert not photographer.has_perm("images.delete_image")
    reporters = Group.objects.get(name="Verslaggever")
    assert reporters.permissions.filter(
        content_type=image_type, codename="change_image"
    ).exists()


def test_the_move_can_be_reversed(old_apps):
    old = make_old_site(old_apps)
    migrate_to()

    apps = migrate_to(*BEFORE)

    OldImage = apps.get_model("articles", "Image")
    OldArticle = apps.get_model("articles", "Article")
    OldContentType = apps.get_model("contenttypes", "ContentType")
    assert set(OldImage.objects.values_list("pk", flat=True)) == set(old["images"])
    article = OldArticle.objects.get(pk=old["article"].pk)
    assert article.lead_image.credit == "Karim Amrani"
    image_type = OldContentType.objects.get(app_label="articles", model="image")
    assert image_type.pk == old["image_type"]
    assert not OldContentType.objects.filter(app_label="images").exists()
