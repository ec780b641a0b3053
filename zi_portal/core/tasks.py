"""Tasks of the portal itself, and the Celery signals that keep the outbox and the
status page true."""

import logging
import socket
import time

from celery import shared_task
from celery.signals import beat_init, before_task_publish, task_postrun
from django.db import close_old_connections

from . import outbox, reconcile
from .dbretry import outlasting_database_restarts
from .services import heartbeat_record

log = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True)
def heartbeat(self) -> str:
    """Scheduled by beat: proves that beat publishes and a worker consumes."""
    hostname = self.request.hostname or socket.gethostname()
    heartbeat_record(hostname=hostname)
    return hostname


@shared_task(ignore_result=True)
def outbox_flush() -> dict:
    """Scheduled by beat: hand to the broker what the outbox holds (see core.outbox)."""
    return outbox.flush()


@shared_task(ignore_result=True)
def outbox_prune() -> int:
    """Scheduled by beat nightly: forget outbox rows done two weeks ago."""
    return outbox.prune()


@shared_task(ignore_result=True)
def storage_check() -> dict:
    """Scheduled by beat daily: compare storage with the rows, remove abandoned temporary
    files, and record what was found for the status page (orphans are only reported:
    ``manage.py reconcile_storage --apply`` quarantines them)."""
    result = reconcile.reconcile()
    reconcile.remove_leftovers(result)
    check = reconcile.record(result)
    return {"orphans": check.orphans, "missing": check.missing, "removed": len(result.removed)}


@task_postrun.connect(dispatch_uid="core.outbox_done")
def _outbox_done(task_id=None, state=None, **kwargs) -> None:
    """A worker ran a task: its outbox row (if it came through the outbox) is done. The
    database may be restarting just then: wait for it rather than leave the row open
    for a needless resend a quarter of an hour later."""
    try:
        outlasting_database_restarts(outbox.mark_done)(task_id)
    except Exception:  # noqa: BLE001 - at worst the task is sent and run once more
        log.exception("outbox: could not mark %s done", task_id)


# --- beat's own heartbeat: the status page tells beat and worker apart ---------------
_beat = {"running": False, "last": 0.0}


@beat_init.connect(dispatch_uid="core.beat_init")
def _beat_started(sender=None, **kwargs) -> None:
    _beat["running"] = True
    _beat_seen()


@before_task_publish.connect(dispatch_uid="core.beat_publish")
def _beat_publishes(**kwargs) -> None:
    """In the beat process, each scheduled hand-over records that beat is alive (at most
    every 10 s), whether or not the broker then takes the task."""
    if _beat["running"] and time.monotonic() - _beat["last"] >= 10:
        _beat_seen()


def _beat_seen() -> None:
    _beat["last"] = time.monotonic()
    try:
        heartbeat_record(hostname=f"beat@{socket.gethostname()}", kind="beat")
    except Exception:  # noqa: BLE001 - the database may be away too; beat carries on
        log.exception("could not record beat's heartbeat")
    finally:
        # Beat is a long-lived process: never keep a connection the database dropped.
        close_old_connections()
