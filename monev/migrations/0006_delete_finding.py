"""Findings now belong to the findings app (findings 0001): only Django's state forgets
the model here; the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monev", "0005_alter_message_kind_alter_notification_kind_and_more"),
        ("findings", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Finding")],
        ),
    ]
