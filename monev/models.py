"""Reminders and notifications: who was told what, when, and whether it arrived.

A ``ReminderRecord`` is written, under a unique constraint, *before* anything is sent:
it is what makes the daily sweep safe to run twice or on two workers at once. The
records of one sweep for one person are bundled into one ``Message`` (an e-mail with a
twin ``Notification`` in the portal)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import (
    FindingStatus,
    MessageStatus,
    Realisation,
    ReminderKind,
    ReportKind,
    ReportStatus,
)


class ReminderPolicy(models.Model):
    """When a plan's reminders go out. One row per plan (created with defaults)."""

    plan = models.OneToOneField(
        "workplan.WorkPlan",
        on_delete=models.CASCADE,
        related_name="reminder_policy",
        verbose_name=_("rencana kerja"),
    )
    upcoming_days = models.JSONField(
        _("hari sebelum batas waktu"),
        default=list,
        help_text=_("Mis. [14, 3]: pengingat 14 dan 3 hari sebelum batas waktu triwulan."),
    )
    overdue_interval_days = models.PositiveSmallIntegerField(
        _("ulang pemberitahuan terlambat setiap (hari)"), default=7
    )
    overdue_max_repeats = models.PositiveSmallIntegerField(
        _("paling banyak pemberitahuan terlambat"), default=4
    )
    digest_weekday = models.PositiveSmallIntegerField(
        _("hari ringkasan mingguan"),
        default=0,
        choices=[
            (0, _("Senin")),
            (1, _("Selasa")),
            (2, _("Rabu")),
            (3, _("Kamis")),
            (4, _("Jumat")),
            (5, _("Sabtu")),
            (6, _("Minggu")),
        ],
    )
    send_on_weekends = models.BooleanField(_("kirim juga pada akhir pekan"), default=False)

    class Meta:
        verbose_name = _("aturan pengingat")
        verbose_name_plural = pgettext_lazy("jamak", "aturan pengingat")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_weekday__lte=6), name="policy_weekday_0_6"
            ),
            models.CheckConstraint(
                condition=models.Q(overdue_interval_days__gte=1), name="policy_interval_gte1"
            ),
        ]

    def __str__(self) -> str:
        return str(self.plan)

    @property
    def thresholds(self) -> list[int]:
        return sorted(
            {int(d) for d in (self.upcoming_days or [14, 3]) if int(d) >= 0}, reverse=True
        )


