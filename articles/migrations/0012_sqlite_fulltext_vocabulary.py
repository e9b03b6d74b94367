"""The vocabulary of SQLite's full-text index, on SQLite only.

An fts5vocab table over articles_article_fts (articles/search/fulltext.py): search reads it
to match a word exactly when no other indexed word starts with it, which FTS5 reads
lazily, instead of as a prefix, which FTS5 reads whole. Nothing on PostgreSQL, or on
an SQLite without the index.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from articles.search import fulltext

    fulltext.install_vocabulary(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from articles.search import fulltext

    fulltext.uninstall_vocabulary(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_article_credits"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
