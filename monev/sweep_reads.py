"""The reminder sweep's reads, batched so that their number does not grow with the
number of units: plans are read in chunks of ``PLAN_CHUNK`` with six queries per
chunk (cells, their quarters, areas and PICs, items, the review states of current
versions), the digest's leaders once per sweep, and revision requests in one streamed
query with only the columns a notice shows. Nothing holds a model object per version
or per review, so memory stays flat on a backlog (an import, or a worker that was down
for days)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat

from evidence.choices import Decision
from evidence.models import EvidenceVersion, Review, version_label
from evidence.status import derive_status
from workplan.models import ChangeArea, CommitmentCell, EvidenceRequirement, Quarter, WorkPlan
from zi_portal.accounts.models import User
from zi_portal.accounts.roles import GROUP_NAMES, Role

from .choices import ReminderKind
from .models import ReminderPolicy, ReminderRecord

# Plans whose items are read together: 100 plans of the full work plan are about
# 7,700 items, a few MB.
PLAN_CHUNK = 100
# Columns of the cells, quarters, areas and PICs no reminder shows (a chunk of 100
# plans has 2,400 cells; their timestamps were a fifth of the sweep).
UNREAD_FIELDS = ("created_at", "updated_at")
UNREAD_USER_FIELDS = ("password", "last_login", "date_joined")
# Rows fetched per round trip when streaming revision requests.
STREAM_CHUNK = 10_000


@dataclass
class SweepItem:
    """An evidence item as the sweep needs it (no versions kept)."""

    pk: int
    text: str
    order: int
    cell: CommitmentCell
    status: str

    @property
    def cell_id(self) -> int:
        return self.cell.pk


def plans_in_chunks(chunk: int = PLAN_CHUNK) -> Iterator[list[WorkPlan]]:
    """Every plan (with its unit), oldest year first, ``chunk`` at a time (one query)."""
    plans = list(WorkPlan.objects.select_related("unit").order_by("year", "pk"))
    for start in range(0, len(plans), chunk):
        yield plans[start : start + chunk]


def policies_of(plans: Iterable[WorkPlan]) -> dict[int, ReminderPolicy]:
    """The saved policies of ``plans`` by plan id (one query); a plan without one uses
    the defaults (``reminders.default_policy``)."""
    return {p.plan_id: p for p in ReminderPolicy.objects.filter(plan__in=list(plans))}


def statuses_of(plans: list[WorkPlan]) -> dict[int, dict[int, SweepItem]]:
    """plan id → {item id: item with its status} for ``plans`` (three queries)."""
    plan_ids = [p.pk for p in plans]
    cells = _cells_of(plan_ids)
    states: dict[int, list[str]] = defaultdict(list)
    current = (
        EvidenceVersion.objects.current()
        .filter(requirement__cell__quarter__plan_id__in=plan_ids)
        .order_by()
    )
    for requirement_id, state in current.values_list("requirement_id", "review_state").iterator(
        chunk_size=STREAM_CHUNK
    ):
        states[requirement_id].append(state)
    result: dict[int, dict[int, SweepItem]] = {pk: {} for pk in plan_ids}
    rows = (
        EvidenceRequirement.objects.filter(cell_id__in=list(cells))
        .order_by()  # sorted below, from the cells at hand: no join to sort by
        .values_list("pk", "text", "order", "cell_id")
    )
    items = []
    for pk, text, order, cell_id in rows.iterator(chunk_size=STREAM_CHUNK):
        cell = cells[cell_id]
        items.append(SweepItem(pk, text, order, cell, derive_status(states.pop(pk, ()))))
    items.sort(key=lambda i: (i.cell.quarter.number, i.cell.area.order, i.order, i.pk))
    for item in items:
        result[item.cell.quarter.plan_id][item.pk] = item
    return result


def _cells_of(plan_ids: list[int]) -> dict[int, CommitmentCell]:
    """The plans' cells by id, each with its quarter, area and PIC: one object per
    quarter, area and person shared by their cells, not one per cell (four queries)."""
    # No ordering: the models' default one joins quarters and areas to sort 2,400 cells.
    cells = CommitmentCell.objects.filter(quarter__plan_id__in=plan_ids).order_by()
    cells = list(cells.defer(*UNREAD_FIELDS))
    quarters = Quarter.objects.filter(plan_id__in=plan_ids).order_by().defer(*UNREAD_FIELDS)
    quarters = quarters.in_bulk()
    areas = ChangeArea.objects.defer(*UNREAD_FIELDS).in_bulk()
    pic_ids = {c.pic_id for c in cells if c.pic_id is not None}
    pics = User.objects.filter(pk__in=pic_ids).defer(*UNREAD_USER_FIELDS).in_bulk()
    for cell in cells:
        cell.quarter = quarters[cell.quarter_id]
        cell.area = areas[cell.area_id]
        cell.pic = pics.get(cell.pic_id)
    return {cell.pk: cell for cell in cells}


def digest_leaders() -> dict[int | None, list[User]]:
    """Who receives the weekly digest, by unit id (None: people of no unit, who get
    every plan's), each list by pk. One query per sweep."""
    leaders = (
        User.objects.filter(
            is_active=True,
            receive_digest=True,
            groups__name__in=[GROUP_NAMES[Role.KETUA], GROUP_NAMES[Role.KEPALA]],
        )
        .distinct()
        .order_by("pk")
    )
    by_unit: dict[int | None, list[User]] = defaultdict(list)
    for user in leaders:
        by_unit[user.unit_id].append(user)
    return by_unit


def leaders_of(by_unit: dict[int | None, list[User]], unit_id: int) -> list[User]:
    """The digest's readers for a plan of ``unit_id``, by pk."""
    return sorted(by_unit.get(unit_id, []) + by_unit.get(None, []), key=lambda u: u.pk)


class RevisionNotice(NamedTuple):
    """One revision request not yet told to its uploader: only what a notice shows (a
    tuple: a backlog holds hundreds of thousands)."""

    review_id: int
    comment: str
    reviewer: str
    version_label: str
    uploader_id: int
    requirement_id: int
    requirement_text: str
    quarter_number: int
    area_code: str
    area_name: str
    plan_id: int


def revision_notices(
    *, user_id: int | None = None, before: datetime | None = None
) -> Iterator[RevisionNotice]:
    """Reviews asking for revision that have not been told to the uploader yet, by
    uploader and oldest first within each (so that a notice can be planned as soon as
    its uploader's rows have passed), streamed (one query)."""
    told = ReminderRecord.objects.filter(
        kind=ReminderKind.REVISION,
        scope=Concat(Value("review-"), Cast(OuterRef("pk"), CharField())),
    )
    reviews = Review.objects.filter(decision=Decision.REVISE).exclude(Exists(told))
    if user_id is not None:
        reviews = reviews.filter(version__uploaded_by_id=user_id)
    if before is not None:
        reviews = reviews.filter(created_at__lte=before)
    rows = reviews.order_by("version__uploaded_by_id", "created_at", "pk").values_list(
        "pk",
        "comment",
        "reviewer__name",
        "version__file_no",
        "version__revision",
        "version__uploaded_by_id",
        "version__requirement_id",
        "version__requirement__text",
        "version__requirement__cell__quarter__number",
        "version__requirement__cell__area__code",
        "version__requirement__cell__area__name",
        "version__requirement__cell__quarter__plan_id",
    )
    labels: dict[tuple[int, int], str] = {}  # translated once per name, not per row
    for row in rows.iterator(chunk_size=STREAM_CHUNK):
        pk, comment, reviewer, file_no, revision, uploader_id, *rest = row
        label = labels.get((file_no, revision))
        if label is None:
            label = labels[(file_no, revision)] = version_label(file_no, revision)
        yield RevisionNotice(pk, comment, reviewer, label, uploader_id, *rest)