class Message(models.Model):
    """One e-mail to one person (with the same text as a portal notification)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="messages",
        verbose_name=_("penerima"),
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=ReminderKind.choices)
    subject = models.CharField(_("subjek"), max_length=255)
    body_text = models.TextField(_("isi"))
    body_html = models.TextField(_("isi HTML"))
    url = models.CharField(_("tautan"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=MessageStatus.choices,
        default=MessageStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("kesalahan terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    claimed_at = models.DateTimeField(
        _("sedang dikirim sejak"),
        null=True,
        blank=True,
        help_text=_("Diisi selama satu worker mengirim pesan ini, agar tidak dikirim dua kali."),
    )

    class Meta:
        verbose_name = _("pesan")
        verbose_name_plural = pgettext_lazy("jamak", "pesan")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.subject}"


class ReminderRecord(models.Model):
    """ "This person has been told about this scope for this period" — written before
    sending; the unique constraint makes every reminder go out exactly once.

    ``scope`` names what the reminder is about (``cell-12``, ``review-40``, ``plan-1``);
    ``period`` which occurrence (``14``, ``3`` days before; overdue repeat ``0``, ``1`` …;
    an ISO week for the digest)."""

    kind = models.CharField(_("jenis"), max_length=12, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reminder_records",
        verbose_name=_("penerima"),
    )
    scope = models.CharField(_("lingkup"), max_length=40)
    period = models.CharField(_("periode"), max_length=40)
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, related_name="records", verbose_name=_("pesan")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("catatan pengingat")
        verbose_name_plural = pgettext_lazy("jamak", "catatan pengingat")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "scope", "period"], name="reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.scope} {self.period} → {self.recipient}"


class Notification(models.Model):
    """A message as it appears in the portal's notification list."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("penerima"),
    )
    message = models.OneToOneField(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification",
        verbose_name=_("pesan"),
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=ReminderKind.choices)
    title = models.CharField(_("judul"), max_length=255)
    body = models.TextField(_("isi"))
    url = models.CharField(_("tautan"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = pgettext_lazy("jamak", "notifikasi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class ActivityRealisation(models.Model):
    """What happened to a planned activity in one month, recorded by the area's PIC beside
    the plan (the plan's months are never changed by it)."""

    activity = models.ForeignKey(
        "workplan.Activity",
        on_delete=models.PROTECT,
        related_name="realisations",
        verbose_name=_("kegiatan"),
    )
    month = models.PositiveSmallIntegerField(_("bulan"))
    status = models.CharField(_("realisasi"), max_length=10, choices=Realisation.choices)
    note = models.CharField(_("catatan"), max_length=1000, blank=True)
    evidence = models.ManyToManyField(
        "evidence.EvidenceVersion",
        blank=True,
        related_name="realisations",
        verbose_name=_("evidence"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    recorded_at = models.DateTimeField(_("dicatat"), auto_now=True)

    class Meta:
        verbose_name = _("realisasi kegiatan")
        verbose_name_plural = pgettext_lazy("jamak", "realisasi kegiatan")
        ordering = ["activity", "month"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "month"], name="realisation_once_a_month"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="realisation_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.month}: {self.get_status_display()}"


class Finding(models.Model):
    """A monitoring finding (*temuan*) on a cell, an item or an activity, with the
    recommended action, its owner and due date, and the owner's follow-up
    (*tindak lanjut*)."""

    plan = models.ForeignKey(
        "workplan.WorkPlan",
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("rencana kerja"),
    )
    cell = models.ForeignKey(
        "workplan.CommitmentCell",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("sel"),
    )
    requirement = models.ForeignKey(
        "workplan.EvidenceRequirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("butir evidence"),
    )
    activity = models.ForeignKey(
        "workplan.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("kegiatan"),
    )
    area = models.ForeignKey(
        "workplan.ChangeArea",
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("area"),
    )
    description = models.TextField(_("temuan"))
    recommendation = models.TextField(_("rekomendasi tindakan"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_findings",
        verbose_name=_("penanggung jawab"),
    )
    due_date = models.DateField(_("batas tindak lanjut"))
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=FindingStatus.choices,
        default=FindingStatus.OPEN,
        db_index=True,
    )
    follow_up = models.TextField(_("tindak lanjut"), blank=True)
    follow_up_evidence = models.ManyToManyField(
        "evidence.EvidenceVersion",
        blank=True,
        related_name="findings",
        verbose_name=_("evidence tindak lanjut"),
    )
    rejection_reason = models.TextField(_("alasan tidak diterima"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)

    class Meta:
        verbose_name = _("temuan")
        verbose_name_plural = pgettext_lazy("jamak", "temuan")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=FindingStatus.NOT_ACCEPTED)
                | ~models.Q(rejection_reason=""),
                name="finding_rejection_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class AreaNarrative(models.Model):
    """The year's narrative fields of one area, written by its PIC for the annual
    report: good practice (*narasi praktik baik*) and impact (*narasi dampak*)."""

    plan = models.ForeignKey(
        "workplan.WorkPlan",
        on_delete=models.CASCADE,
        related_name="narratives",
        verbose_name=_("rencana kerja"),
    )
    area = models.ForeignKey(
        "workplan.ChangeArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    good_practice = models.TextField(_("narasi praktik baik"), blank=True)
    impact = models.TextField(_("narasi dampak"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diubah oleh"),
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("narasi area")
        verbose_name_plural = pgettext_lazy("jamak", "narasi area")
        constraints = [
            models.UniqueConstraint(fields=["plan", "area"], name="narrative_plan_area_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} {self.area.code}"


class Report(models.Model):
    """A generated monev document (quarterly/annual PDF, or the evidence ZIP): a frozen
    record of that moment, with its parameters, hash, who asked and when."""

    plan = models.ForeignKey(
        "workplan.WorkPlan",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("rencana kerja"),
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=ReportKind.choices)
    quarter = models.PositiveSmallIntegerField(_("triwulan"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.QUEUED,
        db_index=True,
    )
    error = models.TextField(_("kesalahan"), blank=True)
    file = models.FileField(_("berkas"), max_length=500, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diminta oleh"),
    )
    requested_at = models.DateTimeField(_("diminta"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("mulai disusun"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)

    class Meta:
        verbose_name = _("laporan")
        verbose_name_plural = pgettext_lazy("jamak", "laporan")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="report_quarter_1_4",
            ),
        ]

    def __str__(self) -> str:
        period = f"TW {self.quarter}" if self.quarter else _("tahunan")
        return f"{self.get_kind_display()} {self.plan.year} {period}"
