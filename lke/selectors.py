"""Reads of the LKE: the master list of a year (parsed once per process and version),
one side's answers, the scores of a plan's unit, the PIC's LKE tasks, an answer's
history and the PortalRB settings page. Each runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from evidence.models import EvidenceVersion
from workplan.models import CommitmentCell, EvidenceRequirement, Unit, WorkPlan
from zi_portal.accounts.permissions import Action
from zi_portal.core.compiled import CompiledQuery

from . import scoring
from .models import (
    LkeAnswer,
    LkeAnswerChange,
    LkeMaster,
    LkeQuestion,
    PortalRBRefusal,
    PortalRBRequest,
    PortalRBToken,
    Predicate,
    Proposal,
    Side,
    token_digest,
)

# ---------------------------------------------------------------------------------------
# Master list
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _parsed(pk: int, sha256: str) -> scoring.Master:
    return scoring.parse_master(LkeMaster.objects.only("data").get(pk=pk).data)


def parsed_master(master: LkeMaster) -> scoring.Master:
    """The scoring tree of a stored master list (parsed once per process and version)."""
    return _parsed(master.pk, master.sha256)


# Read on every LKE page and dashboard: compiled once (core.compiled).
_MASTER_FOR_YEAR = CompiledQuery(
    lambda year: LkeMaster.objects.filter(year=year).defer("data").order_by("pk")[:1]
)


def master_for_year(year: int) -> LkeMaster | None:
    found = _MASTER_FOR_YEAR.run(year)
    return found[0] if found else None


def master_or_404(year: int) -> LkeMaster:
    """The year's master list, or 404 saying how to load it (pages and API)."""
    master = master_for_year(year)
    if master is None:
        raise Http404(
            _(
                "Master soal LKE tahun %(y)s belum dimuat. Ketua Tim ZI dapat memuatnya dengan "
                "perintah load_lke_master."
            )
            % {"y": year}
        )
    return master


# ---------------------------------------------------------------------------------------
# Answers and scores
# ---------------------------------------------------------------------------------------


def answers_of(
    *, unit: Unit, master: LkeMaster, side: str, area_code: str | None = None
) -> dict[int, LkeAnswer]:
    """One side's answers by soal id, with their evidence items (of one area's questions
    when ``area_code`` is given; "" is the Hasil part)."""
    rows = LkeAnswer.objects.filter(unit=unit, question__master=master, side=side)
    if area_code is not None:
        rows = rows.filter(question__area_code=area_code)
    rows = rows.select_related("question", "updated_by").prefetch_related(
        Prefetch(
            "evidence_items",
            queryset=EvidenceRequirement.objects.select_related("cell__quarter", "cell__area"),
        ),
        Prefetch(
            "evidence_versions",
            queryset=EvidenceVersion.objects.select_related("requirement__cell__quarter"),
        ),
    )
    return {a.question.soal_id: a for a in rows}


def answer_values(*, unit: Unit, master: LkeMaster, side: str) -> dict[int, str]:
    rows = LkeAnswer.objects.filter(unit=unit, question__master=master, side=side).exclude(value="")
    return dict(rows.values_list("question__soal_id", "value"))


def holds_wbk_predicate(unit: Unit, year: int) -> bool:
    """Menuju WBK obtained before the evaluation year (A6)."""
    return Predicate.objects.filter(
        unit=unit, kind__in=[Predicate.Kind.WBK, Predicate.Kind.WBBM], year__lt=year
    ).exists()


def unit_score(
    *, unit: Unit, master: LkeMaster, side: str, wbk_predicate: bool | None = None
) -> scoring.Score:
    if wbk_predicate is None:
        wbk_predicate = holds_wbk_predicate(unit, master.year)
    return scoring.score(
        parsed_master(master),
        answer_values(unit=unit, master=master, side=side),
        wbk_predicate=wbk_predicate,
    )


@dataclass
class PlanLke:
    plan: WorkPlan
    master: LkeMaster
    tree: scoring.Master
    unit_score: scoring.Score
    tpi_score: scoring.Score


