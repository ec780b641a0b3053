"""The *Laporan Hasil Evaluasi* (LHE) of a unit's year, built by the worker like the
monev reports (``reports.report_build``) and kept with its SHA-256: the unit's profile,
the assessors' scores against Tabel 6, per area what the assessors found (their notes on
the answers) and what the unit must improve (the questions sent back, and the area's
share below the WBK line), the recommendation, the tiers of the evaluation, the
assessors and a signature block for the lead."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from evaluation.choices import Decision
from evaluation.models import Assignment, Round
from evaluation.stages import stages_of
from lke import scoring
from lke.models import LkeAnswer, Proposal, Side
from lke.selectors import master_or_404, plan_lke
from lke.summary import area_name, condition_label
from workplan.choices import AREA_ORDER
from workplan.models import WorkPlan

from . import pdf


def _recommendation(t: scoring.Score) -> tuple[str, list[str]]:
    """The recommendation and, when not ready, the Tabel 6 conditions missed."""
    if t.readiness["WBBM"].met:
        return _("Diusulkan kepada Kementerian PANRB untuk predikat Menuju WBBM."), []
    if t.readiness["WBK"].met:
        return _("Diusulkan kepada Kementerian PANRB untuk predikat Menuju WBK."), []
    missed = [condition_label(c.key) for c in t.readiness["WBK"].conditions if not c.met]
    return _("Belum diusulkan: syarat Tabel 6 untuk Menuju WBK belum terpenuhi."), missed


def lhe_context(*, plan: WorkPlan, today: date) -> dict[str, Any]:
    lke = plan_lke(plan, master_or_404(plan.year))
    u, t = lke.unit_score, lke.tpi_score
    questions = lke.tree.questions
    notes: dict[str, list[dict]] = {code: [] for code in (*AREA_ORDER, "")}
    for soal_id, note in (
        LkeAnswer.objects.filter(unit=plan.unit, question__master=lke.master, side=Side.TPI)
        .exclude(note="")
        .order_by("question__order")
        .values_list("question__soal_id", "note")
    ):
        notes[questions[soal_id].area_code].append({"soal": soal_id, "text": note})
    improve: dict[str, list[dict]] = {code: [] for code in (*AREA_ORDER, "")}
    for row in (
        Round.objects.filter(
            unit=plan.unit, question__master=lke.master, decision=Decision.SEND_BACK
        )
        .select_related("question")
        .order_by("question__order", "number")
    ):
        improve[row.question.area_code].append(
            {"soal": row.question.soal_id, "text": row.note, "reply": row.reply}
        )
    wbk_share = scoring.THRESHOLDS["WBK"]["area_share"]
    areas = [
        {
            "code": ta.code,
            "name": area_name(ta.code),
            "max": ta.max,
            "unit": ua.score,
            "tpi": ta.score,
            "share": ta.share,
            "below": ta.score < ta.max * wbk_share,
            "found": notes[ta.code],
            "improve": improve[ta.code],
        }
        for ua, ta in zip(u.areas, t.areas, strict=True)
    ]
    recommendation, missed = _recommendation(t)
    team = list(
        Assignment.objects.filter(unit=plan.unit, year=plan.year)
        .select_related("assessor")
        .order_by("-is_lead", "assessor__name")
    )
    return {
        "plan": plan,
        "unit": plan.unit,
        "today": today,
        "u": u,
        "t": t,
        "areas": areas,
        "hasil_found": notes[""],
        "hasil_improve": improve[""],
        "levels": [
            {
                "level": level,
                "met": t.readiness[level].met,
                "rows": [
                    {
                        "label": condition_label(c.key),
                        "minimum": c.minimum,
                        "value": c.value,
                        "met": c.met,
                    }
                    for c in t.readiness[level].conditions
                ],
            }  # fmt: skip
            for level in ("WBK", "WBBM")
        ],
        "recommendation": recommendation,
        "missed": missed,
        "proposal": Proposal.objects.filter(unit=plan.unit, year=plan.year).first(),
        "stages": stages_of(plan.unit, plan.year),
        "team": team,
        "lead": next((a.assessor for a in team if a.is_lead), None),
    }


def build_lhe_pdf(*, plan: WorkPlan, today: date) -> bytes:
    context = lhe_context(plan=plan, today=today)
    with translation.override("id"):
        html = render_to_string("monev/pdf/lhe.html", context)
    return pdf.html_to_pdf(html, base_url=str(settings.BASE_DIR))
