"""Reads of the evidence app: item status derived from versions, the PIC's tasks,
the review queue, an item's history, the audit trail. Each runs a fixed number of
queries whatever the number of items or versions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from workplan.models import ChangeArea, CommitmentCell, EvidenceRequirement, Quarter, WorkPlan
from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import Action, restrict_rows
from zi_portal.core.models import AuditEvent
from zi_portal.core.periods import current_quarter

from .choices import Decision, ItemStatus, ReviewState
from .models import EvidenceVersion, Review, VersionReply
from .plan_status import item_states, tallies_by
from .status import STATUS_ORDER, Tally, derive_status, is_late


def current_versions_qs() -> QuerySet[EvidenceVersion]:
    return EvidenceVersion.objects.current()


def item_status_of(requirement: EvidenceRequirement) -> str:
    states = current_versions_qs().filter(requirement=requirement).values_list("review_state")
    return derive_status(state for (state,) in states)


def with_status(requirements: QuerySet[EvidenceRequirement]) -> list[EvidenceRequirement]:
    """Requirements with ``current`` (their current versions, newest first), ``status``
    and ``latest`` (the newest current version or None). Two queries."""
    items = list(
        requirements.prefetch_related(
            Prefetch(
                "versions",
                queryset=current_versions_qs()
                .select_related("uploaded_by", "replaces")
                .order_by("-number"),
                to_attr="current",
            )
        )
    )
    for item in items:
        item.status = derive_status(v.review_state for v in item.current)
        item.latest = item.current[0] if item.current else None
    return items


def item_with_status(requirement: EvidenceRequirement) -> EvidenceRequirement:
    """One item with its status and current versions (see ``with_status``)."""
    rows = EvidenceRequirement.objects.filter(pk=requirement.pk).select_related(
        "cell__quarter", "cell__area", "cell__pic"
    )
    return with_status(rows)[0]


def audit_people(*, user: Any) -> QuerySet:
    """The people the audit trail can be filtered by: those of the reader's unit."""
    return User.objects.in_unit(user).order_by("name").only("pk", "name")


def requirements_for_plan(plan: WorkPlan) -> QuerySet[EvidenceRequirement]:
    return (
        EvidenceRequirement.objects.filter(cell__quarter__plan=plan)
        .select_related("cell__quarter", "cell__area", "cell__pic")
        .order_by("cell__quarter__number", "cell__area__order", "order")
    )


def plan_item_statuses(plan: WorkPlan) -> dict[int, EvidenceRequirement]:
    """Every requirement of the plan with its status, keyed by id (two queries)."""
    return {item.pk: item for item in with_status(requirements_for_plan(plan))}


def progress_by_area(plan: WorkPlan) -> list[tuple[ChangeArea, Tally]]:
    """Each change area with the tally of its items in ``plan`` (the areas, and the
    items' cached states)."""
    tallies = tallies_by(item_states(plan), "area_id")
    return [(area, tallies.get(area.pk, Tally())) for area in ChangeArea.objects.order_by("order")]


def progress_by_cell(items: Iterable[EvidenceRequirement]) -> dict[int, Tally]:
    progress: dict[int, Tally] = defaultdict(Tally)
    for item in items:
        progress[item.cell_id].add(item.status)
    return dict(progress)


@dataclass
class TaskGroup:
    """A section of "Tugas saya": one quarter's items, or the overdue items of earlier
    quarters (``quarter`` is then None)."""

    quarter: Quarter | None
    items: list[EvidenceRequirement]
    days_left: int | None

    @property
    def late(self) -> bool:
        return self.quarter is None

    @property
    def days_late(self) -> int:
        return max(0, -(self.days_left or 0))

    @property
    def open_items(self) -> list[EvidenceRequirement]:
        return [i for i in self.items if i.status != ItemStatus.APPROVED]


def my_tasks(*, user: Any, plan: WorkPlan, today: date, own_only: bool = False) -> list[TaskGroup]:
    """What the user must do: first the overdue items of earlier quarters (missing or
    needing revision), then the current and the next quarter (the first two before the
    year starts, the last one after it ends); within each, revisions first, then
    missing, waiting, approved. ``own_only`` keeps the cells whose PIC the user is (the
    Ketua Tim may upload everywhere, but only those are theirs). Items needing revision
    carry the reviewer's latest comment; overdue ones their days late."""
    now = current_quarter(plan.year, today)
    current = [n for n in (now, now + 1) if n <= 4] if today.year <= plan.year else [now]
    quarters = list(Quarter.objects.filter(plan=plan).order_by("number"))
    earlier = [q.number for q in quarters if q.number < current[0]]
    cells = CommitmentCell.objects.filter(
        quarter__plan=plan, quarter__number__in=earlier + current
    ).restrict(user, Action.UPLOAD_EVIDENCE)
    if own_only:
        cells = cells.filter(pic=user)
    items = with_status(
        EvidenceRequirement.objects.filter(cell__in=cells).select_related(
            "cell__quarter", "cell__area", "cell__pic"
        )
    )
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}

    def ordered(rows):
        return sorted(
            rows, key=lambda i: (rank[i.status], i.cell.quarter.number, i.cell.area.order, i.order)
        )

    groups = []
    late = [
        i
        for i in items
        if i.cell.quarter.number in earlier and is_late(i.status, i.cell.quarter, today)
    ]
    _attach_revision_comments([i for i in items if i.status == ItemStatus.REVISE])
    for i in late:
        i.days_late = (today - i.cell.quarter.due_date).days
    if late:
        oldest = min(i.cell.quarter.due_date for i in late)
        groups.append(TaskGroup(None, ordered(late), (oldest - today).days))
    for quarter in quarters:
        if quarter.number in current:
            in_quarter = [i for i in items if i.cell.quarter_id == quarter.pk]
            groups.append(TaskGroup(quarter, ordered(in_quarter), (quarter.due_date - today).days))
    return groups


