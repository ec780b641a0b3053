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

from zi_portal.accounts.permissions import RestrictedQuerySet, unit_queryset

from ..choices import MessageStatus, ReminderKind

PlanRowQuerySet = unit_queryset("plan__unit", "PlanRowQuerySet")


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

    objects = PlanRowQuerySet.as_manager()

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


class RecipientQuerySet(RestrictedQuerySet):
    """Messages and notifications belong to their recipient's unit."""

    unit_field = "recipient__unit"


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

    objects = RecipientQuerySet.as_manager()

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

    objects = RecipientQuerySet.as_manager()

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

    objects = RecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = pgettext_lazy("jamak", "notifikasi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class SweepRun(models.Model):
    """The daily reminder sweep ran for ``day`` (Asia/Jakarta). Beat's catch-up reads it:
    a sweep that beat could not hand over at its hour (broker away) runs when it can."""

    day = models.DateField(_("tanggal"), unique=True)
    finished_at = models.DateTimeField(_("selesai"))
    messages = models.PositiveIntegerField(_("pesan dibuat"), default=0)

    class Meta:
        verbose_name = _("putaran pengingat")
        verbose_name_plural = pgettext_lazy("jamak", "putaran pengingat")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"
