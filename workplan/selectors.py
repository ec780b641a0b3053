"""Reads of the work plan, already shaped and prefetched for the pages that show them.

Every function runs a fixed number of queries whatever the size of the plan (see the
query-count tests in tests/workplan/test_query_counts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from zi_portal.accounts.permissions import Action, can

from .models import (
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
    """The plans of the user's unit, newest first."""
    return (
        WorkPlan.objects.restrict(user, Action.VIEW_PLAN)
        .select_related("unit")
        .order_by("-year", "unit__name")
    )


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


def cells_of_user(plan: WorkPlan, user: Any) -> set[int]:
    """The plan's cells the user uploads to as their PIC or a pokja member (the Ketua
    Tim, who may upload everywhere, has no cells of their own). One query at most."""
    if user.is_superuser or can(user, Action.MANAGE_PLAN):
        return set()
    rows = CommitmentCell.objects.filter(quarter__plan=plan)
    return set(rows.restrict(user, Action.UPLOAD_EVIDENCE).values_list("pk", flat=True))


def commitment_matrix(*, plan: WorkPlan, user: Any) -> list[MatrixQuarter]:
    """The Matriks Komitmen as the document lays it out: quarter by quarter, each with
    its area cells. Each cell gets ``is_mine`` (``cells_of_user``)."""
    rows: dict[int, MatrixQuarter] = {
        q.pk: MatrixQuarter(q) for q in Quarter.objects.filter(plan=plan).order_by("number")
    }
    cells = list(cells_for_plan(plan))
    mine = cells_of_user(plan, user)
    for cell in cells:
        cell.is_mine = cell.pk in mine
        rows[cell.quarter_id].cells.append(cell)
    return list(rows.values())


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


def pokja_detail(*, pokja: Pokja, user: Any) -> dict[str, Any]:
    """Everything the area page shows about one pokja (its cells with ``is_mine``; the
    evidence pages add the items' status)."""
    cells = list(cells_for_plan(pokja.plan).filter(area=pokja.area))
    mine = cells_of_user(pokja.plan, user)
    for cell in cells:
        cell.is_mine = cell.pk in mine
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
