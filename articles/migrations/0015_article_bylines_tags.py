"""ArticleCredits becomes ArticleBylinesTags: "credit" is a photo's credit.

The table keeps its name (articles_articlecredits), so nothing is copied or renamed
in the database and a server still running the previous release keeps working
during the deploy.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_previewlink_created_labels"),
    ]

    operations = [
        # First pin the table's name, so the rename below changes no table.
        migrations.AlterModelTable(
            name="articlecredits",
            table="articles_articlecredits",
        ),
        migrations.RenameModel(
            old_name="ArticleCredits",
            new_name="ArticleBylinesTags",
        ),
        migrations.AlterField(
            model_name="articlebylinestags",
            name="article",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="bylines_tags",
                serialize=False,
                to="articles.article",
            ),
        ),
    ]
