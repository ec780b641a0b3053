"""Reads shared by the whole portal."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import WorkerHeartbeat


@dataclass(frozen=True)
class WorkerStatus:
    hostname: str
    last_seen: datetime
    beats: int
    alive: bool


def worker_status_list() -> list[WorkerStatus]:
    """Workers seen by the heartbeat; alive means seen within three heartbeat periods."""
    horizon = timezone.now() - timedelta(seconds=3 * settings.ZI_HEARTBEAT_SECONDS)
    return [
        WorkerStatus(hb.hostname, hb.last_seen, hb.beats, hb.last_seen >= horizon)
        for hb in WorkerHeartbeat.objects.all()[:20]
    ]


def database_vendor() -> str:
    return connection.vendor


def broker_kind() -> str:
    url = settings.CELERY_BROKER_URL
    return url.split("://", 1)[0]
