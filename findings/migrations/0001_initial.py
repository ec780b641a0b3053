"""Findings become an app of their own (they were monev's). The table already exists as
``monev_finding``: this only tells Django's state that ``findings`` owns the model; 0002
renames the table."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("monev", "0005_alter_message_kind_alter_notification_kind_and_more"),
        ("evidence", "0003_delete_auditevent"),
        ("workplan", "0003_quarter_grace_days_default"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Finding",
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
                        ("description", models.TextField(verbose_name="temuan")),
                        ("recommendation", models.TextField(verbose_name="rekomendasi tindakan")),
                        ("due_date", models.DateField(verbose_name="batas tindak lanjut")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Terbuka"),
                                    ("in_progress", "Dalam proses"),
                                    ("done", "Selesai"),
                                    ("not_accepted", "Tidak diterima"),
                                ],
                                db_index=True,
                                default="open",
                                max_length=14,
                                verbose_name="status",
                            ),
                        ),
                        ("follow_up", models.TextField(blank=True, verbose_name="tindak lanjut")),
                        (
                            "rejection_reason",
                            models.TextField(blank=True, verbose_name="alasan tidak diterima"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="dicatat"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="diubah")),
                        (
                            "closed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="ditutup"),
                        ),
                        (
                            "activity",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="findings",
                                to="workplan.activity",
                                verbose_name="kegiatan",
                            ),
                        ),
                        (
                            "area",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="findings",
                                to="workplan.changearea",
                                verbose_name="area",
                            ),
                        ),
                        (
                            "cell",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="findings",
                                to="workplan.commitmentcell",
                                verbose_name="sel",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="dicatat oleh",
                            ),
                        ),
                        (
                            "follow_up_evidence",
                            models.ManyToManyField(
                                blank=True,
                                related_name="findings",
                                to="evidence.evidenceversion",
                                verbose_name="evidence tindak lanjut",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="owned_findings",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="penanggung jawab",
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="findings",
                                to="workplan.workplan",
                                verbose_name="rencana kerja",
                            ),
                        ),
                        (
                            "requirement",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="findings",
                                to="workplan.evidencerequirement",
                                verbose_name="butir evidence",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "temuan",
                        "verbose_name_plural": "temuan",
                        "ordering": ["due_date", "pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("status", "not_accepted"), _negated=True),
                                    models.Q(("rejection_reason", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="finding_rejection_needs_reason",
                            )
                        ],
                        "db_table": "monev_finding",
                    },
                ),
            ],
        ),
    ]
