"""Handing work to the Celery worker: the one place where the portal queues a task.

Tasks are named, not imported, so that a service never imports the task module that
imports it back (``monev.tasks`` calls the services; the services queue ``monev.tasks``
by name). A name that no task carries is a programming error and fails at once.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction


def enqueue(task: str, *args: Any, countdown: float | None = None) -> None:
    """Queue the task named ``task`` with ``args`` (ids, never objects) once the
    current transaction commits, or at once outside a transaction: a worker never
    looks for a row that is not committed yet."""
    if task not in current_app.tasks:
        # A web process imports the apps' task modules only when first asked.
        current_app.autodiscover_tasks(force=True)
        if task not in current_app.tasks:
            raise LookupError(f"No Celery task is named {task!r}.")
    options = {"countdown": countdown} if countdown else {}
    transaction.on_commit(lambda: current_app.send_task(task, args=list(args), **options))
