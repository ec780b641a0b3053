"""Generated monev documents: quarterly and annual PDFs and evidence ZIPs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workplan.choices import QUARTER_LABELS
from zi_portal.accounts.permissions import RestrictedQuerySet

from ..choices import ReportKind, ReportStatus


class ReportQuerySet(RestrictedQuerySet):
    unit_field = "plan__unit"


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
    # Updated by the building worker every ZI_BUILD_HEARTBEAT_SECONDS while it works.
    heartbeat_at = models.DateTimeField(_("detak terakhir"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)

    objects = ReportQuerySet.as_manager()

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
        if self.kind == "lhe":
            return f"{self.get_kind_display()} {self.plan.year} {self.plan.unit.short_name}"
        period = QUARTER_LABELS[self.quarter] if self.quarter else _("tahunan")
        return f"{self.get_kind_display()} {self.plan.year} {period}"

    @property
    def download_name(self) -> str:
        """An Indonesian file name: laporan-monev-triwulan-2026-tw-ii-pusbang-….pdf."""
        stem = {
            "quarterly": "laporan-monev-triwulan",
            "annual": "laporan-monev-tahunan",
            "bundle": "paket-bukti-dukung",
            "lhe": "laporan-hasil-evaluasi-zi",
        }.get(self.kind, "laporan")
        period = QUARTER_LABELS[self.quarter].lower().replace(" ", "-") if self.quarter else ""
        when = self.finished_at or self.requested_at
        made = timezone.localtime(when).strftime("%Y%m%d") if when else ""
        parts = [stem, str(self.plan.year), period, slugify(self.plan.unit.code), made]
        extension = self.file.name.rsplit(".", 1)[-1] if self.file else "pdf"
        return "-".join(p for p in parts if p) + f".{extension}"
