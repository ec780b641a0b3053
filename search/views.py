"""The search page: the box's query → the matches in the selected plan, by kind. Thin:
parse the query, pick the plan the user may see, ask the selectors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workplan.permissions import access_selected_plan

from . import selectors
from .query import MAX_LENGTH, MIN_LENGTH, parse_query


def results(request: HttpRequest) -> HttpResponse:
    """``/cari/?q=…[&tahun=…]``: an empty box explains what can be searched; a query too
    short says so; otherwise the matches the user may open."""
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    raw = request.GET.get("q", "")
    query, problem = parse_query(raw, prefix=selectors.uses_full_text())
    # The box in the header shows what was searched (base.html reads ``search_q``).
    search_q = " ".join(raw.split())[:MAX_LENGTH]
    groups = selectors.search_plan(user=request.user, plan=plan, query=query) if query else []
    return render(
        request,
        "search/results.html",
        {
            "plan": plan,
            "query": query,
            "problem": problem,
            "groups": groups,
            "found": sum(g.total for g in groups),
            "min_length": MIN_LENGTH,
            "max_length": MAX_LENGTH,
            "search_q": search_q,
        },
    )
