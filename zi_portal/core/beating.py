"""A heartbeat for long work: while a block runs, a thread stamps a row every few
seconds, so a reaper can tell a build that is still working from one whose process died
(``monev.reports`` uses it for report builds)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, connections, models
from django.utils import timezone

log = logging.getLogger(__name__)


@contextmanager
def beating(queryset: models.QuerySet, field: str, every: float) -> Iterator[None]:
    """Stamp ``field`` with the time on the rows of ``queryset`` now and every ``every``
    seconds until the block ends. The thread uses its own database connection; inside a
    transaction (a test) only the first stamp is written, as the thread could not see
    uncommitted rows anyway."""
    queryset.update(**{field: timezone.now()})
    if connection.in_atomic_block or every <= 0:
        yield
        return
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.wait(every):
                queryset.update(**{field: timezone.now()})
        except Exception:  # noqa: BLE001 - a missed beat at worst lets the reaper act
            log.exception("heartbeat of %s stopped", queryset.model.__name__)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="zi-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)
