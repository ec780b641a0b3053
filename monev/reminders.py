"""The reminder sweep: who must be told what today, and telling them exactly once.

``iter_reminders`` only reads (batched, in ``sweep_reads``; the ``--dry-run`` of
``send_reminders`` prints it);
``run_sweep`` writes a ``ReminderRecord`` per (kind, person, scope, period) under a
unique constraint before creating the message, so running the sweep twice, or on two
workers at once, sends each reminder once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from evidence.choices import ItemStatus
from evidence.status import is_late
from findings.selectors import finding_reminders
from workplan.choices import AREA_ORDER, QUARTER_LABELS
from workplan.models import WorkPlan
from zi_portal.accounts.models import User
from zi_portal.core.collector import rare_collections
from zi_portal.core.links import absolute_url, absolute_url_of_pk

from . import sweep_reads
from .choices import ReminderKind
from .models import ReminderPolicy, ReminderRecord

log = logging.getLogger(__name__)


@dataclass
class Scope:
    """One thing a reminder is about (a cell, a review, a plan) and its lines."""

    key: str
    period: str
    heading: str
    lines: list[dict] = field(default_factory=list)


@dataclass
class Planned:
    kind: str
    recipient: User
    scopes: list[Scope]
    plan: WorkPlan
    context: dict = field(default_factory=dict)

    def describe(self) -> str:
        count = sum(len(s.lines) for s in self.scopes)
        return (
            f"{self.kind:<9} → {self.recipient.email} ({self.recipient.name}): "
            + "; ".join(f"{s.heading} [{len(s.lines)}]" for s in self.scopes)
            + f" — {count} line(s)"
        )


def default_policy(plan: WorkPlan) -> ReminderPolicy:
    """The (unsaved) defaults for a plan whose Ketua Tim has set no policy."""
    return ReminderPolicy(plan=plan, upcoming_days=list(settings.ZI_REMINDER_UPCOMING_DAYS))


def _item_line(item, status: str | None = None) -> dict:
    status = status or item.status
    return {
        "text": item.text,
        "status": status,
        "status_label": ItemStatus(status).label,
        "url": absolute_url_of_pk("evidence:item")(item.pk),
    }


def _upcoming_threshold(thresholds: list[int], days_left: int) -> int | None:
    """The reminder window ``days_left`` falls in: with [14, 3], 14…4 days → 14,
    3…0 → 3 (so a sweep skipped on a weekend still sends on the next working day)."""
    if days_left < 0:
        return None
    fitting = [t for t in thresholds if days_left <= t]
    return min(fitting) if fitting else None


def _cell_heading(cell) -> str:
    return f"{cell.quarter.label} · {cell.area.code} {cell.area.name}"


def _plan_cells(plan, statuses, today, policy) -> list[Planned]:
    by_cell: dict[int, list] = defaultdict(list)
    for item in statuses.values():
        by_cell[item.cell_id].append(item)
    planned: dict[tuple[str, int], Planned] = {}
    thresholds = policy.thresholds
    for items in by_cell.values():
        cell = items[0].cell
        quarter, pic = cell.quarter, cell.pic
        if pic is None or not pic.is_active:
            continue
        items.sort(key=lambda i: i.order)
        days_left = (quarter.due_date - today).days
        threshold = _upcoming_threshold(thresholds, days_left)
        missing = [i for i in items if i.status == ItemStatus.MISSING]
        if threshold is not None and missing:
            entry = planned.setdefault(
                (ReminderKind.UPCOMING, pic.pk),
                Planned(
                    ReminderKind.UPCOMING,
                    pic,
                    [],
                    plan,
                    {"days_left": days_left, "quarter": quarter},
                ),
            )
            entry.scopes.append(
                Scope(
                    f"cell-{cell.pk}",
                    f"upcoming-{threshold}",
                    _cell_heading(cell),
                    [_item_line(i) for i in missing],
                )
            )
        repeat = quarter.deadline.overdue_repeat(today, policy.overdue_interval_days)
        if repeat is not None:
            late = [i for i in items if is_late(i.status, quarter, today)]
            if late and repeat < policy.overdue_max_repeats:
                entry = planned.setdefault(
                    (ReminderKind.OVERDUE, pic.pk),
                    Planned(ReminderKind.OVERDUE, pic, [], plan, {}),
                )
                entry.scopes.append(
                    Scope(
                        f"cell-{cell.pk}",
                        f"overdue-{repeat}",
                        _cell_heading(cell),
                        [_item_line(i) for i in late],
                    )
                )
    return list(planned.values())


def digest_rows(plan: WorkPlan, statuses: dict, today: date) -> list[dict]:
    """Per area and quarter: items missing, overdue, waiting for review, approved."""
    rows: dict[tuple[str, int], dict] = {}
    for item in statuses.values():
        cell = item.cell
        key = (cell.area.code, cell.quarter.number)
        row = rows.setdefault(
            key,
            {
                "area": cell.area.code,
                "area_name": cell.area.name,
                "quarter": cell.quarter.label,
                "quarter_number": cell.quarter.number,
                "total": 0,
                "missing": 0,
                "overdue": 0,
                "waiting": 0,
                "approved": 0,
                "revise": 0,
            },
        )
        row["total"] += 1
        if item.status == ItemStatus.MISSING:
            row["missing"] += 1
        if item.status == ItemStatus.PENDING:
            row["waiting"] += 1
        if item.status == ItemStatus.APPROVED:
            row["approved"] += 1
        if item.status == ItemStatus.REVISE:
            row["revise"] += 1
        if is_late(item.status, cell.quarter, today):
            row["overdue"] += 1
    order = {code: i for i, code in enumerate(AREA_ORDER)}
    return sorted(rows.values(), key=lambda r: (r["quarter_number"], order[r["area"]]))


def _plan_digest(plan, statuses, today, policy, leaders) -> list[Planned]:
    if today.weekday() != policy.digest_weekday:
        return []
    rows = digest_rows(plan, statuses, today)
    year, week, _day = today.isocalendar()
    result = []
    for user in sweep_reads.leaders_of(leaders, plan.unit_id):
        scope = Scope(f"plan-{plan.pk}", f"{year}-W{week:02d}", str(plan), [])
        result.append(Planned(ReminderKind.DIGEST, user, [scope], plan, {"rows": rows}))
    return result


# Uploaders whose notices are planned together: one query for their accounts and one
# for their plans per batch.
UPLOADER_BATCH = 500


def plan_revision_notices(
    notices: Iterable[sweep_reads.RevisionNotice], batch: int = UPLOADER_BATCH
) -> Iterator[Planned]:
    """One message per active uploader with a scope per revision request. ``notices``
    come grouped by uploader (``revision_notices``), so only ``batch`` uploaders' scopes
    are held at a time, whatever the backlog: two queries per batch (the uploaders and
    their plans)."""
    pending: dict[int, tuple[int, list[Scope]]] = {}
    item_url = absolute_url_of_pk("evidence:item")
    label = str(ItemStatus.REVISE.label)
    headings: dict[tuple[int, str], str] = {}
    current = None
    for notice in notices:
        if notice.uploader_id != current:
            if len(pending) == batch:
                yield from _revision_messages(pending)
                pending = {}
            current = notice.uploader_id
            pending[current] = (notice.plan_id, [])
        key = (notice.quarter_number, notice.area_code)
        heading = headings.get(key)
        if heading is None:
            heading = f"{QUARTER_LABELS[key[0]]} · {key[1]} {notice.area_name}"
            headings[key] = heading
        line = {
            "text": notice.requirement_text,
            "status": ItemStatus.REVISE,
            "status_label": label,
            "url": item_url(notice.requirement_id),
            "version": notice.version_label,
            "comment": notice.comment,
            "reviewer": notice.reviewer,
        }
        pending[current][1].append(Scope(f"review-{notice.review_id}", "1", heading, [line]))
    if pending:
        yield from _revision_messages(pending)


def _revision_messages(pending: dict[int, tuple[int, list[Scope]]]) -> list[Planned]:
    uploaders = User.objects.filter(pk__in=list(pending), is_active=True).in_bulk()
    plan_ids = {plan_id for plan_id, _ in pending.values()}
    plans = WorkPlan.objects.select_related("unit").in_bulk(plan_ids)
    return [
        Planned(ReminderKind.REVISION, uploaders[pk], scopes, plans[plan_id], {})
        for pk, (plan_id, scopes) in pending.items()
        if pk in uploaders
    ]


def iter_reminders(*, today: date) -> Iterator[Planned]:
    """Everything the sweep would send on ``today`` (reads only), a chunk of plans at a
    time: a fixed number of queries per chunk, whatever the number of units; with the
    garbage collector running rarely meanwhile (``core.collector``)."""
    with rare_collections():
        yield from _iter_reminders(today=today)


def _iter_reminders(*, today: date) -> Iterator[Planned]:
    leaders = sweep_reads.digest_leaders()
    for plans in sweep_reads.plans_in_chunks():
        saved = sweep_reads.policies_of(plans)
        policies = {p.pk: saved.get(p.pk) or default_policy(p) for p in plans}
        due = [p for p in plans if today.weekday() < 5 or policies[p.pk].send_on_weekends]
        statuses = sweep_reads.statuses_of(due) if due else {}
        for plan in due:
            items, policy = statuses[plan.pk], policies[plan.pk]
            yield from _plan_cells(plan, items, today, policy)
            yield from _plan_digest(plan, items, today, policy, leaders)
    if today.weekday() < 5:
        yield from _plan_findings(today)
    window = timezone.now() - timedelta(minutes=settings.ZI_REVISION_BATCH_MINUTES)
    yield from plan_revision_notices(sweep_reads.revision_notices(before=window))


def plan_reminders(*, today: date) -> list[Planned]:
    """``iter_reminders`` as a list."""
    return list(iter_reminders(today=today))


FINDING_REPEAT_DAYS = 7
FINDING_MAX_REPEATS = 4


def _plan_findings(today: date) -> list[Planned]:
    """Owners of findings whose follow-up is overdue: one message per owner and plan,
    repeated weekly (at most four times) until the follow-up is in."""
    result = []
    for owner, findings in finding_reminders(today):
        by_plan: dict[int, Planned] = {}
        for finding in findings:
            repeat = finding.deadline.overdue_repeat(today, FINDING_REPEAT_DAYS)
            if repeat is None or repeat >= FINDING_MAX_REPEATS:
                continue
            entry = by_plan.setdefault(
                finding.plan_id, Planned(ReminderKind.FINDING, owner, [], finding.plan, {})
            )
            line = {
                "text": finding.description,
                "status": finding.status,
                "status_label": finding.get_status_display(),
                "url": absolute_url("findings:detail", finding.pk),
            }
            entry.scopes.append(
                Scope(
                    f"finding-{finding.pk}",
                    f"overdue-{repeat}",
                    f"{finding.area.code} · {finding.recommendation[:120]}",
                    [line],
                )
            )
        result += by_plan.values()
    return result


def unsent(planned: Iterable[Planned], batch: int = 200) -> Iterator[Planned]:
    """For the dry run: the planned messages with a scope not yet recorded, checked
    ``batch`` messages at a time (one query per batch)."""
    chunk: list[Planned] = []
    for entry in planned:
        chunk.append(entry)
        if len(chunk) == batch:
            yield from _unsent(chunk)
            chunk = []
    if chunk:
        yield from _unsent(chunk)


def _unsent(chunk: list[Planned]) -> list[Planned]:
    recorded = set(
        ReminderRecord.objects.filter(
            # Narrowed by the few kinds and periods, not by every scope: a backlog's
            # batch names tens of thousands of scopes, costlier to send than the rows.
            recipient_id__in={p.recipient.pk for p in chunk},
            kind__in={p.kind for p in chunk},
            period__in={s.period for p in chunk for s in p.scopes},
        ).values_list("kind", "recipient_id", "scope", "period")
    )
    return [
        p
        for p in chunk
        if not all((p.kind, p.recipient.pk, s.key, s.period) in recorded for s in p.scopes)
    ]
