"""The tiers of a unit's evaluation: a member proposes the desk figures, the lead
confirms them (after reviewing, perhaps changing, the assessors' answers), then the
field evaluation with its own notes and date. Each tier keeps the assessors' figures
and answers as they stood when it was recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lke import selectors as lke_selectors
from lke.models import Side
from lke.stored import figures
from lke.validation import clean_text
from workplan.models import Unit
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction

from .choices import StageKind
from .models import Assignment, Stage
from .services import EvaluationRefused


def _assignment(user: Any, unit: Unit, year: int) -> Assignment:
    require(user, Action.ASSESS_LKE)
    assignment = Assignment.objects.filter(unit=unit, year=year, assessor=user).first()
    if assignment is None or user.unit_id != unit.pk:
        raise EvaluationRefused(
            _("Anda tidak ditugaskan menilai %(unit)s tahun %(year)s.")
            % {"unit": unit.short_name, "year": year},
            status=403,
        )
    return assignment


def stages_of(unit: Unit, year: int) -> list[Stage]:
    return list(Stage.objects.filter(unit=unit, year=year).select_related("by"))


@transaction.atomic
def stage_record(
    *,
    user: Any,
    unit: Unit,
    year: int,
    kind: str,
    note: str = "",
    held_on: date | None = None,
    ip: str | None = None,
) -> Stage:
    """Record a tier. Any assigned assessor proposes; only the lead confirms, and only
    a proposal; the field evaluation is the lead's, after the confirmation, with a note
    and the date it was held."""
    assignment = _assignment(user, unit, year)
    if kind not in StageKind.values:
        raise EvaluationRefused(_("Tahap evaluasi tidak dikenal."))
    # Tiers of one unit and year are recorded one at a time.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    kinds = set(Stage.objects.filter(unit=unit, year=year).values_list("kind", flat=True))
    note = clean_text(note, soal_id=0).strip()
    if kind != StageKind.PROPOSED and not assignment.is_lead:
        raise EvaluationRefused(
            _("Hanya ketua tim asesor yang mengonfirmasi nilai dan mencatat evaluasi lapangan."),
            status=403,
        )
    if kind == StageKind.CONFIRMED and StageKind.PROPOSED not in kinds:
        raise EvaluationRefused(_("Belum ada usulan nilai dari anggota tim untuk dikonfirmasi."))
    if kind == StageKind.FIELD:
        if StageKind.CONFIRMED not in kinds:
            raise EvaluationRefused(
                _("Evaluasi lapangan dicatat setelah ketua tim mengonfirmasi evaluasi dokumen.")
            )
        if held_on is None or not note:
            raise EvaluationRefused(
                _(
                    "Isi tanggal evaluasi lapangan dan catatannya (apa yang diperiksa dan "
                    "ditemukan)."
                )
            )
        if held_on > timezone.localdate():
            raise EvaluationRefused(_("Tanggal evaluasi lapangan tidak boleh di masa depan."))
    master = lke_selectors.master_or_404(year)
    score = lke_selectors.unit_score(unit=unit, master=master, side=Side.TPI)
    answers = lke_selectors.answer_values(unit=unit, master=master, side=Side.TPI)
    stage = Stage.objects.create(
        unit=unit,
        year=year,
        kind=kind,
        figures=figures(score),
        answers={str(k): v for k, v in sorted(answers.items())},
        note=note,
        held_on=held_on if kind == StageKind.FIELD else None,
        by=user,
    )
    audit_record(
        actor=user,
        action=AuditAction.EVALUATION_STAGE,
        obj=stage,
        summary=f"{unit.short_name} {year}: {stage.get_kind_display()} "
        f"(nilai asesor {stage.figures['total']:.2f})",
        ip=ip,
        after={"kind": kind, "total": stage.figures["total"], "held_on": str(held_on or "")},
        unit=unit,
    )
    return stage
