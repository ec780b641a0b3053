"""The status of every evidence item of a plan, as small tuples, cached per plan under
its data stamp (``workplan.stamps``): the same for every viewer, computed once per
change of the plan's evidence instead of once per page. Two light queries on a miss
(the items, then the current versions' states), one cache read on a hit. The cache
is a help, never a source: when it is down the states are computed each time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.core.cache import cache

from workplan.models import EvidenceRequirement, WorkPlan
from workplan.stamps import stamp_key

from .choices import ReviewState
from .models import EvidenceVersion
from .status import Tally, derive_status

# Entries are never stale (a change makes a new key); the timeout only frees space.
STATES_TIMEOUT = 7 * 24 * 3600


class ItemState(NamedTuple):
    """One item as the plan's overview pages count it."""

    cell_id: int
    area_id: int
    status: str
    waiting: int  # current versions waiting for review
    last_upload: datetime | None


def item_states(plan: WorkPlan, *, holding: Iterable[int] = ()) -> dict[int, ItemState]:
    """Every item of ``plan`` by id (see the module's docstring). ``holding``: ids the
    caller is about to look up; an entry without one of them (items bulk-inserted by
    a script, which sends no signal) is computed again."""
    key = stamp_key("item-states", plan)
    states = cache.get(key)
    if states is None or not all(pk in states for pk in holding):
        states = _item_states(plan)
        cache.set(key, states, STATES_TIMEOUT)
    return states


def _item_states(plan: WorkPlan) -> dict[int, ItemState]:
    items = EvidenceRequirement.objects.filter(cell__quarter__plan=plan).values_list(
        "pk", "cell_id", "cell__area_id"
    )
    versions: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    rows = (
        EvidenceVersion.objects.current()
        .filter(requirement__in=EvidenceRequirement.objects.filter(cell__quarter__plan=plan))
        .values_list("requirement_id", "review_state", "uploaded_at")
    )
    for requirement_id, state, uploaded_at in rows:
        versions[requirement_id].append((state, uploaded_at))
    states = {}
    for pk, cell_id, area_id in items:
        current = versions.get(pk, [])
        states[pk] = ItemState(
            cell_id,
            area_id,
            derive_status(state for state, _at in current),
            sum(1 for state, _at in current if state == ReviewState.PENDING),
            max((at for _state, at in current), default=None),
        )
    return states


def tallies_by(states: dict[int, ItemState], field: str) -> dict[int, Tally]:
    """The items' tally per ``cell_id`` or ``area_id``."""
    result: dict[int, Tally] = defaultdict(Tally)
    for state in states.values():
        result[getattr(state, field)].add(state.status)
    return dict(result)
