"""Follow-ups of a survey's results: the lowest unsur are proposed, and the Ketua Tim
turns one into a finding (*temuan*) of the findings app with an owner and a due date,
so the survey's *Matriks tindak lanjut hasil survey* is the findings list.

Which unsur are proposed: the **three with the lowest NRR** (ties with the third are
proposed too, so equal results are never split arbitrarily), among the unsur that have
answers; an unsur already turned into a finding stays listed whatever its rank now. For
an SKM each proposal also shows its NRR × 25 and the grade that value would have, so an
unsur below grade B stands out; the rank, not the grade, decides, because a unit graded
A overall still has a weakest unsur to improve (and the LKE asks that every survey is
followed up).

The finding goes to the commitment cell of the survey's period (its plan quarter, else
the quarter of its end date, in the plan of the year it started) and of the area that
owns the survey's kind (``FOLLOW_UP_AREA``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from findings.services import finding_record
from workplan.choices import QUARTER_LABELS
from workplan.models import CommitmentCell
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction
from zi_portal.core.periods import quarter_of

from . import scoring
from .choices import SurveyKind
from .errors import SurveyRefused
from .models import Question, Survey
from .models_followup import FollowUp
from .selectors import Results, survey_results
from .trend import period_label

PROPOSED = 3
AUDIT_FOLLOW_UP = AuditAction.SURVEY_FOLLOW_UP
# The change area whose cell a survey's finding belongs to.
FOLLOW_UP_AREA = {
    SurveyKind.SKM: "PP",
    SurveyKind.IPKP: "PP",
    SurveyKind.IPAK: "PW",
    SurveyKind.INTERNAL: "MP",
}


@dataclass
class Proposal:
    question: Question
    rank: int  # 1 = the lowest NRR
    nrr: Decimal | None
    converted: Decimal | None = None  # SKM: NRR × 25
    grade: scoring.Grade | None = None
    follow_up: FollowUp | None = None

    @property
    def below_b(self) -> bool:
        return self.grade is not None and self.grade.letter in ("C", "D")


def follow_ups_of(survey: Survey) -> dict[int, FollowUp]:
    """Question id → its follow-up, with the finding and its owner (one query)."""
    rows = FollowUp.objects.filter(survey=survey).select_related(
        "finding__owner", "finding__cell__quarter", "finding__cell__area"
    )
    return {f.question_id: f for f in rows}


def proposals(survey: Survey, results: Results | None = None) -> list[Proposal]:
    """The proposed follow-ups, lowest NRR first (see the module's docstring)."""
    results = results or survey_results(survey)
    done = follow_ups_of(survey)
    answered = sorted(
        ((q, v) for q, v in results.total.nrr if v is not None), key=lambda qv: (qv[1], qv[0].order)
    )
    if not results.total.respondents:
        answered = []
    cutoff = answered[min(PROPOSED, len(answered)) - 1][1] if answered else None
    rows = []
    for rank, (question, nrr) in enumerate(answered, 1):
        if nrr > cutoff and question.pk not in done:
            continue
        proposal = Proposal(question, rank, nrr, follow_up=done.get(question.pk))
        if survey.kind == SurveyKind.SKM:
            proposal.converted = scoring.converted(nrr)
            proposal.grade = scoring.grade(proposal.converted)
        rows.append(proposal)
    return rows


def follow_up_cell(survey: Survey) -> CommitmentCell | None:
    """The commitment cell a finding of ``survey`` is recorded on (None without one)."""
    return (
        CommitmentCell.objects.filter(
            quarter__plan__unit_id=survey.unit_id,
            quarter__plan__year=survey.starts_on.year,
            quarter__number=survey.quarter or quarter_of(survey.ends_on),
            area__code=FOLLOW_UP_AREA[survey.kind],
        )
        .select_related("quarter__plan", "area")
        .first()
    )


def default_recommendation(question: Question) -> str:
    return _(
        "Susun dan laksanakan rencana perbaikan untuk unsur %(unsur)s, lalu ukur kembali "
        "hasilnya pada survei periode berikutnya."
    ) % {"unsur": question.unsur}


def _description(survey: Survey, proposal: Proposal, respondents: int) -> str:
    text = _(
        "Hasil %(survey)s (%(period)s): unsur %(code)s %(unsur)s memperoleh NRR %(nrr)s dari "
        "%(n)s responden, terendah ke-%(rank)s."
    ) % {
        "survey": survey.title,
        "period": period_label(survey),
        "code": proposal.question.code,
        "unsur": proposal.question.unsur,
        "nrr": number_format(scoring.rounded(proposal.nrr, Decimal("0.001")), 3),
        "n": respondents,
        "rank": proposal.rank,
    }
    if proposal.grade is not None:
        text += " " + _("Nilai konversi unsur %(value)s (mutu %(letter)s, %(label)s).") % {
            "value": number_format(proposal.converted, 2),
            "letter": proposal.grade.letter,
            "label": proposal.grade.label,
        }
    return text


@transaction.atomic
def follow_up_create(
    *,
    survey: Survey,
    question: Question | None,
    user: Any,
    owner: Any,
    due_date: date | None,
    recommendation: str = "",
    ip: str | None = None,
) -> FollowUp:
    """Turn a proposed unsur of ``survey`` into a finding with ``owner`` and
    ``due_date``, and record the link; refused when it is not proposed or already a
    finding. The finding and the link are written together or not at all."""
    require(user, Action.MANAGE_SURVEYS, survey)
    survey = Survey.objects.select_for_update().select_related("unit").get(pk=survey.pk)
    if question is None or question.survey_id != survey.pk:
        raise SurveyRefused(_("Unsur yang dipilih bukan unsur survei ini."))
    existing = FollowUp.objects.filter(question=question).first()
    if existing is not None:
        raise SurveyRefused(
            _(
                "Unsur %(code)s sudah dijadikan temuan #%(id)s. Satu unsur hanya dijadikan "
                "temuan sekali; buka temuan itu untuk mencatat tindak lanjutnya."
            )
            % {"code": question.code, "id": existing.finding_id}
        )
    results = survey_results(survey)
    proposal = next((p for p in proposals(survey, results) if p.question.pk == question.pk), None)
    if proposal is None:
        raise SurveyRefused(
            _(
                "Unsur %(code)s bukan usulan tindak lanjut survei ini. Yang dapat dijadikan "
                "temuan adalah %(n)s unsur dengan NRR terendah."
            )
            % {"code": question.code, "n": PROPOSED}
        )
    cell = follow_up_cell(survey)
    if cell is None:
        raise SurveyRefused(
            _(
                "Rencana kerja %(year)s unit ini tidak memiliki sel %(q)s · %(area)s, tempat "
                "temuan survei ini dicatat. Muat rencana kerja tahun itu terlebih dahulu."
            )
            % {
                "year": survey.starts_on.year,
                "q": QUARTER_LABELS[survey.quarter or quarter_of(survey.ends_on)],
                "area": FOLLOW_UP_AREA[survey.kind],
            }
        )
    finding = finding_record(
        plan=cell.quarter.plan,
        user=user,
        description=_description(survey, proposal, results.total.respondents),
        recommendation=recommendation or default_recommendation(question),
        owner=owner,
        due_date=due_date,
        cell=cell,
        ip=ip,
    )
    try:
        with transaction.atomic():
            link = FollowUp.objects.create(
                survey=survey, question=question, finding=finding, created_by=user
            )
    except IntegrityError as exc:  # a second click that raced the first
        raise SurveyRefused(
            _("Unsur %(code)s baru saja dijadikan temuan. Muat ulang halaman survei.")
            % {"code": question.code}
        ) from exc
    audit_record(
        actor=user,
        ip=ip,
        action=AUDIT_FOLLOW_UP,
        obj=survey,
        subject_user=owner,
        summary=f"Survei #{survey.pk} unsur {question.code} → temuan #{finding.pk}",
    )
    return link
