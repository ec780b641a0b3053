"""A plan's data stamp: a counter on ``WorkPlan`` that every change to what the plan's
pages show (evidence versions, reviews, items, cells, quarters, activities and their
realisations) increments inside the change's own transaction (receivers of each app).
Parts of pages that are the same for every viewer (the dashboard's numbers, the items'
statuses) are cached under the stamp, so a cached part can never outlive the data it
was computed from: a change makes a new stamp, and the old entry is never read again.
Keys also carry the plan's creation time, so a plan replaced by a new one with the
same id (SQLite may reuse one) never meets the old plan's entries."""

from __future__ import annotations

from django.db.models import F, QuerySet

from .models import WorkPlan


def touch(plans: QuerySet[WorkPlan]) -> None:
    """Increment the data stamp of ``plans`` (one UPDATE)."""
    plans.update(data_stamp=F("data_stamp") + 1)


def stamp_key(prefix: str, plan: WorkPlan, *parts: object) -> str:
    """A cache key for something computed from ``plan``'s data as it is now."""
    born = int(plan.created_at.timestamp() * 1000) if plan.created_at else 0
    tail = ":".join(str(p) for p in parts)
    return f"{prefix}:{plan.pk}:{born}:{plan.data_stamp}:{tail}"
