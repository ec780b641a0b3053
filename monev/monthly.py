"""The monthly realisation reminder: on the first working day of a month, each PIC hears
once about the activities of their areas that were planned in the month before and
whose realisation nobody has recorded.

Who is told is whoever may record it (``Pokja.objects.restrict(user,
RECORD_REALISATION)``) among the PICs of the area's cells, so a PIC of another unit or
another area is never told, and a Ketua Tim who is also a cell's PIC hears only about
that area. The message goes through the reminder sweep's ``deliver``: one
``ReminderRecord`` per person and plan for the month (``scope`` ``plan-<id>``,
``period`` ``YYYY-MM``) under the unique constraint, so running this twice, or on two
workers at once, mails each person once a month. Beat runs it every hour (from
``ZI_REMINDER_HOUR``): if the broker was away at the first run, a later one sends it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from workplan.models import Activity, CommitmentCell, Pokja, WorkPlan
from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import Action
from zi_portal.core.links import absolute_url

from .choices import ReminderKind
from .models import ActivityRealisation, Message
from .reminders import Planned, Scope
from .sweep import deliver

log = logging.getLogger(__name__)


def first_working_day(year: int, month: int) -> date:
    """The first Monday–Friday of a month. (The portal keeps no list of public holidays;
    a 1 January on a weekday is that month's first working day.)"""
    day = date(year, month, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def previous_month(today: date) -> tuple[int, int]:
    first = today.replace(day=1) - timedelta(days=1)
    return first.year, first.month


def _responsible(plans: list[WorkPlan]) -> dict[tuple[int, int], list[User]]:
    """(plan id, area id) → the active PICs of that area's cells, in a stable order."""
    people: dict[tuple[int, int], dict[int, User]] = defaultdict(dict)
    cells = (
        CommitmentCell.objects.filter(
            quarter__plan__in=plans, pic__isnull=False, pic__is_active=True
        )
        .select_related("pic", "quarter")
        .order_by("pic_id")
    )
    for cell in cells:
        people[(cell.quarter.plan_id, cell.area_id)][cell.pic_id] = cell.pic
    return {key: list(by_id.values()) for key, by_id in people.items()}


def plan_monthly_reminders(*, today: date) -> list[Planned]:
    """What the reminder would send on ``today`` (reads only): nothing unless ``today``
    is the first working day of its month; then one ``Planned`` per PIC and plan, its
    lines the unrecorded activities of last month, by area and number."""
    if today != first_working_day(today.year, today.month):
        return []
    year, month = previous_month(today)
    plans = list(WorkPlan.objects.filter(year=year).select_related("unit").order_by("pk"))
    if not plans:
        return []
    recorded = set(
        ActivityRealisation.objects.filter(
            activity__pokja__plan__in=plans, month=month
        ).values_list("activity_id", flat=True)
    )
    # Months are a JSON list: filtered here, as SQLite cannot look inside it.
    open_by_pokja: dict[int, list[Activity]] = defaultdict(list)
    for activity in (
        Activity.objects.filter(pokja__plan__in=plans)
        .select_related("pokja__area")
        .order_by("pokja__area__order", "number")
    ):
        if month in activity.months and activity.pk not in recorded:
            open_by_pokja[activity.pokja_id].append(activity)
    if not open_by_pokja:
        return []
    responsible = _responsible(plans)
    pokjas = {
        p.pk: p
        for p in Pokja.objects.filter(pk__in=open_by_pokja).select_related("area", "plan__unit")
    }
    per_person: dict[tuple[int, int], list[Pokja]] = defaultdict(list)
    people: dict[int, User] = {}
    for pokja in sorted(pokjas.values(), key=lambda p: (p.plan_id, p.area.order)):
        for user in responsible.get((pokja.plan_id, pokja.area_id), []):
            per_person[(user.pk, pokja.plan_id)].append(pokja)
            people[user.pk] = user
    plans_by_id = {p.pk: p for p in plans}
    result = []
    for (user_id, plan_id), candidates in per_person.items():
        user = people[user_id]
        allowed = set(
            Pokja.objects.filter(pk__in=[p.pk for p in candidates])
            .restrict(user, Action.RECORD_REALISATION)
            .values_list("pk", flat=True)
        )
        lines = [
            _line(activity, pokja, month)
            for pokja in candidates
            if pokja.pk in allowed
            for activity in open_by_pokja[pokja.pk]
        ]
        if not lines:
            continue
        plan = plans_by_id[plan_id]
        scope = Scope(f"plan-{plan.pk}", f"{year}-{month:02d}", str(plan), lines)
        result.append(
            Planned(ReminderKind.REALISATION, user, [scope], plan, {"month": date(year, month, 1)})
        )
    result.sort(key=lambda p: (p.plan.pk, p.recipient.pk))
    return result


def _line(activity: Activity, pokja: Pokja, month: int) -> dict:
    url = absolute_url("monev:realisation", pokja.plan.year, activity.pk)
    return {
        "text": f"{activity.number}. {activity.name}",
        "output": activity.output,
        "area": f"{pokja.area.code} {pokja.area.name}",
        "url": f"{url}?bulan={month}",
    }


def run_monthly(*, today: date | None = None, send_now: bool = False) -> list[Message]:
    """Send the month's realisation reminders that are due and not yet sent. Without
    ``today`` (beat): today in the portal's time zone, and only from the reminder hour."""
    if today is None:
        now = timezone.localtime()
        due = now.replace(
            hour=settings.ZI_REMINDER_HOUR, minute=settings.ZI_REMINDER_MINUTE, second=0
        )
        if now < due:
            return []
        today = now.date()
    created = []
    for planned in plan_monthly_reminders(today=today):
        message = deliver(planned, today=today, send_now=send_now)
        if message is not None:
            created.append(message)
    if created:
        log.info("realisation reminders %s: %s messages", today, len(created))
    return created