def plan_lke(plan: WorkPlan, master: LkeMaster | None = None) -> PlanLke | None:
    """The LKE of a plan's unit and year, both sides scored (None: no master that year)."""
    master = master or master_for_year(plan.year)
    if master is None:
        return None
    predicate = holds_wbk_predicate(plan.unit, master.year)
    return PlanLke(
        plan=plan,
        master=master,
        tree=parsed_master(master),
        unit_score=unit_score(
            unit=plan.unit, master=master, side=Side.UNIT, wbk_predicate=predicate
        ),
        tpi_score=unit_score(unit=plan.unit, master=master, side=Side.TPI, wbk_predicate=predicate),
    )


def picked_evidence(
    *, plan: WorkPlan, question: LkeQuestion, item_ids: set[int], version_ids: set[int]
) -> tuple[list[EvidenceRequirement], list[EvidenceVersion], bool]:
    """The evidence items and versions picked for the unit's answer, among those of the
    plan (and of the question's area); ``complete`` is False when some id was not one
    of them."""
    allowed = EvidenceRequirement.objects.filter(cell__quarter__plan=plan)
    if question.area_code:
        allowed = allowed.filter(cell__area__code=question.area_code)
    items = list(allowed.filter(pk__in=item_ids))
    versions = list(
        EvidenceVersion.objects.filter(pk__in=version_ids, requirement__in=allowed).select_related(
            "requirement__cell__quarter"
        )
    )
    return items, versions, len(items) == len(item_ids) and len(versions) == len(version_ids)


def proposal_and_predicates(*, unit: Unit, year: int) -> dict[str, Any]:
    """The unit's proposal for ``year`` (or None) and the predicates it holds."""
    return {
        "proposal": Proposal.objects.filter(unit=unit, year=year).first(),
        "predicates": list(Predicate.objects.filter(unit=unit)),
    }


def answer_history(*, unit: Unit, question: LkeQuestion) -> QuerySet[LkeAnswerChange]:
    """Every change of both sides' answers to ``question``, newest first."""
    return (
        LkeAnswerChange.objects.filter(answer__unit=unit, answer__question=question)
        .select_related("answer", "changed_by")
        .order_by("-changed_at", "-pk")
    )


def _answered_and_total(plan: WorkPlan, questions: QuerySet[LkeQuestion], group: str):
    """``questions`` grouped by ``group`` with (answered by the unit, total): a question
    counts as answered when the unit's answer has a value (a note alone does not)."""
    answered = Q(answers__unit=plan.unit, answers__side=Side.UNIT, answers__value__gt="")
    rows = questions.values(group).annotate(
        total=Count("pk", distinct=True), answered=Count("answers", filter=answered)
    )
    return {r[group]: (r["answered"], r["total"]) for r in rows}


def soal_progress(*, plan: WorkPlan, codes: set[str]) -> dict[str, tuple[int, int]]:
    """Per area code: (questions the unit has answered, questions) in ``plan``'s LKE. The
    one count of "soal dijawab" that the LKE area page and *Tugas saya* both show. One
    query (and the master's)."""
    master = master_for_year(plan.year) if codes else None
    if master is None:
        return {}
    questions = LkeQuestion.objects.filter(master=master, area_code__in=codes)
    return _answered_and_total(plan, questions, "area_code")


def soal_progress_by_node(
    *, plan: WorkPlan, master: LkeMaster, area_code: str
) -> dict[int, tuple[int, int]]:
    """Per sub-area node id: (answered, questions) of one area of ``master`` ("" is the
    Hasil part), counted as ``soal_progress`` counts, so an area's sub-areas add up to
    its count. One query."""
    questions = LkeQuestion.objects.filter(master=master, area_code=area_code)
    return _answered_and_total(plan, questions, "node_id")


def lke_tasks(*, user: Any, plan: WorkPlan) -> list[dict]:
    """The LKE areas ``user`` answers as PIC in ``plan``, with how many questions are
    answered (for *Tugas saya*). Three queries."""
    codes = set(
        CommitmentCell.objects.filter(quarter__plan=plan, pic=user).values_list(
            "area__code", flat=True
        )
    )
    progress = soal_progress(plan=plan, codes=codes)
    return [
        {
            "code": code,
            "total": total,
            "answered": answered,
            "url": reverse("lke:area", args=[plan.year, code]),
        }
        for code, (answered, total) in sorted(progress.items())
    ]


# ---------------------------------------------------------------------------------------
# PortalRB: its endpoints and the Ketua Tim's settings page
# ---------------------------------------------------------------------------------------


