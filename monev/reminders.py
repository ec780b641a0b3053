"""The reminder sweep: who must be told what today, and telling them exactly once.

``plan_reminders`` only reads (the ``--dry-run`` of ``send_reminders`` prints it);
``run_sweep`` writes a ``ReminderRecord`` per (kind, person, scope, period) under a
unique constraint before creating the message, so running the sweep twice, or on two
workers at once, sends each reminder once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from evidence.choices import Decision, ItemStatus
from evidence.models import Review
from evidence.selectors import plan_item_statuses
from evidence.status import is_late
from findings.selectors import finding_reminders
from workplan.choices import AREA_ORDER
from workplan.models import WorkPlan
from zi_portal.accounts.models import User
from zi_portal.accounts.roles import GROUP_NAMES, Role
from zi_portal.core.links import absolute_url

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


def policy_for(plan: WorkPlan) -> ReminderPolicy:
    """The plan's policy, or (unsaved) the defaults when the Ketua Tim has set none."""
    policy = ReminderPolicy.objects.filter(plan=plan).first()
    return policy or ReminderPolicy(
        plan=plan, upcoming_days=list(settings.ZI_REMINDER_UPCOMING_DAYS)
    )


def _item_line(item, status: str | None = None) -> dict:
    status = status or item.status
    return {
        "text": item.text,
        "status": status,
        "status_label": ItemStatus(status).label,
        "url": absolute_url("evidence:item", item.pk),
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


def _plan_digest(plan, statuses, today, policy) -> list[Planned]:
    if today.weekday() != policy.digest_weekday:
        return []
    leaders = (
        User.objects.filter(
            is_active=True,
            receive_digest=True,
            groups__name__in=[GROUP_NAMES[Role.KETUA], GROUP_NAMES[Role.KEPALA]],
        )
        .distinct()
        .order_by("pk")
    )
    unit_id = plan.unit_id
    rows = digest_rows(plan, statuses, today)
    year, week, _day = today.isocalendar()
    result = []
    for user in leaders:
        if user.unit_id and user.unit_id != unit_id:
            continue
        scope = Scope(f"plan-{plan.pk}", f"{year}-W{week:02d}", str(plan), [])
        result.append(Planned(ReminderKind.DIGEST, user, [scope], plan, {"rows": rows}))
    return result


def pending_revision_notices(*, user_id: int | None = None, before: datetime | None = None):
    """Reviews asking for revision that have not been told to the uploader yet."""
    told = ReminderRecord.objects.filter(
        kind=ReminderKind.REVISION,
        scope=Concat(Value("review-"), Cast(OuterRef("pk"), CharField())),
    )
    reviews = (
        Review.objects.filter(decision=Decision.REVISE)
        .exclude(Exists(told))
        .select_related(
            "reviewer",
            "version__uploaded_by",
            "version__requirement__cell__quarter__plan__unit",
            "version__requirement__cell__area",
        )
    )
    if user_id is not None:
        reviews = reviews.filter(version__uploaded_by_id=user_id)
    if before is not None:
        reviews = reviews.filter(created_at__lte=before)
    return list(reviews.order_by("created_at", "pk"))


def plan_revision_notices(reviews) -> list[Planned]:
    grouped: dict[int, Planned] = {}
    for review in reviews:
        version = review.version
        uploader = version.uploaded_by
        if not uploader.is_active:
            continue
        requirement = version.requirement
        entry = grouped.setdefault(
            uploader.pk,
            Planned(ReminderKind.REVISION, uploader, [], requirement.cell.quarter.plan, {}),
        )
        line = _item_line(requirement, ItemStatus.REVISE)
        line.update(
            {"version": version.label, "comment": review.comment, "reviewer": review.reviewer.name}
        )
        entry.scopes.append(
            Scope(f"review-{review.pk}", "1", _cell_heading(requirement.cell), [line])
        )
    return list(grouped.values())


def plan_reminders(*, today: date) -> list[Planned]:
    """Everything the sweep would send on ``today`` (reads only)."""
    planned: list[Planned] = []
    for plan in WorkPlan.objects.select_related("unit").order_by("year", "pk"):
        policy = policy_for(plan)
        if today.weekday() >= 5 and not policy.send_on_weekends:
            continue
        statuses = plan_item_statuses(plan)
        planned += _plan_cells(plan, statuses, today, policy)
        planned += _plan_digest(plan, statuses, today, policy)
    if today.weekday() < 5:
        planned += _plan_findings(today)
    window = timezone.now() - timedelta(minutes=settings.ZI_REVISION_BATCH_MINUTES)
    planned += plan_revision_notices(pending_revision_notices(before=window))
    return planned


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


def _already_recorded(planned: Planned) -> set[tuple[str, str]]:
    existing = ReminderRecord.objects.filter(
        kind=planned.kind,
        recipient=planned.recipient,
        scope__in=[s.key for s in planned.scopes],
    ).values_list("scope", "period")
    return set(existing)


def already_sent(planned: Planned) -> bool:
    """For the dry run: is every scope of ``planned`` already recorded?"""
    recorded = _already_recorded(planned)
    return all((s.key, s.period) in recorded for s in planned.scopes)
