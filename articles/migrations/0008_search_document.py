"""Store the search document, on PostgreSQL only.

Migration 0003 indexed the expression articles.search.search_vector(): matching used
the index, but ranking computed the expression again for every match, about half a
millisecond per article (its body's words). A generated column stores the same
expression once per write; the GIN index article_search_idx now covers that column.
The column is not a model field (it exists on PostgreSQL only, and no other query
reads it): articles.search.SearchDocument refers to it.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('dutch'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, COALESCE(lead, '')), 'B') || "
    "setweight(to_tsvector('dutch'::regconfig, COALESCE(body, '')), 'C')"
)
OLD_INDEX = f"CREATE INDEX article_search_idx ON articles_article USING gin (({DOCUMENT}))"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS article_search_idx")
    schema_editor.execute(
        "ALTER TABLE articles_article ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX article_search_idx ON articles_article "
        "USING gin (search_document)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE articles_article DROP COLUMN search_document")
    schema_editor.execute(OLD_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_public_page_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
