# The import log now belongs to the seedimport app (seedimport.0001), with the same
# table: remove it from this app's state only, never drop the table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('newsroom', '0001_seed_import_log'),
        ('seedimport', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='SeedRecord')],
            database_operations=[],
        ),
    ]
