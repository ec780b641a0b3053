"""The plan's pages that show evidence status: the commitment matrix and an area's page
(its cells with the status of every required item). The plan itself comes from
``workplan.selectors``; the status from this app. Thin: access → selectors → response."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workplan import selectors as plan_selectors
from workplan.choices import AREA_ORDER, MONTH_NAMES
from workplan.forms import PokjaMemberForm
from workplan.permissions import access_plan, access_pokja

from .selectors import attach_evidence_status


def plan_matrix(request: HttpRequest, year: int) -> HttpResponse:
    plan = access_plan(request.user, year)
    rows = plan_selectors.commitment_matrix(plan=plan, user=request.user)
    attach_evidence_status(
        plan=plan, cells=[c for row in rows for c in row.cells], user=request.user
    )
    mine_count = sum(1 for row in rows for cell in row.cells if cell.is_mine)
    only_mine = request.GET.get("milik") == "saya" and mine_count > 0
    if only_mine:
        for row in rows:
            row.cells = [c for c in row.cells if c.is_mine]
        rows = [row for row in rows if row.cells]
    return render(
        request,
        "evidence/plan_matrix.html",
        {
            "plan": plan,
            "rows": rows,
            "mine_count": mine_count,
            "only_mine": only_mine,
            "nav_active": "matrix",
        },
    )


def area_detail(request: HttpRequest, year: int, code: str) -> HttpResponse:
    plan = access_plan(request.user, year)
    pokja = access_pokja(request.user, plan, code)
    context = {
        "plan": plan,
        "pokja": pokja,
        "member_form": PokjaMemberForm(),
        "area_codes": AREA_ORDER,
        "month_names": MONTH_NAMES,
    }
    context.update(plan_selectors.pokja_detail(pokja=pokja, user=request.user))
    attach_evidence_status(plan=plan, cells=context["cells"], user=request.user)
    return render(request, "evidence/area.html", context)
