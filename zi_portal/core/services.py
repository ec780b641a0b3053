"""Writes shared by the whole portal."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


@transaction.atomic
def heartbeat_record(*, hostname: str, kind: str = "worker") -> WorkerHeartbeat:
    """Record that the worker (or beat) ``hostname`` is alive now (safe to run any
    number of times)."""
    now = timezone.now()
    beat, created = WorkerHeartbeat.objects.select_for_update().get_or_create(
        hostname=hostname, defaults={"last_seen": now, "beats": 1, "kind": kind}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=beat.pk).update(last_seen=now, beats=F("beats") + 1)
        beat.refresh_from_db()
    return beat
