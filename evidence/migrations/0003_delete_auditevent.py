"""The audit trail now belongs to core (core 0002): only Django's state forgets it here;
the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0002_alter_auditevent_action"),
        ("core", "0002_auditevent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
        ),
    ]
