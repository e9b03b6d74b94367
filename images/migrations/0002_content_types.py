"""Give the moved Image's content type the images app label.

Its permissions (add/change/delete/view_image) hang on that content type, so the
role groups and any group or user an administrator gave them keep them, now as
"images.change_image" and so on; admin log entries keep pointing at their images.
"""

from django.db import migrations

MODELS = ["image"]


def relabel(old, new):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in MODELS:
            moving = ContentType.objects.using(db).filter(app_label=old, model=model)
            if not moving.exists():
                continue
            # One made for the new label in the meantime (a migrate that stopped
            # half-way) holds no grants worth more than the ones that move.
            ContentType.objects.using(db).filter(app_label=new, model=model).delete()
            moving.update(app_label=new)
        ContentType.objects.clear_cache()

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("images", "0001_initial"),
        ("articles", "0013_image_moves_to_images_app"),
    ]

    operations = [
        migrations.RunPython(
            relabel("articles", "images"), relabel("images", "articles")
        ),
    ]
