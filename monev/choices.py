"""Vocabularies of monitoring and evaluation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    UPCOMING = "upcoming", _("Batas waktu mendekat")
    OVERDUE = "overdue", _("Evidence terlambat")
    REVISION = "revision", _("Permintaan revisi")
    DIGEST = "digest", _("Ringkasan mingguan")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")
