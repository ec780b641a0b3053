"""The audit trail's table takes core's name (``core_auditevent``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditevent"),
        ("evidence", "0003_delete_auditevent"),
    ]

    operations = [
        migrations.AlterModelTable(name="auditevent", table=None),
    ]
