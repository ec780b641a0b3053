"""What monitoring records beside the plan: what happened to planned activities, and the
areas' narratives for the annual report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zi_portal.accounts.permissions import unit_queryset

from ..choices import Realisation

RealisationQuerySet = unit_queryset("activity__pokja__plan__unit", "RealisationQuerySet")
NarrativeQuerySet = unit_queryset("plan__unit", "NarrativeQuerySet")


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
        verbose_name=_("bukti dukung"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    recorded_at = models.DateTimeField(_("dicatat"), auto_now=True)

    objects = RealisationQuerySet.as_manager()

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

    objects = NarrativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("narasi area")
        verbose_name_plural = pgettext_lazy("jamak", "narasi area")
        constraints = [
            models.UniqueConstraint(fields=["plan", "area"], name="narrative_plan_area_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} {self.area.code}"
