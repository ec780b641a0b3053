"""Background work that rides out a database restart.

A task that meets a database that is away (``OperationalError``/``InterfaceError``: a
restart ends every session; a connection kept from before is dead) waits and tries again
in the same process for up to ``ZI_TASK_DATABASE_WAIT_SECONDS``, on a fresh connection.
A PostgreSQL restart takes seconds, so the work is done seconds late instead of failing.
A longer outage lets the error through; the task's outbox row then stays open (nobody
could mark it done) and beat's flush sends it again (core/outbox.py).

Only for tasks that are safe to run twice (they take ids and check what is done), which
every task of the portal is.
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


def outlasting_database_restarts(func):
    @functools.wraps(func)
    def run(*args, **kwargs):
        deadline = time.monotonic() + float(settings.ZI_TASK_DATABASE_WAIT_SECONDS)
        pause = 1.0
        while True:
            try:
                return func(*args, **kwargs)
            except DATABASE_ERRORS as exc:
                if time.monotonic() + pause > deadline:
                    raise
                log.warning("%s: database unavailable (%s); trying again", func.__name__, exc)
                connections.close_all()
                time.sleep(pause)
                pause = min(pause * 2, 8.0)

    return run
