"""Evidence completion of many plans at once (the ministry's recap): per plan, how many
items there are, how many are approved and how many are late today.

Each plan's tally is cached under its data stamp and the day (lateness moves with the
date), so a recap of a thousand units reads one query of stamps and one round trip to
the cache; the plans missed are computed together in three queries. The status and
lateness rules are ``status.derive_status`` and ``status.is_late``, as everywhere."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from django.core.cache import cache

from workplan.models import EvidenceRequirement, Quarter, WorkPlan
from workplan.stamps import stamp_key, stamps_of

from .choices import ItemStatus
from .models import EvidenceVersion
from .status import derive_status, is_late

TALLY_TIMEOUT = 2 * 24 * 3600


class PlanTally(NamedTuple):
    total: int
    approved: int
    late: int

    @property
    def percent(self) -> float:
        return round(100 * self.approved / self.total, 1) if self.total else 0.0


def _compute(plan_ids: list[int], today: date) -> dict[int, PlanTally]:
    quarters = {q.pk: q for q in Quarter.objects.filter(plan_id__in=plan_ids)}
    items = EvidenceRequirement.objects.filter(cell__quarter__plan_id__in=plan_ids)
    states: dict[int, list[str]] = defaultdict(list)
    for requirement_id, state in (
        EvidenceVersion.objects.current()
        .filter(requirement__in=items)
        .values_list("requirement_id", "review_state")
    ):
        states[requirement_id].append(state)
    counts: dict[int, list[int]] = {pk: [0, 0, 0] for pk in plan_ids}
    for pk, quarter_id in items.values_list("pk", "cell__quarter_id"):
        quarter = quarters[quarter_id]
        status = derive_status(states.get(pk, ()))
        row = counts[quarter.plan_id]
        row[0] += 1
        row[1] += status == ItemStatus.APPROVED
        row[2] += is_late(status, quarter, today)
    return {pk: PlanTally(*row) for pk, row in counts.items()}


def plan_tallies(plans: Iterable[WorkPlan], today: date) -> dict[int, PlanTally]:
    """Each plan's tally by plan id (see the module's docstring)."""
    plans = list(plans)
    if not plans:
        return {}
    stamps = stamps_of(p.pk for p in plans)
    keys = {
        p.pk: stamp_key("plan-tally", p, today.isoformat(), stamp=stamps.get(p.pk, 0))
        for p in plans
    }
    found = cache.get_many(list(keys.values()))
    result = {pk: PlanTally(*found[key]) for pk, key in keys.items() if key in found}
    missed = [pk for pk in keys if pk not in result]
    if missed:
        computed = _compute(missed, today)
        cache.set_many({keys[pk]: tuple(t) for pk, t in computed.items()}, TALLY_TIMEOUT)
        result.update(computed)
    return result
