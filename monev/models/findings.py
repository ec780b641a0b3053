"""What monitoring records about the plan: activity realisation, findings with their
follow-up, and the areas' narratives for the annual report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zi_portal.accounts.permissions import Action, RestrictedQuerySet
from zi_portal.core.periods import Deadline

from ..choices import FindingStatus, Realisation


class FindingQuerySet(RestrictedQuerySet):
    unit_field = "plan__unit"

    def scope(self, user: Any, action: Action) -> Q:
        """A finding's owner records its follow-up."""
        return Q(owner=user)


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

    objects = FindingQuerySet.as_manager()

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

    @property
    def deadline(self) -> Deadline:
        """The follow-up's deadline (no grace days)."""
        return Deadline(self.due_date)


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
