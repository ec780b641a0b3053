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

    PENDING = "pending", _("Menunggu reviu")
    APPROVED = "approved", _("Disetujui")
    REVISE = "revise", _("Perlu revisi")


class ItemStatus(models.TextChoices):
    """An evidence item's status, derived from its current versions."""

    MISSING = "missing", _("Belum diunggah")
    PENDING = "pending", _("Menunggu reviu")
    REVISE = "revise", _("Perlu revisi")
    APPROVED = "approved", _("Disetujui")


class CellState(models.TextChoices):
    """A commitment cell's colour on the dashboard's heat map."""

    COMPLETE = "complete", _("Lengkap")
    ON_TRACK = "on_track", _("Sesuai jadwal")
    WAITING = "waiting", _("Menunggu reviu")
    REVISE = "revise", _("Perlu revisi")
    OVERDUE = "overdue", _("Terlambat")
