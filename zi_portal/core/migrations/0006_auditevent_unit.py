"""Every audit entry names the unit it belongs to, so that a unit's people read their
own unit's trail only. Existing entries take the unit of their evidence item, else of
the person who acted, else of the person concerned. On PostgreSQL the append-only
trigger (0004) is set aside for this one backfill and restored in the same
transaction."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BACKFILL = """
UPDATE core_auditevent SET unit_id = COALESCE(
    (SELECT u.unit_id FROM accounts_user u WHERE u.id = core_auditevent.actor_id),
    (SELECT u.unit_id FROM accounts_user u WHERE u.id = core_auditevent.subject_user_id)
)
WHERE unit_id IS NULL
"""
# First the unit of the entry's evidence item (through its cell, quarter and plan).
PLAN_TO_UNIT = """
UPDATE core_auditevent SET unit_id = (
    SELECT p.unit_id FROM workplan_workplan p
    JOIN workplan_quarter q ON q.plan_id = p.id
    JOIN workplan_commitmentcell c ON c.quarter_id = q.id
    JOIN workplan_evidencerequirement r ON r.cell_id = c.id
    WHERE r.id = core_auditevent.requirement_id)
WHERE requirement_id IS NOT NULL
"""


def backfill(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
        cursor.execute(PLAN_TO_UNIT)  # the item's unit
        cursor.execute(BACKFILL)  # then the actor's, then the person concerned's
        if postgres:
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_alter_auditevent_action"),
        ("workplan", "0003_quarter_grace_days_default"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workplan.unit",
                verbose_name="unit kerja",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["unit", "-at"], name="core_audit_unit_at"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
