"""Reads shared by the whole portal, most of them for the status page."""

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from .models import OutboxTask, StorageCheck, WorkerHeartbeat


@dataclass(frozen=True)
class WorkerStatus:
    hostname: str
    last_seen: datetime
    beats: int
    alive: bool
    kind: str = "worker"


def worker_status_list() -> list[WorkerStatus]:
    """Workers and beat as last seen; alive means seen within three heartbeat periods.
    A worker row is written when a worker runs the heartbeat task, beat's row when beat
    hands a scheduled task over, so the page tells the two apart."""
    horizon = timezone.now() - timedelta(seconds=3 * settings.ZI_HEARTBEAT_SECONDS)
    return [
        WorkerStatus(hb.hostname, hb.last_seen, hb.beats, hb.last_seen >= horizon, hb.kind)
        for hb in WorkerHeartbeat.objects.all()[:20]
    ]


@dataclass(frozen=True)
class BrokerStatus:
    kind: str
    reachable: bool
    error: str = ""


def broker_status(timeout: float = 2.0) -> BrokerStatus:
    """Connect to the broker now (at most ``timeout`` seconds): the page shows whether
    tasks can be handed over at this moment, not only whether a worker was seen."""
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=timeout
            )
    except Exception as exc:  # noqa: BLE001 - any failure is what the page must show
        return BrokerStatus(broker_kind(), False, f"{type(exc).__name__}: {exc}"[:300])
    return BrokerStatus(broker_kind(), True)


@dataclass(frozen=True)
class OutboxSummary:
    waiting: int  # due later (a retry, a revision notice 15 minutes on)
    pending: int  # due and not yet taken by the broker
    unfinished: int  # taken by the broker, not yet run by a worker
    failing: int  # of pending: the broker refused it at least once
    given_up: int
    oldest_pending: datetime | None
    recent_failures: list


def outbox_summary() -> OutboxSummary:
    now = timezone.now()
    open_rows = OutboxTask.objects.filter(gave_up_at__isnull=True, done_at__isnull=True)
    unsent = Q(sent_at__isnull=True)
    counts = open_rows.aggregate(
        waiting=Count("pk", filter=unsent & Q(not_before__gt=now)),
        pending=Count("pk", filter=unsent & Q(not_before__lte=now)),
        unfinished=Count("pk", filter=Q(sent_at__isnull=False)),
        failing=Count("pk", filter=unsent & Q(failures__gt=0)),
    )
    oldest = (
        open_rows.filter(unsent, not_before__lte=now)
        .order_by("not_before")
        .values_list("not_before", flat=True)
        .first()
    )
    given_up = OutboxTask.objects.filter(gave_up_at__isnull=False)
    recent = list(
        given_up.order_by("-gave_up_at").values("task", "gave_up_at", "sends", "last_error")[:5]
    )
    return OutboxSummary(
        **counts, given_up=given_up.count(), oldest_pending=oldest, recent_failures=recent
    )


@dataclass(frozen=True)
class StorageSummary:
    last_check: StorageCheck | None
    free_bytes: int | None
    total_bytes: int | None
    low: bool


def storage_summary() -> StorageSummary:
    """The latest reconciliation and, for a local media folder, its disk's free space."""
    free = total = None
    location = getattr(default_storage, "location", None)
    if location and hasattr(default_storage, "path"):
        try:
            usage = shutil.disk_usage(Path(location))
            free, total = usage.free, usage.total
        except OSError:
            pass
    low = bool(total) and free * 100 < settings.ZI_STORAGE_LOW_PERCENT * total
    return StorageSummary(StorageCheck.objects.first(), free, total, low)


def database_vendor() -> str:
    return connection.vendor


def broker_kind() -> str:
    url = current_app.conf.broker_url or settings.CELERY_BROKER_URL
    return url.split("://", 1)[0]
