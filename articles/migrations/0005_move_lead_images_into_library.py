"""Wrap every existing lead image file into an Image of the library.

Each file is checked and cleaned like a new upload (EXIF and GPS removed, orientation
applied) and stored under a new name, and its renditions are made now, so no reader
ever waits for them. The article's alt text, caption and credit move onto the Image;
a second article with the same file and another caption keeps that caption as its
own. Old revisions are rewritten to point at the Image, so history, comparing and
restoring keep working. The old files are deleted once the migration has committed:
they were public, and may carry GPS coordinates.

A file that cannot be read or is refused stays as it is, in an Image without
renditions: pages show no image for it, and ``make_renditions`` names it, so an
editor can replace it.
"""

import json
import logging

from django.core.exceptions import ValidationError
from django.db import migrations, transaction

from images import images

logger = logging.getLogger("articles.migrations")


class Wrapper:
    def __init__(self, apps):
        self.Image = apps.get_model("articles", "Image")
        Article = apps.get_model("articles", "Article")
        self.storage = Article._meta.get_field("legacy_lead_image").storage
        self.wrapped = {}
        self.replaced = []

    def wrap(self, name, *, alt="", caption="", credit="", created_by_id=None):
        """Return the Image for the old file name, made on first sight."""
        image = self.wrapped.get(name)
        if image is not None:
            # Fill in what the first article using the file did not have.
            found = {"alt": alt, "credit": credit}
            changed = [f for f, v in found.items() if v and not getattr(image, f)]
            for field in changed:
                setattr(image, field, found[field])
            if changed:
                image.save(update_fields=changed)
            return image
        image = self.Image(
            alt=alt, caption=caption, credit=credit, created_by_id=created_by_id
        )
        try:
            with self.storage.open(name, "rb") as file:
                prepared = images.prepare_upload(file)
        except (OSError, ValidationError) as error:
            logger.warning(
                "Lead image %s kept as it is, without renditions: %s", name, error
            )
            if not self.storage.exists(name):
                return None
            image.file.name = name
            image.save()
            self.wrapped[name] = image
            return image
        image.file.name = self.storage.save(
            images.upload_to(image, prepared.name), prepared
        )
        image.width, image.height = prepared.width, prepared.height
        image.save()
        image.renditions = images.build_renditions(
            self.storage, image.pk, image.file.name, source=prepared.image
        )
        image.save(update_fields=["renditions"])
        self.wrapped[name] = image
        self.replaced.append(name)
        return image


def article_versions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    content_type = ContentType.objects.filter(app_label="articles", model="article")
    return Version.objects.filter(content_type__in=content_type, format="json")


def forwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    wrapper = Wrapper(apps)
    articles = Article.objects.exclude(legacy_lead_image="").exclude(
        legacy_lead_image__isnull=True
    )
    for article in articles.order_by("pk"):
        image = wrapper.wrap(
            article.legacy_lead_image.name,
            alt=article.lead_image_alt,
            caption=article.lead_image_caption,
            credit=article.lead_image_credit,
            created_by_id=article.created_by_id,
        )
        own_caption = article.lead_image_caption
        if image is not None and own_caption == image.caption:
            own_caption = ""
        # update(): a migration is no edit, the version counter stays as it is.
        Article.objects.filter(pk=article.pk).update(
            lead_image=image, lead_image_caption=own_caption
        )

    for version in article_versions(apps).iterator():
        data = json.loads(version.serialized_data)
        changed = False
        for obj in data:
            fields = obj.get("fields", {})
            if not isinstance(fields.get("lead_image"), str):
                continue
            name = fields["lead_image"]
            alt = fields.pop("lead_image_alt", "")
            credit = fields.pop("lead_image_credit", "")
            caption = fields.get("lead_image_caption", "")
            image = (
                wrapper.wrap(name, alt=alt, caption=caption, credit=credit)
                if name
                else None
            )
            fields["lead_image"] = image.pk if image is not None else None
            if image is not None and caption == image.caption:
                fields["lead_image_caption"] = ""
            changed = True
        if changed:
            version.serialized_data = json.dumps(data)
            version.save(update_fields=["serialized_data"])

    storage, replaced = wrapper.storage, list(wrapper.replaced)
    transaction.on_commit(lambda: [storage.delete(name) for name in replaced])


def backwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("articles", "Image")
    for article in Article.objects.exclude(lead_image=None).select_related(
        "lead_image"
    ):
        image = article.lead_image
        Article.objects.filter(pk=article.pk).update(
            legacy_lead_image=image.file.name,
            lead_image_alt=image.alt[:300],
            lead_image_credit=image.credit[:120],
            lead_image_caption=article.lead_image_caption or image.caption,
        )
    by_pk = {image.pk: image for image in Image.objects.all()}
    for version in article_versions(apps).iterator():
        data = json.loads(version.serialized_data)
        for obj in data:
            fields = obj.get("fields", {})
            image = by_pk.get(fields.get("lead_image"))
            if "lead_image" not in fields or isinstance(fields["lead_image"], str):
                continue
            fields["lead_image"] = image.file.name if image else ""
            fields["lead_image_alt"] = image.alt if image else ""
            fields["lead_image_credit"] = image.credit if image else ""
            if image and not fields.get("lead_image_caption"):
                fields["lead_image_caption"] = image.caption
        version.serialized_data = json.dumps(data)
        version.save(update_fields=["serialized_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_image_library"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
