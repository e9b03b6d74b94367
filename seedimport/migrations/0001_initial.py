# The import log moved here from the project package (newsroom.0001_seed_import_log).
# Its table keeps its name and rows: this migration only tells Django's state that the
# model now belongs to seedimport; newsroom.0002 removes it from newsroom's state.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('articles', '0001_initial'),
        ('ticker', '0001_initial'),
        ('newsroom', '0001_seed_import_log'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SeedRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(help_text='De naam van het seedbestand waaruit dit item kwam.', max_length=255, verbose_name='bronbestand')),
                        ('line', models.PositiveIntegerField(verbose_name='regel')),
                        ('kind', models.CharField(choices=[('ticker', 'tickerbericht'), ('article', 'artikel')], max_length=16, verbose_name='soort')),
                        ('key', models.CharField(help_text='Zoals het in het bestand stond. Hieraan herkent een volgende import de regel, ook als de redactie de kop sindsdien heeft aangepast.', max_length=255, verbose_name='oorspronkelijke kop of titel')),
                        ('fingerprint', models.CharField(max_length=64, verbose_name='vingerafdruk')),
                        ('imported_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='geïmporteerd op')),
                        ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='seed_records', to='articles.article', verbose_name='artikel')),
                        ('ticker_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='seed_records', to='ticker.tickeritem', verbose_name='tickerbericht')),
                    ],
                    options={
                        'verbose_name': 'geïmporteerd item',
                        'verbose_name_plural': 'geïmporteerde items',
                        'db_table': 'newsroom_seedrecord',
                        'ordering': ['source', 'line'],
                        'indexes': [models.Index(fields=['kind', 'key'], name='seedrecord_key_idx')],
                        'constraints': [models.UniqueConstraint(fields=('source', 'kind', 'key'), name='seedrecord_unique_key', violation_error_message='Deze regel van dit bestand is al eens geïmporteerd.'), models.CheckConstraint(condition=models.Q(('article__isnull', True), ('ticker_item__isnull', True), _connector='OR'), name='seedrecord_one_target')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
