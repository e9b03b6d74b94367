"""The image library moves to the images app; its table and rows stay as they are.

State only: the lead image points at images.Image (the same table, articles_image),
and the Image leaves the articles state. The database is not touched.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_sqlite_fulltext_vocabulary"),
        ("images", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="lead_image",
                    field=models.ForeignKey(
                        blank=True,
                        help_text=(
                            "Kies een afbeelding uit de beeldbank of voeg er een toe "
                            "(+). Alt-tekst, credit en focuspunt staan bij de "
                            "afbeelding zelf (potlood)."
                        ),
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="articles",
                        to="images.image",
                        verbose_name="hoofdafbeelding",
                    ),
                ),
                migrations.DeleteModel(name="Image"),
            ],
            database_operations=[],
        ),
    ]
