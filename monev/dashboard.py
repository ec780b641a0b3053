"""The numbers of the leadership dashboard, computed in a fixed number of queries
whatever the size of the plan: item statuses (2 queries), quarters, areas, activities
with their realisations, and the recent-activity feed. The page shows them rendered
once per change of the plan's data (``rendered``: cached under its data stamp)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from evidence.choices import CellState, ReviewState
from evidence.models import EvidenceVersion, Review
from evidence.selectors import plan_item_statuses
from evidence.status import Tally, cell_state, is_late
from lke.selectors import answers_mark, master_for_year, plan_lke
from lke.summary import summary_context
from surveys import scoring as survey_scoring
from surveys.choices import SurveyKind, SurveyStatus
from surveys.models import Survey
from surveys.selectors import survey_results
from workplan.choices import MONTH_NAMES
from workplan.models import Activity, ChangeArea, Quarter, WorkPlan
from workplan.stamps import stamp_key
from zi_portal.core.fragments import digest
from zi_portal.core.periods import current_quarter

from . import charts
from .selectors import month_state, realisations_by_activity

SORTS = ("days", "area", "pic", "activity")
# Entries are never stale (a change of the plan's data makes a new key); the timeout
# only frees space.
PARTS_TIMEOUT = 24 * 3600


@dataclass
class HeatCell:
    quarter: Quarter
    area: ChangeArea
    cell_id: int | None
    pic: str
    tally: Tally
    state: str

    @property
    def state_label(self) -> str:
        return CellState(self.state).label


def build(*, plan: WorkPlan, today: date, sort: str = "days") -> dict[str, Any]:
    statuses = plan_item_statuses(plan)
    quarters = list(Quarter.objects.filter(plan=plan).order_by("number"))
    areas = list(ChangeArea.objects.order_by("order"))
    current = current_quarter(plan.year, today)

    year, per_quarter = Tally(), defaultdict(Tally)
    per_area, per_pic, per_cell = defaultdict(Tally), defaultdict(Tally), defaultdict(Tally)
    cell_info: dict[tuple[int, str], tuple[int, str]] = {}
    overdue = []
    waiting = 0  # versions the review queue holds (an item in revision may hold one too)
    for item in statuses.values():
        waiting += sum(1 for v in item.current if v.review_state == ReviewState.PENDING)
        cell = item.cell
        q, code = cell.quarter.number, cell.area.code
        for tally in (
            year,
            per_quarter[q],
            per_area[code],
            per_cell[(q, code)],
            per_pic[cell.pic_display or "—"],
        ):
            tally.add(item.status)
        cell_info[(q, code)] = (cell.pk, cell.pic_display)
        if is_late(item.status, cell.quarter, today):
            last = item.latest.uploaded_at if item.latest else None
            overdue.append(
                {
                    "item": item,
                    "quarter": cell.quarter,
                    "area": cell.area,
                    "pic": cell.pic_display,
                    "days_late": cell.quarter.deadline.days_late(today),
                    "last_activity": last,
                    "status": item.status,
                }
            )
    keys = {  # SORTS
        "days": lambda r: (-r["days_late"], r["area"].order, r["item"].order),
        "area": lambda r: (r["area"].order, r["quarter"].number, r["item"].order),
        "pic": lambda r: (r["pic"], r["quarter"].number, r["item"].order),
        "activity": lambda r: (r["last_activity"] is not None, r["last_activity"] or date.min),
    }
    overdue.sort(key=keys.get(sort, keys["days"]))

    heat = [
        [
            HeatCell(
                quarter=quarter,
                area=area,
                cell_id=cell_info.get((quarter.number, area.code), (None, ""))[0],
                pic=cell_info.get((quarter.number, area.code), (None, ""))[1],
                tally=per_cell[(quarter.number, area.code)],
                state=cell_state(per_cell[(quarter.number, area.code)], quarter, today),
            )
            for area in areas
        ]
        for quarter in quarters
    ]
    trend_bars = [charts.Bar(q.label, per_quarter[q.number].share) for q in quarters]
    area_bars = [charts.Bar(a.code, per_area[a.code].share) for a in areas]
    return {
        "today": today,
        "current_quarter": next((q for q in quarters if q.number == current), None),
        "year": year,
        "waiting_versions": waiting,
        "quarter_tally": per_quarter[current],
        "quarters": quarters,
        "areas": areas,
        "heat": heat,
        "per_area": [(a, per_area[a.code]) for a in areas],
        "per_pic": sorted(per_pic.items(), key=lambda kv: kv[0]),
        "overdue": overdue,
        "sort": sort if sort in keys else "days",
        "trend_svg": charts.column_trend(trend_bars, title="Capaian per triwulan"),
        "area_svg": charts.horizontal_bars(area_bars, title="Capaian per area"),
        "gantt": gantt(plan=plan, today=today),
        "feed": feed(plan=plan),
        "month_names": MONTH_NAMES,
    }


def rendered(*, plan: WorkPlan, today: date, sort: str, request: HttpRequest) -> dict[str, str]:
    """The dashboard's numbers and body as HTML, the same for every viewer of the plan:
    cached under the plan's data stamp (``workplan.stamps``), the day, the order of the
    overdue list and the language; built (``build``) and rendered only on a miss."""
    sort = sort if sort in SORTS else "days"
    key = stamp_key("dashboard", plan, today.isoformat(), sort, get_language())

    def render() -> dict[str, str]:
        context = {**build(plan=plan, today=today, sort=sort), "plan": plan}
        return {
            name: render_to_string(f"monev/_dashboard_{name}.html", context, request)
            for name in ("numbers", "body")
        }

    parts = cache.get_or_set(key, render, PARTS_TIMEOUT)
    return {f"{name}_html": mark_safe(html) for name, html in parts.items()}  # noqa: S308


def lke_headline(plan: WorkPlan) -> dict | None:
    """The dashboard's LKE figures (the unit's total, and per predicate whether it is
    met or how many of its conditions are not), cached under what the score is
    computed from (the master list, ``lke.selectors.answers_mark``); None without a
    master list for the year."""
    master = master_for_year(plan.year)
    if master is None:
        return None
    made_of = (plan.unit_id, master.pk, master.updated_at, answers_mark(plan.unit_id, master.pk))
    key = "dashboard-lke:" + digest(made_of)

    def compute() -> dict:
        summary = summary_context(plan_lke(plan, master))
        levels = [{k: lv[k] for k in ("level", "unit_met", "unmet")} for lv in summary["levels"]]
        return {"total": summary["u"].total, "levels": levels}

    return cache.get_or_set(key, compute, PARTS_TIMEOUT)


# A response counts unless excluded, and a flagged one only once admitted (as
# surveys.selectors counts them).
_COUNTED = Q(responses__exclusion__isnull=True) & (
    Q(responses__flag_reason="") | Q(responses__admission__isnull=False)
)


def survey_panel(*, plan: WorkPlan, today: date) -> dict:
    """The unit's surveys running today with their respondents against the minimum and
    the sum of their services' Krejcie–Morgan targets, and the grade of the last closed
    SKM with respondents. Read on every view (responses do not change the plan's data
    stamp, so this is outside the cached body): two queries, and four more for the
    last SKM's results when there is one."""
    running = (
        Survey.objects.filter(
            unit_id=plan.unit_id,
            status=SurveyStatus.OPEN,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .annotate(respondents=Count("responses", filter=_COUNTED, distinct=True))
        .prefetch_related("services")
        .order_by("ends_on", "pk")
    )
    minimum = survey_scoring.MIN_RESPONDENTS
    rows = []
    for survey in running:
        target = sum(survey_scoring.sample_size(s.population) for s in survey.services.all())
        rows.append(
            {
                "survey": survey,
                "respondents": survey.respondents,
                "minimum": minimum,
                "target": target,
                "min_pct": min(100, survey.respondents * 100 // minimum),
                "target_pct": min(100, survey.respondents * 100 // target) if target else 100,
            }
        )
    last_skm = (
        Survey.objects.filter(unit_id=plan.unit_id, kind=SurveyKind.SKM)
        .filter(Q(status=SurveyStatus.CLOSED) | Q(ends_on__lt=today))
        .exclude(status=SurveyStatus.DRAFT)
        .annotate(respondents=Count("responses", filter=_COUNTED, distinct=True))
        .filter(respondents__gt=0)
        .order_by("-ends_on", "-pk")
        .first()
    )
    last = None
    if last_skm is not None:
        total = survey_results(last_skm).total
        last = {"survey": last_skm, "outcome": total}
    return {"running": rows, "last_skm": last}


def gantt(*, plan: WorkPlan, today: date) -> list[dict]:
    """Per area, each activity with 12 month squares: planned, realised, late."""
    activities = (
        Activity.objects.filter(pokja__plan=plan)
        .select_related("pokja__area")
        .prefetch_related(Prefetch("realisations", queryset=realisations_by_activity()))
        .order_by("pokja__area__order", "number")
    )
    rows: list[dict] = []
    for act in activities:
        realised = {r.month: r.status for r in act.realisations.all()}
        planned = set(act.months)
        months = [month_state(m in planned, realised.get(m), m, plan, today) for m in range(1, 13)]
        rows.append(
            {"activity": act, "area": act.pokja.area, "months": months, "late": "late" in months}
        )
    return rows


def feed(*, plan: WorkPlan, limit: int = 12) -> list[dict]:
    """Recent uploads and reviews, newest first."""
    versions = (
        EvidenceVersion.objects.filter(requirement__cell__quarter__plan=plan)
        .select_related("uploaded_by", "requirement__cell__quarter", "requirement__cell__area")
        .order_by("-uploaded_at")[:limit]
    )
    reviews = (
        Review.objects.filter(version__requirement__cell__quarter__plan=plan)
        .select_related(
            "reviewer", "version__requirement__cell__quarter", "version__requirement__cell__area"
        )
        .order_by("-created_at")[:limit]
    )
    events = [
        {
            "at": v.uploaded_at,
            "who": v.uploaded_by.name,
            "kind": "upload",
            "version": v,
            "requirement": v.requirement,
        }
        for v in versions
    ] + [
        {
            "at": r.created_at,
            "who": r.reviewer.name,
            "kind": r.decision,
            "version": r.version,
            "requirement": r.version.requirement,
            "comment": r.comment,
        }
        for r in reviews
    ]
    events.sort(key=lambda e: e["at"], reverse=True)
    return events[:limit]
