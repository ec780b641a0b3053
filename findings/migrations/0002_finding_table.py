"""The findings table (and its evidence links) take the app's name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0001_initial"),
        ("monev", "0006_delete_finding"),
    ]

    operations = [
        migrations.AlterModelTable(name="finding", table=None),
    ]
