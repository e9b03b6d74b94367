"""A GIN index for full-text search, on PostgreSQL only.

The index is built on the very expression articles.search.search_vector() returns, so
PostgreSQL uses it for /zoeken/. Other databases (SQLite in development) search
without it. The index is not in the model's Meta: it exists on one vendor only, and
the migration state must look the same on both.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def search_index():
    return GinIndex(
        SearchVector("title", weight="A", config="dutch")
        + SearchVector("lead", weight="B", config="dutch")
        + SearchVector("body", weight="C", config="dutch"),
        name="article_search_idx",
    )


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Article"), search_index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(
            apps.get_model("articles", "Article"), search_index()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_workflow"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index, elidable=False),
    ]
