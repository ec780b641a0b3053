"""Vocabularies of the evidence app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FILE = "file", _("Berkas")
    LINK = "link", _("Tautan")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Disetujui")
    REVISE = "revise", _("Perlu revisi")


class ReviewState(models.TextChoices):
    """Where one version stands in review."""

    PENDING = "pending", _("Menunggu review")
    APPROVED = "approved", _("Disetujui")
    REVISE = "revise", _("Perlu revisi")


class ItemStatus(models.TextChoices):
    """An evidence item's status, derived from its current versions."""

    MISSING = "missing", _("Belum diunggah")
    PENDING = "pending", _("Menunggu review")
    REVISE = "revise", _("Perlu revisi")
    APPROVED = "approved", _("Disetujui")


class AuditAction(models.TextChoices):
    UPLOAD = "evidence.upload", _("Unggah evidence")
    WITHDRAW = "evidence.withdraw", _("Tarik versi")
    REVIEW = "evidence.review", _("Reviu evidence")
    ROLE_CHANGE = "user.roles", _("Ubah peran pengguna")
    PIC_ASSIGN = "cell.pic", _("Ubah PIC sel")
    MEMBER_ADD = "pokja.member_add", _("Tambah anggota pokja")
    MEMBER_REMOVE = "pokja.member_remove", _("Keluarkan anggota pokja")
    ACTIVITY_MONTHS = "activity.months", _("Ubah bulan kegiatan")
    REALISATION = "activity.realisation", _("Catat realisasi kegiatan")
