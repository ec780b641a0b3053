"""The plan's pages that show evidence status: the commitment matrix and an area's page
(its cells with the status of every required item). The plan itself comes from
``workplan.selectors``; the status from this app. Thin: access → selectors → response."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from workplan import selectors as plan_selectors
from workplan.choices import AREA_ORDER, MONTH_NAMES
from workplan.forms import PokjaMemberForm
from workplan.permissions import access_plan, access_pokja
from workplan.stamps import stamp_key

from .selectors import attach_evidence_status, visible_cells

# Entries are never stale (a change makes a new key); the timeout only frees space.
TABLE_TIMEOUT = 24 * 3600


def plan_matrix(request: HttpRequest, year: int) -> HttpResponse:
    """The commitment matrix with every item's status. Its table is the same for every
    viewer with the same cells of their own and the same cells they may open: it is
    rendered once per change of the plan's data (``workplan.stamps``) for each."""
    plan = access_plan(request.user, year)
    mine = plan_selectors.cells_of_user(plan, request.user)
    visible = visible_cells(plan, request.user)
    only_mine = request.GET.get("milik") == "saya" and bool(mine)
    key = stamp_key("matrix", plan, _digest(mine), _digest(visible), int(only_mine), get_language())

    def table() -> str:
        rows = plan_selectors.commitment_matrix(plan=plan, user=request.user)
        attach_evidence_status(
            plan=plan, cells=[c for row in rows for c in row.cells], visible=visible
        )
        if only_mine:
            for row in rows:
                row.cells = [c for c in row.cells if c.is_mine]
            rows = [row for row in rows if row.cells]
        context = {"plan": plan, "rows": rows}
        return render_to_string("evidence/_plan_matrix_table.html", context, request)

    return render(
        request,
        "evidence/plan_matrix.html",
        {
            "plan": plan,
            # Rendered by our template (escaped there), cached as a string.
            "table_html": mark_safe(cache.get_or_set(key, table, TABLE_TIMEOUT)),  # noqa: S308
            "mine_count": len(mine),
            "only_mine": only_mine,
            "nav_active": "matrix",
        },
    )


def _digest(ids: set[int]) -> str:
    return hashlib.sha1(",".join(map(str, sorted(ids))).encode(), usedforsecurity=False).hexdigest()


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
    attach_evidence_status(
        plan=plan, cells=context["cells"], visible=visible_cells(plan, request.user)
    )
    return render(request, "evidence/area.html", context)