def portalrb_token(raw: str) -> PortalRBToken | None:
    """The token PortalRB presented (looked up by its SHA-256; revoked ones too)."""
    return PortalRBToken.objects.filter(digest=token_digest(raw)).first()


def portalrb_calls(*, token: PortalRBToken, since: datetime) -> QuerySet[PortalRBRequest]:
    """The token's calls since ``since`` that count towards its rate limit (calls
    refused with 429 are not logged here, so waiting Retry-After always frees one)."""
    return PortalRBRequest.objects.filter(token=token, at__gte=since)


def portalrb_refused_this_minute(*, ip: str | None, minute: datetime) -> int:
    """Refused authentications (no or a wrong token) from ``ip`` in ``minute``; calls
    already refused for the limit itself do not count."""
    rows = PortalRBRefusal.objects.filter(token=None, remote_addr=ip, minute=minute)
    return rows.exclude(status=429).aggregate(n=Sum("count"))["n"] or 0


def _token_proposals(token: PortalRBToken) -> QuerySet[Proposal]:
    """The proposals a token may read: its unit's, or every unit's for a token of the
    whole portal (issued by the operator)."""
    rows = Proposal.objects.all()
    return rows if token.unit_id is None else rows.filter(unit_id=token.unit_id)


def portalrb_year_known(*, token: PortalRBToken, year: int) -> bool:
    plans = WorkPlan.objects.filter(year=year)
    if token.unit_id is not None:
        plans = plans.filter(unit_id=token.unit_id)
    return _token_proposals(token).filter(year=year).exists() or plans.exists()


def newest_proposal_year(*, token: PortalRBToken) -> int | None:
    return _token_proposals(token).order_by("-year").values_list("year", flat=True).first()


def proposals_of(*, token: PortalRBToken, year: int, categories: list[str]) -> QuerySet[Proposal]:
    return (
        _token_proposals(token)
        .filter(year=year, category__in=categories)
        .select_related("unit")
        .order_by("unit__name")
    )


def unit_by_code(*, token: PortalRBToken, code: str) -> Unit | None:
    """The unit ``code`` names, if the token may read it (a unit the token may not read
    is "not found", as a unit that does not exist)."""
    units = Unit.objects.filter(code=code)
    if token.unit_id is not None:
        units = units.filter(pk=token.unit_id)
    return units.first()


def is_proposed(*, unit: Unit, year: int) -> bool:
    return Proposal.objects.filter(unit=unit, year=year).exists()


def portalrb_settings(*, user: Any) -> dict[str, Any]:
    """What the Ketua Tim's PortalRB page lists: tokens, the unit's proposals and
    predicates, and the last calls PortalRB made."""
    manage = Action.MANAGE_LKE
    return {
        "tokens": PortalRBToken.objects.restrict(user, manage).select_related(
            "created_by", "revoked_by"
        ),
        "proposals": Proposal.objects.restrict(user, manage).select_related("unit"),
        "predicates": Predicate.objects.restrict(user, manage).select_related("unit"),
        "requests": PortalRBRequest.objects.restrict(user, manage).select_related("token")[:20],
        "refusals": PortalRBRefusal.objects.restrict(user, manage).select_related("token")[:20],
    }


def answers_mark(unit_id: int, master_id: int) -> tuple:
    """The unit's answers (how many, the newest, the newest change) per last editor's
    name, so that a renamed editor is on the next page too; and its predicates (the WBK
    bonus): what a cached score or page of the unit is keyed by (two queries)."""
    by_editor = _ANSWERS_BY_EDITOR.rows(unit_id, master_id)
    predicates = _PREDICATES_MARK.rows(unit_id)
    n, pk, at = predicates[0] if predicates else (0, None, None)
    return (tuple(by_editor), n, pk, at)


# The marks above are read on every LKE page and dashboard: compiled once (core.compiled).
_ANSWERS_BY_EDITOR = CompiledQuery(
    lambda unit_id, master_id: (
        LkeAnswer.objects.filter(unit_id=unit_id, question__master_id=master_id)
        .order_by("updated_by__name")
        .values_list("updated_by__name")
        .annotate(n=Count("pk"), pk=Max("pk"), at=Max("updated_at"))
    )
)
_PREDICATES_MARK = CompiledQuery(
    lambda unit_id: (
        Predicate.objects.filter(unit_id=unit_id)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), pk=Max("pk"), at=Max("updated_at"))
        .values_list("n", "pk", "at")
    )
)
