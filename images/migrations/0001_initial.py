"""The image library, moved here from the articles app with its table.

The table stays `articles_image`, so an existing database keeps its rows and files and
nothing is copied: this migration only tells Django's model state that the Image now
belongs to this app (articles 0013 takes it out of the articles state). On a new
database articles 0004 creates the table, which is why this depends on articles.
"""

import django.core.validators
import django.db.models.deletion
import images.images
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("articles", "0012_sqlite_fulltext_vocabulary"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='Image',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.ImageField(help_text='JPEG, PNG, WebP of GIF. Locatie- en cameragegevens worden verwijderd; van een bewegende GIF blijft alleen het eerste beeld.', max_length=255, upload_to=images.images.upload_to, verbose_name='bestand')),
                ('width', models.PositiveIntegerField(default=0, editable=False, verbose_name='breedte')),
                ('height', models.PositiveIntegerField(default=0, editable=False, verbose_name='hoogte')),
                ('alt', models.CharField(blank=True, help_text='Beschrijf wat er op de afbeelding te zien is, voor wie haar niet ziet. Nodig om een artikel met deze afbeelding te publiceren, tenzij de afbeelding decoratief is.', max_length=300, verbose_name='alt-tekst')),
                ('decorative', models.BooleanField(default=False, help_text='Alleen voor sfeerbeelden die niets toevoegen aan de tekst: schermlezers slaan ze over en er is geen alt-tekst nodig.', verbose_name='decoratief')),
                ('caption', models.CharField(blank=True, max_length=300, verbose_name='bijschrift')),
                ('credit', models.CharField(blank=True, help_text='Fotograaf of bureau, bijv. ‘ANP’ of ‘Karim Amrani’.', max_length=120, verbose_name='fotocredit')),
                ('focal_x', models.FloatField(default=0.5, help_text='0 is de linkerrand, 1 de rechterrand.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='focuspunt (horizontaal)')),
                ('focal_y', models.FloatField(default=0.5, help_text='0 is de bovenrand, 1 de onderrand.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='focuspunt (verticaal)')),
                ('renditions', models.JSONField(blank=True, default=dict, editable=False, verbose_name='versies')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='geüpload')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='bijgewerkt')),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='geüpload door')),
            ],
            options={
                'verbose_name': 'afbeelding',
                'verbose_name_plural': 'afbeeldingen',
                'db_table': 'articles_image',
                'ordering': ['-created_at', '-pk'],
            },
        ),
            ],
            database_operations=[],
        ),
    ]