def _attach_revision_comments(items: list) -> None:
    """``item.revision`` = the newest revision request on the item's current files."""
    if not items:
        return
    latest = {}
    reviews = (
        Review.objects.filter(
            version__requirement__in=[i.pk for i in items],
            version__withdrawn_at__isnull=True,
            version__superseded_at__isnull=True,
            decision=Decision.REVISE,
        )
        .select_related("reviewer", "version")
        .order_by("version__requirement_id", "-created_at", "-pk")
    )
    for review in reviews:
        latest.setdefault(review.version.requirement_id, review)
    for item in items:
        item.revision = latest.get(item.pk)


def queue_versions(
    *,
    plan: WorkPlan,
    area: str | None = None,
    quarter: int | None = None,
    state: str | None = ReviewState.PENDING,
) -> QuerySet[EvidenceVersion]:
    """Current versions to review (by default those waiting), oldest first, without
    their related rows. The plan, area and quarter narrow the items in a subquery: one
    query joining all nine tables spent ten times longer planning than running (past
    ``join_collapse_limit``)."""
    items = EvidenceRequirement.objects.filter(cell__quarter__plan=plan)
    if area:
        items = items.filter(cell__area__code=area)
    if quarter:
        items = items.filter(cell__quarter__number=quarter)
    versions = current_versions_qs().filter(requirement__in=items.values("pk"))
    if state:
        versions = versions.filter(review_state=state)
    return versions.order_by("uploaded_at", "pk")


def _with_row_data(versions: QuerySet[EvidenceVersion]) -> QuerySet[EvidenceVersion]:
    """Versions with what their row in the queue shows: the uploader and the replaced
    version, and in queries of their own the item with its cell, quarter, area and PIC,
    the reviews and the replies."""
    return versions.select_related("uploaded_by", "replaces").prefetch_related(
        Prefetch(
            "requirement",
            queryset=EvidenceRequirement.objects.select_related(
                "cell__quarter", "cell__area", "cell__pic"
            ),
        ),
        *_reviews_and_replies(),
    )


def _reviews_and_replies() -> tuple[Prefetch, Prefetch]:
    """A version's reviews and replies, each with its author, oldest first."""
    return (
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related("reviewer").order_by("created_at", "pk"),
        ),
        Prefetch(
            "replies",
            queryset=VersionReply.objects.select_related("author").order_by("created_at", "pk"),
        ),
    )


def review_queue(**filters: Any) -> QuerySet[EvidenceVersion]:
    """``queue_versions`` with everything their rows show."""
    return _with_row_data(queue_versions(**filters))


def full_rows(pks: Iterable[int]) -> list[EvidenceVersion]:
    """The versions ``pks`` with everything their row in the queue shows."""
    return list(_with_row_data(EvidenceVersion.objects.filter(pk__in=list(pks))))


def item_history(requirement: EvidenceRequirement) -> list[EvidenceVersion]:
    """All versions of an item, newest first, with their reviews (oldest first)."""
    return list(
        EvidenceVersion.objects.filter(requirement=requirement)
        .select_related("uploaded_by", "withdrawn_by", "replaces")
        .prefetch_related(*_reviews_and_replies())
        .order_by("-number")
    )


def audit_list(
    *,
    user: Any,
    requirement: int | None = None,
    item_text: str | None = None,
    area: str | None = None,
    person: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    action: str | None = None,
) -> QuerySet[AuditEvent]:
    events = restrict_rows(
        AuditEvent.objects.all(), user, Action.VIEW_AUDIT, unit_field="unit"
    ).select_related("actor", "area", "subject_user", "requirement__cell__quarter")
    if requirement:
        events = events.filter(requirement_id=requirement)
    if item_text:
        events = events.filter(requirement__text__icontains=item_text)
    if area:
        events = events.filter(area__code=area)
    if person:
        events = events.filter(Q(actor_id=person) | Q(subject_user_id=person))
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    if action:
        events = events.filter(action=action)
    return events.order_by("-at", "-pk")


def visible_cells(plan: WorkPlan, user: Any) -> set[int]:
    """The plan's cells whose evidence the user may open (one query)."""
    cells = CommitmentCell.objects.filter(quarter__plan=plan)
    return set(cells.restrict(user, Action.VIEW_EVIDENCE).values_list("pk", flat=True))


def attach_evidence_status(
    *, plan: WorkPlan, cells: list[CommitmentCell], visible: set[int]
) -> None:
    """Give each cell of the plan ``items`` (its requirements, each with its evidence
    ``status``), ``progress`` and ``may_view`` (in ``visible``, ``visible_cells``), from
    the items' cached states: no query on a hit."""
    states = item_states(plan, holding=[r.pk for c in cells for r in c.requirements.all()])
    progress = tallies_by(states, "cell_id")
    for cell in cells:
        cell.items = list(cell.requirements.all())
        for item in cell.items:
            item.status = states[item.pk].status
        cell.progress = progress.get(cell.pk)
        cell.may_view = cell.pk in visible
