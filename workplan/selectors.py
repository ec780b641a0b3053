"""Reads of the work plan, already shaped and prefetched for the pages that show them.

Every function runs a fixed number of queries whatever the size of the plan (see the
query-count tests in tests/workplan/test_query_counts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from zi_portal.accounts.permissions import Action, can, cells_in_scope, cells_in_upload_scope

from .models import (
    Activity,
    ChangeArea,
    CommitmentCell,
    EvidenceRequirement,
    MonitoredOutput,
    Pokja,
    PokjaMember,
    Quarter,
    WorkPlan,
)


def plan_list(*, user: Any) -> QuerySet[WorkPlan]:
    plans = WorkPlan.objects.select_related("unit").order_by("-year", "unit__name")
    unit_id = getattr(user, "unit_id", None)
    return plans.filter(unit_id=unit_id) if unit_id else plans


def plan_for_year(*, user: Any, year: int) -> WorkPlan | None:
    """The plan of ``year`` for the user's unit (or the first unit's, for a user with
    no unit, such as a superuser)."""
    return plan_list(user=user).filter(year=year).order_by("unit__name").first()


def cells_for_plan(plan: WorkPlan) -> QuerySet[CommitmentCell]:
    return (
        CommitmentCell.objects.filter(quarter__plan=plan)
        .select_related("quarter", "area", "pic")
        .prefetch_related(
            Prefetch("outputs", queryset=MonitoredOutput.objects.order_by("order")),
            Prefetch("requirements", queryset=EvidenceRequirement.objects.order_by("order")),
        )
        .order_by("quarter__number", "area__order")
    )


@dataclass
class MatrixQuarter:
    quarter: Quarter
    cells: list[CommitmentCell] = field(default_factory=list)


def commitment_matrix(*, plan: WorkPlan, user: Any) -> list[MatrixQuarter]:
    """The Matriks Komitmen as the document lays it out: quarter by quarter, each with
    its area cells. Each cell gets ``is_mine`` (the user may upload to it)."""
    mine = (
        set(
            cells_in_upload_scope(
                user, CommitmentCell.objects.filter(quarter__plan=plan)
            ).values_list("pk", flat=True)
        )
        if not (user.is_superuser or can(user, Action.MANAGE_PLAN))
        else set()
    )
    rows: dict[int, MatrixQuarter] = {
        q.pk: MatrixQuarter(q) for q in Quarter.objects.filter(plan=plan).order_by("number")
    }
    cells = list(cells_for_plan(plan))
    attach_evidence_status(plan=plan, cells=cells, user=user)
    for cell in cells:
        cell.is_mine = cell.pk in mine
        rows[cell.quarter_id].cells.append(cell)
    return list(rows.values())


def attach_evidence_status(*, plan: WorkPlan, cells: list[CommitmentCell], user: Any) -> None:
    """Give each cell ``items`` (its requirements with their evidence status),
    ``progress`` and ``may_view`` (the user may open its evidence). Three queries."""
    from evidence.selectors import plan_item_statuses, progress_by_cell

    statuses = plan_item_statuses(plan)
    progress = progress_by_cell(statuses.values())
    visible = set(
        cells_in_scope(
            user, CommitmentCell.objects.filter(quarter__plan=plan), Action.VIEW_EVIDENCE
        ).values_list("pk", flat=True)
    )
    for cell in cells:
        cell.items = [statuses[r.pk] for r in cell.requirements.all()]
        cell.progress = progress.get(cell.pk)
        cell.may_view = cell.pk in visible


@dataclass
class AreaSummary:
    area: ChangeArea
    pokja: Pokja
    pic_names: list[str]
    programme_count: int
    target_count: int
    requirement_count: int
    activity_count: int


def plan_overview(*, plan: WorkPlan) -> dict[str, Any]:
    """Figures for the plan's overview page."""
    pokjas = (
        Pokja.objects.filter(plan=plan)
        .select_related("area")
        .annotate(
            n_programme=Count("programme_items", distinct=True),
            n_targets=Count("priority_targets", distinct=True),
            n_activities=Count("activities", distinct=True),
        )
        .order_by("area__order")
    )
    cells = (
        CommitmentCell.objects.filter(quarter__plan=plan)
        .select_related("pic")
        .annotate(n_requirements=Count("requirements"))
    )
    pic_names: dict[int, list[str]] = {}
    req_counts: dict[int, int] = {}
    for cell in cells:
        names = pic_names.setdefault(cell.area_id, [])
        if cell.pic_display and cell.pic_display not in names:
            names.append(cell.pic_display)
        req_counts[cell.area_id] = req_counts.get(cell.area_id, 0) + cell.n_requirements
    areas = [
        AreaSummary(
            area=p.area,
            pokja=p,
            pic_names=pic_names.get(p.area_id, []),
            programme_count=p.n_programme,
            target_count=p.n_targets,
            requirement_count=req_counts.get(p.area_id, 0),
            activity_count=p.n_activities,
        )
        for p in pokjas
    ]
    quarters = list(
        Quarter.objects.filter(plan=plan).annotate(n_requirements=Count("cells__requirements"))
    )
    return {
        "areas": areas,
        "quarters": quarters,
        "requirement_total": sum(req_counts.values()),
        "activity_total": sum(a.activity_count for a in areas),
    }


