"""Pieces every app shares: the timestamped base model, the worker heartbeat, the
append-only audit trail, the task outbox and the storage checks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import AuditAction


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task that beat schedules.

    One row per worker host name. The status page reads it to tell the Ketua Tim
    whether the worker and beat (which send reminders and build reports) are alive.
    """

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    # "worker" rows are written by the heartbeat task a worker runs; the "beat" row by
    # the beat process each time it hands a scheduled task to the broker.
    kind = models.CharField(_("proses"), max_length=10, default="worker")
    last_seen = models.DateTimeField(_("terakhir aktif"))
    beats = models.PositiveBigIntegerField(_("jumlah detak"), default=0)

    class Meta:
        verbose_name = _("detak worker")
        verbose_name_plural = pgettext_lazy("jamak", "detak worker")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.hostname


class AuditEventQuerySet(models.QuerySet):
    """Audit rows are only ever added: bulk updates and deletes are refused here, and on
    PostgreSQL a trigger refuses them in the database too (migration core 0004).
    Entries belong to a unit (``unit_field``, read by ``accounts.permissions``)."""

    unit_field = "unit"

    def update(self, **kwargs):
        raise ValueError("Audit events are append-only.")

    def delete(self):
        raise ValueError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One entry of the audit trail: who did what, when, from where, and the status
    before and after. Rows are only ever added: ``save`` refuses updates, ``delete`` and
    the queryset's ``update``/``delete`` refuse outright, the admin shows them
    read-only, and PostgreSQL refuses UPDATE and DELETE on the table."""

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    # The unit the change belongs to: who may read the entry (``restrict_rows`` with
    # ``unit_field="unit"``). Empty for what belongs to no unit (a new LKE master list).
    unit = models.ForeignKey(
        "workplan.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit kerja"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    action = models.CharField(
        _("tindakan"), max_length=40, choices=AuditAction.choices, db_index=True
    )
    requirement = models.ForeignKey(
        "workplan.EvidenceRequirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("kewajiban bukti dukung"),
    )
    area = models.ForeignKey(
        "workplan.ChangeArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pengguna terkait"),
    )
    object_type = models.CharField(_("jenis objek"), max_length=60)
    object_id = models.CharField(_("id objek"), max_length=64)
    summary = models.CharField(_("ringkasan"), max_length=500)
    before = models.JSONField(_("sebelum"), default=dict, blank=True)
    after = models.JSONField(_("sesudah"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = pgettext_lazy("jamak", "jejak audit")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["unit", "-at"], name="core_audit_unit_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class OutboxTask(models.Model):
    """A task the portal has decided to run, written in the same transaction as the work
    that asks for it (``zi_portal.core.queue.enqueue``).

    It is handed to the broker once that transaction commits and is due
    (``not_before``); while the broker is away it waits here and beat's flush sends it
    later. ``done_at`` is set when a worker has run it, so a task the broker lost (Redis
    keeps nothing on disk) is sent again. See ``zi_portal.core.outbox``."""

    task = models.CharField(_("tugas"), max_length=200)
    args = models.JSONField(_("argumen"), default=list, blank=True)
    task_id = models.CharField(_("id tugas"), max_length=36, unique=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    not_before = models.DateTimeField(_("dijalankan mulai"), db_index=True)
    sent_at = models.DateTimeField(_("diserahkan ke broker"), null=True, blank=True)
    done_at = models.DateTimeField(_("selesai dijalankan"), null=True, blank=True)
    sends = models.PositiveSmallIntegerField(_("jumlah kiriman"), default=0)
    failures = models.PositiveIntegerField(_("gagal diserahkan"), default=0)
    gave_up_at = models.DateTimeField(_("dihentikan"), null=True, blank=True)
    last_error = models.TextField(_("kesalahan terakhir"), blank=True)

    class Meta:
        verbose_name = _("antrean keluar")
        verbose_name_plural = pgettext_lazy("jamak", "antrean keluar")
        ordering = ["not_before", "pk"]
        indexes = [
            models.Index(
                fields=["not_before"],
                condition=models.Q(sent_at__isnull=True, gave_up_at__isnull=True),
                name="core_outbox_due",
            ),
            models.Index(
                fields=["sent_at"],
                condition=models.Q(done_at__isnull=True, gave_up_at__isnull=True),
                name="core_outbox_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}{self.args}"


class StorageCheck(models.Model):
    """What one storage reconciliation found (``zi_portal.core.reconcile``): beat runs it
    daily, ``manage.py reconcile_storage`` on demand. The status page shows the latest."""

    checked_at = models.DateTimeField(_("diperiksa"), auto_now_add=True)
    files = models.PositiveIntegerField(_("berkas di penyimpanan"), default=0)
    referenced = models.PositiveIntegerField(_("berkas yang dicatat"), default=0)
    orphans = models.PositiveIntegerField(_("berkas tanpa catatan"), default=0)
    orphan_bytes = models.PositiveBigIntegerField(_("ukuran berkas tanpa catatan"), default=0)
    missing = models.PositiveIntegerField(_("catatan tanpa berkas"), default=0)
    # The first few missing files, as "app.Model:pk name" (the log holds them all).
    missing_sample = models.JSONField(_("contoh berkas hilang"), default=list, blank=True)
    leftovers_removed = models.PositiveIntegerField(_("berkas sementara dihapus"), default=0)
    quarantined = models.PositiveIntegerField(_("dipindahkan ke karantina"), default=0)

    class Meta:
        verbose_name = _("pemeriksaan penyimpanan")
        verbose_name_plural = pgettext_lazy("jamak", "pemeriksaan penyimpanan")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M}"
