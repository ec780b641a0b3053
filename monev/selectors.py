"""Reads of monitoring: the activity plan beside its realisation, notifications, the
reports of a plan, undelivered e-mails. Each runs a fixed number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from evidence.models import EvidenceVersion
from workplan.models import Activity, Pokja, WorkPlan
from zi_portal.accounts.permissions import Action
from zi_portal.core.periods import month_is_over

from .choices import MessageStatus
from .models import ActivityRealisation, AreaNarrative, Message, Notification, Report


def realisations_by_activity():
    """The months of many activities, for a prefetch: ordered by the key columns (the
    model's ordering by "activity" would join every unit's activities to sort)."""
    return ActivityRealisation.objects.order_by("activity_id", "month")


def month_state(
    planned: bool, realised: str | None, month: int, plan: WorkPlan, today: date
) -> str:
    """One Gantt square: planned and done/partial/not done, or planned and late (its
    month is over with nothing recorded)."""
    if realised:
        return realised
    if planned:
        return "late" if month_is_over(plan.year, month, today) else "planned"
    return ""


def activity_grid(*, plan: WorkPlan, user: Any, today: date) -> list[tuple[Pokja, list[Activity]]]:
    """Per area, its activities with ``month_flags`` (12 booleans: planned) and
    ``month_states`` (planned, late, done, partial, not done) beside the plan, and
    ``may_record`` (the user may record realisation for the area)."""
    pokjas = (
        Pokja.objects.filter(plan=plan)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.order_by("number").prefetch_related(
                    Prefetch("realisations", queryset=realisations_by_activity())
                ),
            )
        )
        .order_by("area__order")
    )
    recordable = set(
        Pokja.objects.filter(plan=plan)
        .restrict(user, Action.RECORD_REALISATION)
        .values_list("area_id", flat=True)
    )
    grid = []
    for pokja in pokjas:
        activities = list(pokja.activities.all())
        may_record = pokja.area_id in recordable
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


def realisations_of(activity: Activity) -> dict[int, ActivityRealisation]:
    """What was recorded for ``activity``, by month."""
    rows = ActivityRealisation.objects.filter(activity=activity).prefetch_related("evidence")
    return {r.month: r for r in rows}


def realisation_evidence_choices(activity: Activity, limit: int = 50) -> QuerySet:
    """The area's versions (newest first) that a realisation may point to."""
    return (
        EvidenceVersion.objects.filter(
            requirement__cell__quarter__plan_id=activity.pokja.plan_id,
            requirement__cell__area_id=activity.pokja.area_id,
            withdrawn_at__isnull=True,
        )
        .select_related("requirement__cell__quarter")
        .order_by("-uploaded_at")[:limit]
    )


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


# The unread count read with the signed-in user, in the same query (monev/apps.py).
UNREAD_ATTRIBUTE = "zi_unread_notifications"


def unread_subquery() -> Coalesce:
    """The unread count of the user row ``OuterRef("pk")``."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def unread_count(user: Any) -> int:
    """The person's unread notifications: read with them when they signed in this
    request (``request.user``), else counted now."""
    read_with_user = getattr(user, UNREAD_ATTRIBUTE, None)
    if read_with_user is not None:
        return read_with_user
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def reports_for(plan: WorkPlan, limit: int = 100) -> list[Report]:
    return list(
        Report.objects.filter(plan=plan)
        .select_related("requested_by")
        .order_by("-requested_at")[:limit]
    )


def failed_messages(*, user: Any, limit: int = 50) -> list[Message]:
    """E-mails to the people of the reader's unit that could not be delivered after
    every retry, newest first."""
    return list(
        Message.objects.restrict(user, Action.VIEW_SYSTEM_STATUS)
        .filter(status=MessageStatus.FAILED)
        .select_related("recipient")[:limit]
    )


def narrative_for(plan: Any, area: Any) -> AreaNarrative:
    """The area's narrative for the plan's year (an unsaved, empty one if none yet)."""
    narrative = AreaNarrative.objects.filter(plan=plan, area=area).first()
    return narrative or AreaNarrative(plan=plan, area=area)
