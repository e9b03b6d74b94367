"""Drop the old lead image fields: file, alt text and credit now live on Image.

The article keeps lead_image_caption, as an optional caption of its own.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_move_lead_images_into_library"),
    ]

    operations = [
        migrations.RemoveField(model_name="article", name="legacy_lead_image"),
        migrations.RemoveField(model_name="article", name="lead_image_alt"),
        migrations.RemoveField(model_name="article", name="lead_image_credit"),
        migrations.AlterField(
            model_name="article",
            name="lead_image_caption",
            field=models.CharField(
                blank=True,
                help_text="Leeg laten voor het bijschrift uit de beeldbank.",
                max_length=300,
                verbose_name="bijschrift bij dit artikel",
            ),
        ),
    ]
