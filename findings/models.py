"""Monitoring findings (*temuan*): what a reviewer found on a commitment cell, an evidence
item or an activity, the recommended action, its owner and due date, and the owner's
follow-up (*tindak lanjut*)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zi_portal.accounts.permissions import Action, RestrictedQuerySet
from zi_portal.core.periods import Deadline

from .choices import FindingStatus


class FindingQuerySet(RestrictedQuerySet):
    unit_field = "plan__unit"

    def scope(self, user: Any, action: Action) -> Q:
        """A finding's owner records its follow-up."""
        return Q(owner=user)


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
        verbose_name=_("butir bukti dukung"),
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
        verbose_name=_("bukti dukung tindak lanjut"),
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
