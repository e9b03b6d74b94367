"""The image library: Image records, and a place on Article to point at one.

The old lead_image file field is kept for a moment as legacy_lead_image, so the next
migration can wrap each file into an Image.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import images.images


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Image",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "file",
                    models.ImageField(
                        help_text="JPEG, PNG, WebP of GIF. Locatie- en cameragegevens worden verwijderd; van een bewegende GIF blijft alleen het eerste beeld.",
                        max_length=255,
                        upload_to=images.images.upload_to,
                        verbose_name="bestand",
                    ),
                ),
                (
                    "width",
                    models.PositiveIntegerField(
                        default=0, editable=False, verbose_name="breedte"
                    ),
                ),
                (
                    "height",
                    models.PositiveIntegerField(
                        default=0, editable=False, verbose_name="hoogte"
                    ),
                ),
                (
                    "alt",
                    models.CharField(
                        blank=True,
                        help_text="Beschrijf wat er op de afbeelding te zien is, voor wie haar niet ziet. Nodig om een artikel met deze afbeelding te publiceren, tenzij de afbeelding decoratief is.",
                        max_length=300,
                        verbose_name="alt-tekst",
                    ),
                ),
                (
                    "decorative",
                    models.BooleanField(
                        default=False,
                        help_text="Alleen voor sfeerbeelden die niets toevoegen aan de tekst: schermlezers slaan ze over en er is geen alt-tekst nodig.",
                        verbose_name="decoratief",
                    ),
                ),
                (
                    "caption",
                    models.CharField(
                        blank=True, max_length=300, verbose_name="bijschrift"
                    ),
                ),
                (
                    "credit",
                    models.CharField(
                        blank=True,
                        help_text="Fotograaf of bureau, bijv. ‘ANP’ of ‘Karim Amrani’.",
                        max_length=120,
                        verbose_name="fotocredit",
                    ),
                ),
                (
                    "focal_x",
                    models.FloatField(
                        default=0.5,
                        help_text="0 is de linkerrand, 1 de rechterrand.",
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1),
                        ],
                        verbose_name="focuspunt (horizontaal)",
                    ),
                ),
                (
                    "focal_y",
                    models.FloatField(
                        default=0.5,
                        help_text="0 is de bovenrand, 1 de onderrand.",
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1),
                        ],
                        verbose_name="focuspunt (verticaal)",
                    ),
                ),
                (
                    "renditions",
                    models.JSONField(
                        blank=True, default=dict, editable=False, verbose_name="versies"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="geüpload"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(auto_now=True, verbose_name="bijgewerkt"),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="geüpload door",
                    ),
                ),
            ],
            options={
                "verbose_name": "afbeelding",
                "verbose_name_plural": "afbeeldingen",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.RenameField(
            model_name="article",
            old_name="lead_image",
            new_name="legacy_lead_image",
        ),
        migrations.AddField(
            model_name="article",
            name="lead_image",
            field=models.ForeignKey(
                blank=True,
                help_text="Kies een afbeelding uit de beeldbank of voeg er een toe (+). Alt-tekst, credit en focuspunt staan bij de afbeelding zelf (potlood).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles",
                to="articles.image",
                verbose_name="hoofdafbeelding",
            ),
        ),
    ]
