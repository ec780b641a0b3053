"""A plan as a ``zi-portal-plan/1`` document (the format ``load_plan`` reads), so that
a unit's year can start from its previous year or from another unit's plan: the copy
goes through the same ``plan_import`` as a file, with the same checks."""

from __future__ import annotations

from typing import Any

from .choices import AREA_ORDER
from .models import Activity, CommitmentCell, Pokja, WorkPlan
from .services import PLAN_FORMAT


def plan_document(
    plan: WorkPlan,
    *,
    unit: Any = None,
    year: int | None = None,
    pics: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``plan`` as a document for ``unit`` (default: its own) and ``year`` (default: its
    own). A copy for another year or unit takes the focus, outputs, evidence lists,
    programme items, targets and activities; quarters fall due at the end of the new
    year's quarters and the plan is unsigned. The PIC names are ``pics`` (area code ->
    name); an area not named keeps its PIC in the unit's own plan and has none in
    another unit's."""
    unit = unit or plan.unit
    same = unit.pk == plan.unit_id and (year is None or year == plan.year)
    year = year or plan.year
    pokjas = (
        Pokja.objects.filter(plan=plan)
        .select_related("area")
        .prefetch_related("programme_items", "priority_targets")
    )
    cells = (
        CommitmentCell.objects.filter(quarter__plan=plan)
        .select_related("quarter", "area", "pic")
        .prefetch_related("outputs", "requirements")
    )
    activities = Activity.objects.filter(pokja__plan=plan).select_related("pokja__area")

    def pic_of(cell) -> str:
        if cell.area.code in (pics or {}):
            return pics[cell.area.code]
        if unit.pk == plan.unit_id:  # the unit's own plan: its PICs carry over
            return cell.pic.name if cell.pic_id else cell.pic_name
        return ""

    def points(rows) -> list[dict]:
        return [{"text": r.text, "sub_points": list(r.sub_points)} for r in rows]

    return {
        "format": PLAN_FORMAT,
        "source": plan.source if same else f"Disalin dari {plan.title} ({plan.unit.short_name})",
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "short_name": unit.short_name,
            "parent_name": unit.parent_name,
        },
        "plan": {
            "year": year,
            "title": plan.title.replace(str(plan.year), str(year)) if not same else plan.title,
            "signatory_name": plan.signatory_name if same else "",
            "signatory_title": plan.signatory_title if same else "",
            "signed_place": plan.signed_place if same else "",
            "signed_on": plan.signed_on.isoformat() if same and plan.signed_on else None,
        },
        "quarters": [
            {
                "number": q.number,
                "focus": q.focus,
                **({"due_date": q.due_date.isoformat()} if same else {}),
                "grace_days": q.grace_days,
            }
            for q in plan.quarters.order_by("number")
        ],
        "areas": sorted(
            (
                {
                    "code": p.area.code,
                    "pokja_name": p.name,
                    "programme_items": [
                        {"letter": i.letter, "text": i.text} for i in p.programme_items.all()
                    ],
                    "priority_targets": [
                        {"letter": t.letter, "text": t.text} for t in p.priority_targets.all()
                    ],
                }
                for p in pokjas
            ),
            key=lambda a: AREA_ORDER.index(a["code"]),
        ),
        "cells": [
            {
                "quarter": c.quarter.number,
                "area": c.area.code,
                "pic": pic_of(c),
                "outputs": points(c.outputs.all()),
                "evidence_items": points(c.requirements.all()),
            }
            for c in cells
        ],
        "activities": [
            {
                "area": a.pokja.area.code,
                "number": a.number,
                "activity": a.name,
                "output": a.output,
                "months": list(a.months),
                "months_assumed": a.months_assumed,
            }
            for a in activities
        ],
        "assumptions": list(plan.assumptions),
    }
