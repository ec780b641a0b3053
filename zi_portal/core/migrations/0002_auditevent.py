"""The audit trail moves from the evidence app to core (shared infrastructure).

The table already exists (made by evidence 0001 as ``evidence_auditevent``): this only
tells Django's state that core owns the model; 0003 renames the table."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("evidence", "0002_alter_auditevent_action"),
        ("workplan", "0002_change_areas"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
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
                            "at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="waktu"
                            ),
                        ),
                        (
                            "ip_address",
                            models.GenericIPAddressField(
                                blank=True, null=True, verbose_name="alamat IP"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("evidence.upload", "Unggah evidence"),
                                    ("evidence.withdraw", "Tarik versi"),
                                    ("evidence.review", "Reviu evidence"),
                                    ("user.roles", "Ubah peran pengguna"),
                                    ("cell.pic", "Ubah PIC sel"),
                                    ("pokja.member_add", "Tambah anggota pokja"),
                                    ("pokja.member_remove", "Keluarkan anggota pokja"),
                                    ("activity.months", "Ubah bulan kegiatan"),
                                    ("activity.realisation", "Catat realisasi kegiatan"),
                                    ("lke.master", "Muat master soal LKE"),
                                    ("lke.answer", "Ubah jawaban LKE"),
                                    ("lke.import", "Impor jawaban LKE"),
                                    ("lke.token_issue", "Buat token PortalRB"),
                                    ("lke.token_revoke", "Cabut token PortalRB"),
                                    ("lke.proposal", "Ubah usulan PortalRB"),
                                    ("lke.predicate", "Catat predikat"),
                                ],
                                db_index=True,
                                max_length=40,
                                verbose_name="tindakan",
                            ),
                        ),
                        (
                            "object_type",
                            models.CharField(max_length=60, verbose_name="jenis objek"),
                        ),
                        ("object_id", models.CharField(max_length=64, verbose_name="id objek")),
                        ("summary", models.CharField(max_length=500, verbose_name="ringkasan")),
                        (
                            "before",
                            models.JSONField(blank=True, default=dict, verbose_name="sebelum"),
                        ),
                        (
                            "after",
                            models.JSONField(blank=True, default=dict, verbose_name="sesudah"),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="pelaku",
                            ),
                        ),
                        (
                            "area",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="workplan.changearea",
                                verbose_name="area",
                            ),
                        ),
                        (
                            "requirement",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="audit_events",
                                to="workplan.evidencerequirement",
                                verbose_name="kewajiban evidence",
                            ),
                        ),
                        (
                            "subject_user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="pengguna terkait",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "jejak audit",
                        "verbose_name_plural": "jejak audit",
                        "ordering": ["-at", "-pk"],
                        "db_table": "evidence_auditevent",
                    },
                ),
            ],
        ),
    ]
