"""Vocabularies of monitoring and evaluation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    UPCOMING = "upcoming", _("Batas waktu mendekat")
    OVERDUE = "overdue", _("Bukti dukung terlambat")
    REVISION = "revision", _("Permintaan revisi")
    DIGEST = "digest", _("Ringkasan mingguan")
    REPORT = "report", _("Laporan siap")
    FINDING = "finding", _("Tindak lanjut temuan")
    REPLY = "reply", _("Balasan reviu")
    REALISATION = "realisation", _("Realisasi kegiatan belum dicatat")
    EVALUATION = "evaluation", _("Evaluasi TPI")
    PMPZI = "pmpzi", _("Batas pengusulan PMPZI")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")


class Realisation(models.TextChoices):
    DONE = "done", _("Terlaksana")
    PARTIAL = "partial", _("Sebagian")
    NOT_DONE = "not_done", _("Tidak terlaksana")


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Laporan triwulan")
    ANNUAL = "annual", _("Laporan tahunan")
    BUNDLE = "bundle", _("Paket bukti dukung (ZIP)")
    LHE = "lhe", _("Laporan Hasil Evaluasi (LHE)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    BUILDING = "building", _("Sedang disusun")
    READY = "ready", _("Siap diunduh")
    FAILED = "failed", _("Gagal")
