"""Index the articles for full-text search, on SQLite only.

An external-content FTS5 table over title, lead and body, triggers that keep it in
sync, and a 'rebuild' that fills it from the existing articles (articles/search/fulltext.py
holds the SQL). PostgreSQL has its own index (0008_search_document); an SQLite
without FTS5 migrates without it and searches by substring.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from articles.search import fulltext

    fulltext.install(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from articles.search import fulltext

    fulltext.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_search_document"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
