"""The Inspektorat's evaluation of a unit's LKE: who evaluates which unit in a year (a
lead and members), and per question the rounds of *sesuai* / *kirim balik* with the
assessor's note and the unit's answer. Every round is kept: a new decision is a new row,
the unit's reply is written once on the round it answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi_portal.accounts.permissions import RestrictedQuerySet

from .choices import Decision, Prerequisite, StageKind


class UnitRows(RestrictedQuerySet):
    unit_field = "unit"


class Assignment(models.Model):
    """An assessor assigned to evaluate a unit's LKE of a year; one of them leads."""

    unit = models.ForeignKey("workplan.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluation_assignments"
    )
    is_lead = models.BooleanField(_("ketua tim asesor"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    assigned_at = models.DateTimeField(_("ditugaskan"), auto_now_add=True)

    objects = UnitRows.as_manager()

    class Meta:
        verbose_name = _("penugasan asesor")
        verbose_name_plural = _("penugasan asesor")
        ordering = ["unit", "year", "-is_lead", "assessor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "assessor"], name="evaluation_assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=models.Q(is_lead=True),
                name="evaluation_one_lead",
            ),
        ]

    def __str__(self) -> str:
        lead = " (ketua)" if self.is_lead else ""
        return f"{self.assessor} · {self.unit} {self.year}{lead}"


class Round(models.Model):
    """One round on one question: the assessor's decision and note, and for a question
    sent back, the unit's answer to it (who, when, what)."""

    unit = models.ForeignKey("workplan.Unit", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        "lke.LkeQuestion", on_delete=models.PROTECT, related_name="evaluation_rounds"
    )
    number = models.PositiveSmallIntegerField(_("putaran"))
    decision = models.CharField(_("keputusan"), max_length=12, choices=Decision.choices)
    note = models.TextField(_("catatan asesor"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan"), auto_now_add=True)
    reply = models.TextField(_("jawaban unit"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    replied_at = models.DateTimeField(_("dijawab"), null=True)

    objects = UnitRows.as_manager()

    class Meta:
        verbose_name = _("putaran evaluasi")
        verbose_name_plural = _("putaran evaluasi")
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "question", "number"], name="evaluation_round_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} soal {self.question.soal_id} putaran {self.number}"


class Stage(models.Model):
    """One tier of a unit's evaluation of a year, with the assessors' figures and
    answers as they stood then (they are kept when the answers change later)."""

    unit = models.ForeignKey("workplan.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    kind = models.CharField(_("tahap"), max_length=12, choices=StageKind.choices)
    figures = models.JSONField(_("angka asesor"))
    answers = models.JSONField(_("jawaban asesor"))
    note = models.TextField(_("catatan"), blank=True)
    held_on = models.DateField(_("tanggal"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = UnitRows.as_manager()

    class Meta:
        verbose_name = _("tahap evaluasi")
        verbose_name_plural = _("tahap evaluasi")
        ordering = ["unit", "year", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.get_kind_display()}"


class PrerequisiteValue(models.Model):
    """One proposal prerequisite of a unit's year (PermenPAN-RB 5/2024, Tabel 5) as the
    ministry recorded it, with the link to its evidence."""

    unit = models.ForeignKey("workplan.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    key = models.CharField(_("syarat"), max_length=16, choices=Prerequisite.choices)
    value = models.CharField(_("nilai"), max_length=32, blank=True)
    evidence_url = models.URLField(_("tautan bukti"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = UnitRows.as_manager()

    class Meta:
        verbose_name = _("syarat pengusulan")
        verbose_name_plural = _("syarat pengusulan")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "key"], name="pmpzi_prerequisite"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.key}: {self.value}"


class PmpziDeadline(models.Model):
    """The year's deadline for proposals to the TPN through PMPZI (31 May unless the
    TPN announces another date)."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    deadline = models.DateField(_("batas pengusulan"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("ditetapkan"), auto_now=True)

    class Meta:
        verbose_name = _("batas pengusulan PMPZI")
        verbose_name_plural = _("batas pengusulan PMPZI")

    def __str__(self) -> str:
        return f"{self.year}: {self.deadline}"


class PmpziProposal(models.Model):
    """A unit proposed to the TPN for a predicate: what was missing when it was
    proposed, and the reason given to propose it anyway (audited)."""

    unit = models.ForeignKey("workplan.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    category = models.CharField(_("kategori"), max_length=12)
    missing = models.JSONField(_("syarat yang belum terpenuhi"), default=list)
    override_reason = models.TextField(_("alasan tetap diusulkan"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("diusulkan"), auto_now_add=True)

    objects = UnitRows.as_manager()

    class Meta:
        verbose_name = _("usulan PMPZI")
        verbose_name_plural = _("usulan PMPZI")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="pmpzi_proposal_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.category}"
