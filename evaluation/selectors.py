"""Reads of the evaluation, each a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from lke.models import LkeMaster
from workplan.models import Pokja, Unit, WorkPlan
from zi_portal.accounts.permissions import Action

from .choices import Decision, QuestionState
from .models import Assignment, Round


def state_of(rounds: list[Round]) -> str:
    """A question's state from its rounds (oldest first)."""
    if not rounds:
        return QuestionState.OPEN
    last = rounds[-1]
    if last.decision == Decision.FITS:
        return QuestionState.FITS
    return QuestionState.ANSWERED if last.replied_at else QuestionState.WITH_UNIT


def rounds_by_question(
    *, unit: Unit, master: LkeMaster, area_code: str | None = None
) -> dict[int, list[Round]]:
    """Every round of the unit's questions (of one area when given), oldest first, by
    question id (one query)."""
    rows = Round.objects.filter(unit=unit, question__master=master).select_related(
        "decided_by", "replied_by"
    )
    if area_code is not None:
        rows = rows.filter(question__area_code=area_code)
    result: dict[int, list[Round]] = defaultdict(list)
    for row in rows.order_by("question_id", "number"):
        result[row.question_id].append(row)
    return dict(result)


def state_counts(*, unit: Unit, master: LkeMaster) -> dict[str, Counter]:
    """Per area code ("" is Hasil): how many questions are in each state."""
    rounds = rounds_by_question(unit=unit, master=master)
    counts: dict[str, Counter] = defaultdict(Counter)
    for question_id, area_code in master.questions.values_list("pk", "area_code"):
        counts[area_code][state_of(rounds.get(question_id, []))] += 1
    return dict(counts)


def sent_back_to(*, user: Any, plan: WorkPlan) -> list[Round]:
    """The questions sent back to the unit that ``user`` may answer (their areas' for a
    PIC, all for the Ketua Tim), waiting for the unit: the evaluation part of *Tugas
    saya* (two queries)."""
    codes = list(
        Pokja.objects.restrict(user, Action.ANSWER_LKE)
        .filter(plan=plan)
        .values_list("area__code", flat=True)
    )
    if not codes:
        return []
    return list(
        Round.objects.filter(
            unit_id=plan.unit_id,
            question__master__year=plan.year,
            question__area_code__in=codes,
            decision=Decision.SEND_BACK,
            replied_at__isnull=True,
        )
        .select_related("question", "decided_by")
        .order_by("decided_at")
    )


def assignments(*, unit: Unit, year: int) -> list[Assignment]:
    return list(
        Assignment.objects.filter(unit=unit, year=year)
        .select_related("assessor")
        .order_by("-is_lead", "assessor__name")
    )
