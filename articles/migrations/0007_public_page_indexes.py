"""Indexes for the public pages at 100,000 articles (benchmarks/explain.py).

Article: the publication indexes now end in expires_at, so published() is decided
from the index alone, and two small partial indexes find the next expiry (page
cache) and the latest update (sitemap index).

Tag links, on PostgreSQL only: Django joins articles to taggit's tag links on
object_id::bigint (an integer column against a bigint key), which no plain index on
object_id serves; a tag page then hashes every link of the tag. This index is on
that very expression.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Cast


def tag_link_index():
    return models.Index(
        models.F("content_type"),
        Cast("object_id", models.BigIntegerField()),
        models.F("tag"),
        name="taggeditem_article_idx",
    )


def add_tag_link_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("taggit", "TaggedItem"), tag_link_index())


def remove_tag_link_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(
            apps.get_model("taggit", "TaggedItem"), tag_link_index()
        )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0006_article_lead_image_from_library'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='article',
            name='article_public_idx',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='article_section_idx',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='article_featured_idx',
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['status', 'published_at', 'expires_at'], name='article_public_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['section', 'status', 'published_at', 'expires_at'], name='article_section_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['featured', 'status', 'published_at', 'expires_at'], name='article_featured_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('expires_at__isnull', False)), fields=['status', 'expires_at'], name='article_expiry_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('public_updated_at__isnull', False)), fields=['status', 'public_updated_at'], name='article_updated_idx'),
        ),
        migrations.RunPython(
            add_tag_link_index, remove_tag_link_index, elidable=False
        ),
    ]
