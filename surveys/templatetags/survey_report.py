"""The survey page's report panel: what it shows, computed from the survey and the
person looking (reads only; the panel's forms post to ``views_report``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django import template
from django.utils import timezone

from findings.selectors import owner_choices
from zi_portal.accounts.permissions import Action, can

from ..attach import attachable_items
from ..followups import PROPOSED, Proposal, default_recommendation, follow_up_cell, proposals
from ..selectors import survey_results
from ..trend import TrendPoint, survey_trend, trend_chart, value_caption

register = template.Library()

# The due date the follow-up form proposes: a month from today.
DEFAULT_DUE_DAYS = 30


@dataclass
class ReportPanel:
    trend: list[TrendPoint]
    chart: str
    caption: str
    proposals: list[Proposal]
    proposed_count: int
    cell: Any
    may_follow_up: bool
    owners: list[Any] = field(default_factory=list)
    due_date: date | None = None
    closed: bool = False
    may_attach: bool = False
    items: list[Any] = field(default_factory=list)


@register.simple_tag(takes_context=True)
def report_panel(context: template.Context) -> ReportPanel:
    survey, user = context["survey"], context["request"].user
    results = context.get("results") or survey_results(survey)
    trend = survey_trend(survey)
    cell = follow_up_cell(survey)
    # The survey page already asked whether this person manages the survey.
    may_manage = context.get("may_manage")
    if may_manage is None:
        may_manage = can(user, Action.MANAGE_SURVEYS, survey)
    may_follow_up = bool(may_manage) and cell is not None
    rows = proposals(survey, results)
    for row in rows:
        row.recommendation = default_recommendation(row.question)
    closed = survey.phase() == "closed"
    may_attach = closed and can(user, Action.UPLOAD_EVIDENCE)
    return ReportPanel(
        trend=trend,
        chart=trend_chart(trend, survey.kind),
        caption=value_caption(survey.kind),
        proposals=rows,
        proposed_count=PROPOSED,
        cell=cell,
        may_follow_up=may_follow_up,
        owners=list(owner_choices(cell.quarter.plan).order_by("name")) if may_follow_up else [],
        due_date=timezone.localdate() + timedelta(days=DEFAULT_DUE_DAYS),
        closed=closed,
        may_attach=may_attach,
        items=list(attachable_items(survey, user)) if may_attach else [],
    )
