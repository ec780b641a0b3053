"""A recap as PDF, built by the worker (a thousand units' rows are a job, not a
request): who asked, with which filters, and the stored file with its SHA-256."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecapExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        READY = "ready", _("Siap diunduh")
        FAILED = "failed", _("Gagal")

    year = models.PositiveSmallIntegerField(_("tahun"))
    params = models.JSONField(_("saringan"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(_("berkas"), blank=True)
    size = models.PositiveIntegerField(_("ukuran"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("jumlah unit"), default=0)
    error = models.TextField(_("galat"), blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("rekapitulasi PDF")
        verbose_name_plural = _("rekapitulasi PDF")

    def __str__(self) -> str:
        return f"Rekapitulasi {self.year} ({self.get_status_display()})"
