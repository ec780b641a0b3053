"""The transactional outbox: how a task reaches the broker even when the broker is away.

``enqueue`` (``zi_portal.core.queue``) writes an ``OutboxTask`` row in the caller's
transaction. Once that commits, a task that is due now is handed to the broker at once
(``send_now``); if the broker does not take it (Redis down, a timeout), the row simply
stays pending and the request that saved the work still answers as saved. Beat runs
``flush`` every ``ZI_OUTBOX_FLUSH_SECONDS``: it sends what is due and pending (tasks
with a delay are only ever sent here, when due: the broker never holds a waiting
task), and sends again what a worker never ran within ``ZI_OUTBOX_REDELIVER_MINUTES``
(Redis keeps nothing on disk, so a restart loses what it held). Workers mark a row done
when they have run its task (``mark_done``, from Celery's ``task_postrun``).

A task may therefore run twice (sent, then the row could not be marked); every task of
the portal is safe to run twice.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxTask

log = logging.getLogger(__name__)

# After a failed hand-over, this process leaves sending to the flush for a while, so
# that during an outage requests do not each wait for the broker's timeout.
_broker_down_until = 0.0


def _backoff_seconds() -> float:
    return float(getattr(settings, "ZI_OUTBOX_BACKOFF_SECONDS", 15))


def broker_marked_down() -> bool:
    return time.monotonic() < _broker_down_until


def _mark_broker_down() -> None:
    global _broker_down_until
    _broker_down_until = time.monotonic() + _backoff_seconds()


def _publish(row: OutboxTask) -> None:
    current_app.send_task(row.task, args=list(row.args), task_id=row.task_id)


def _send_locked(row: OutboxTask, now: datetime) -> bool:
    """Hand one locked row to the broker; record the outcome. True when it was taken."""
    try:
        _publish(row)
    except Exception as exc:  # noqa: BLE001 - any broker trouble leaves the row pending
        _mark_broker_down()
        OutboxTask.objects.filter(pk=row.pk).update(
            failures=F("failures") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        log.warning("outbox: broker did not take %s (%s): %r", row.task, row.task_id, exc)
        return False
    OutboxTask.objects.filter(pk=row.pk).update(sent_at=now, sends=F("sends") + 1, last_error="")
    return True


def send_now(pk: int) -> None:
    """Called on commit: send the row now unless the broker was just seen down (then
    the flush sends it). Never raises: the work it belongs to is already saved."""
    if broker_marked_down():
        return
    try:
        with transaction.atomic():
            row = (
                OutboxTask.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True, gave_up_at__isnull=True)
                .first()
            )
            if row is not None:
                _send_locked(row, timezone.now())
    except Exception:  # noqa: BLE001 - the database itself failing: the flush retries
        log.exception("outbox: could not send row %s now", pk)


def _max_sends() -> int:
    return int(getattr(settings, "ZI_OUTBOX_MAX_SENDS", 6))


def flush(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send what is due and pending, and again what no worker ran in time. Returns
    counts (sent, failed, resent, given_up). Beat runs it; so can an operator."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "resent": 0, "given_up": 0}
    redeliver = now - timedelta(minutes=float(settings.ZI_OUTBOX_REDELIVER_MINUTES))
    counts["given_up"] = OutboxTask.objects.filter(
        done_at__isnull=True,
        gave_up_at__isnull=True,
        sent_at__lt=redeliver,
        sends__gte=_max_sends(),
    ).update(gave_up_at=now)
    with transaction.atomic():
        rows = list(
            OutboxTask.objects.select_for_update(skip_locked=True)
            .filter(gave_up_at__isnull=True, done_at__isnull=True)
            .filter(Q(sent_at__isnull=True, not_before__lte=now) | Q(sent_at__lt=redeliver))
            .order_by("not_before", "pk")[:limit]
        )
        for row in rows:
            again = row.sent_at is not None
            if not _send_locked(row, now):
                counts["failed"] += 1
                break  # the broker is away: the next flush tries again
            counts["resent" if again else "sent"] += 1
    if any(counts.values()):
        log.info("outbox flush: %s", counts)
    return counts


def open_ids(task: str, *, unsent_only: bool = False) -> set:
    """The first argument (an id) of every row of ``task`` not yet run nor given up;
    ``unsent_only``: only those the broker has not taken yet."""
    rows = OutboxTask.objects.filter(task=task, done_at__isnull=True, gave_up_at__isnull=True)
    if unsent_only:
        rows = rows.filter(sent_at__isnull=True)
    return {args[0] for args in rows.values_list("args", flat=True) if args}


def mark_done(task_id: str | None) -> None:
    """A worker ran the task ``task_id`` (successfully or not): never send it again."""
    if task_id:
        OutboxTask.objects.filter(task_id=task_id, done_at__isnull=True).update(
            done_at=timezone.now()
        )


def prune(*, now: datetime | None = None, days: int = 14) -> int:
    """Delete rows done (or given up) more than ``days`` ago; beat runs it nightly."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = OutboxTask.objects.filter(
        Q(done_at__lt=cutoff) | Q(gave_up_at__lt=cutoff)
    ).delete()
    return deleted