def activity_grid(*, plan: WorkPlan, user: Any, today) -> list[tuple[Pokja, list[Activity]]]:
    """Per area, its activities with ``month_flags`` (12 booleans: planned) and
    ``month_states`` (planned, late, done, partial, not done) beside the plan, and
    ``may_record`` (the user may record realisation for the area)."""
    from monev.dashboard import month_state
    from monev.models import ActivityRealisation

    pokjas = (
        Pokja.objects.filter(plan=plan)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.order_by("number").prefetch_related(
                    Prefetch("realisations", queryset=ActivityRealisation.objects.all())
                ),
            )
        )
        .order_by("area__order")
    )
    recordable = (
        set(
            cells_in_scope(
                user, CommitmentCell.objects.filter(quarter__plan=plan, pic=user)
            ).values_list("area_id", flat=True)
        )
        if not can(user, Action.MANAGE_PLAN)
        else None
    )
    grid = []
    for pokja in pokjas:
        activities = list(pokja.activities.all())
        may_record = can(user, Action.RECORD_REALISATION) and (
            recordable is None or pokja.area_id in recordable
        )
        for act in activities:
            planned = set(act.months)
            realised = {r.month: r.status for r in act.realisations.all()}
            act.month_flags = [m in planned for m in range(1, 13)]
            act.month_states = [
                month_state(m in planned, realised.get(m), m, plan, today) for m in range(1, 13)
            ]
        pokja.may_record = may_record
        grid.append((pokja, activities))
    return grid


def pokja_detail(*, pokja: Pokja, user: Any) -> dict[str, Any]:
    """Everything the area page shows about one pokja."""
    cells = list(cells_for_plan(pokja.plan).filter(area=pokja.area))
    mine = set(
        cells_in_upload_scope(
            user, CommitmentCell.objects.filter(pk__in=[c.pk for c in cells])
        ).values_list("pk", flat=True)
    )
    for cell in cells:
        cell.is_mine = cell.pk in mine
    attach_evidence_status(plan=pokja.plan, cells=cells, user=user)
    activities = list(pokja.activities.order_by("number"))
    for act in activities:
        planned = set(act.months)
        act.month_flags = [m in planned for m in range(1, 13)]
    return {
        "programme_items": list(pokja.programme_items.order_by("order")),
        "priority_targets": list(pokja.priority_targets.order_by("order")),
        "cells": cells,
        "activities": activities,
        "members": list(PokjaMember.objects.filter(pokja=pokja).select_related("user", "added_by")),
        "may_manage_members": can(user, Action.MANAGE_POKJA_MEMBERS, pokja),
        "may_write_narrative": can(user, Action.WRITE_NARRATIVE, pokja),
    }
