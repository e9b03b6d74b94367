# The log's content type follows the model, so its permissions (and the groups and
# users that hold them) and its admin history stay attached.

from django.db import migrations

MODEL = 'seedrecord'


def rename(apps, schema_editor, old, new):
    content_types = apps.get_model('contenttypes', 'ContentType').objects.using(
        schema_editor.connection.alias
    )
    # A database migrated from scratch has neither yet (post_migrate makes them).
    if not content_types.filter(app_label=new, model=MODEL).exists():
        content_types.filter(app_label=old, model=MODEL).update(app_label=new)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, 'newsroom', 'seedimport')


def backwards(apps, schema_editor):
    rename(apps, schema_editor, 'seedimport', 'newsroom')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('seedimport', '0001_initial'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
