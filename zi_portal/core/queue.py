"""Handing work to the Celery worker: the one place where the portal queues a task.

Tasks are named, not imported, so that a service never imports the task module that
imports it back (``monev.tasks`` calls the services; the services queue ``monev.tasks``
by name). A name that no task carries is a programming error and fails at once.

Every task goes through the transactional outbox (``zi_portal.core.outbox``): a row in
the caller's transaction, handed to the broker after the commit, sent again by beat's
flush until the broker takes it. A broker outage therefore delays the work but never
fails the request that saved it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import OutboxTask
from .outbox import send_now


def enqueue(task: str, *args: Any, countdown: float | None = None) -> OutboxTask:
    """Queue the task named ``task`` with ``args`` (ids and plain values, never objects)
    once the current transaction commits, or at once outside a transaction: a worker
    never looks for a row that is not committed yet. With ``countdown`` (seconds) the
    task waits in the outbox, not in the broker, until it is due."""
    if task not in current_app.tasks:
        # A web process imports the apps' task modules only when first asked.
        current_app.autodiscover_tasks(force=True)
        if task not in current_app.tasks:
            raise LookupError(f"No Celery task is named {task!r}.")
    row = OutboxTask.objects.create(
        task=task,
        args=list(args),
        task_id=str(uuid.uuid4()),
        not_before=timezone.now() + timedelta(seconds=countdown or 0),
    )
    if not countdown:
        transaction.on_commit(lambda: send_now(row.pk))
    return row
