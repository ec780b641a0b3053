"""PMPZI deadline reminders: 30, 14 and 3 days before the year's proposal deadline
(``evaluation.pmpzi.deadline_of``: 31 May unless set), each unit's Ketua Tim and its
assigned assessors hear which prerequisites and Tabel 6 conditions are still missing,
for every unit of the year not yet proposed. Through the sweep's ``deliver``: one
``ReminderRecord`` per person, unit and occurrence (``scope`` ``pmpzi-<unit>``,
``period`` ``<year>-<days>``), so a second run sends nothing twice."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from evaluation.models import Assignment, PmpziProposal
from evaluation.pmpzi import REMINDER_DAYS, deadline_of, missing_of
from lke.models import LkeMaster
from workplan.models import WorkPlan
from zi_portal.accounts.models import Membership
from zi_portal.accounts.roles import Role
from zi_portal.core.links import absolute_url

from .choices import ReminderKind
from .models import Message
from .reminders import Planned, Scope
from .sweep import deliver


def plan_pmpzi_reminders(*, today: date) -> list[Planned]:
    year = today.year
    deadline = deadline_of(year)
    days = (deadline - today).days
    if days not in REMINDER_DAYS or not LkeMaster.objects.filter(year=year).exists():
        return []
    proposed = set(PmpziProposal.objects.filter(year=year).values_list("unit_id", flat=True))
    plans = [
        p
        for p in WorkPlan.objects.filter(year=year).select_related("unit").order_by("unit_id")
        if p.unit_id not in proposed
    ]
    units = [p.unit_id for p in plans]
    people: dict[int, list] = {pk: [] for pk in units}
    for m in Membership.objects.filter(
        unit_id__in=units, role=Role.KETUA, user__is_active=True
    ).select_related("user"):
        people[m.unit_id].append(m.user)
    for a in Assignment.objects.filter(unit_id__in=units, year=year).select_related("assessor"):
        people[a.unit_id].append(a.assessor)
    missing_by_unit = missing_of(units, year, "WBK")
    result = []
    for plan in plans:
        recipients = {u.pk: u for u in people[plan.unit_id]}.values()
        if not recipients:
            continue
        missing = missing_by_unit[plan.unit_id]
        url = absolute_url("evaluation:overview", year)
        lines = [{"text": m, "status_label": "", "url": url} for m in missing] or [
            {"text": "Semua syarat Menuju WBK terpenuhi; unit siap diusulkan.",
             "status_label": "", "url": url}
        ]  # fmt: skip
        scope = Scope(f"pmpzi-{plan.unit_id}", f"{year}-{days}", str(plan.unit), lines)
        context = {"days_left": days, "deadline": deadline}
        result += [Planned(ReminderKind.PMPZI, u, [scope], plan, context) for u in recipients]
    return result


def run_pmpzi(*, today: date | None = None, send_now: bool = False) -> list[Message]:
    today = today or timezone.localdate()
    sent = []
    for planned in plan_pmpzi_reminders(today=today):
        message = deliver(planned, today=today, send_now=send_now)
        if message is not None:
            sent.append(message)
    return sent
