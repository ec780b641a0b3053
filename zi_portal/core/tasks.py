"""Tasks of the portal itself."""

import socket

from celery import shared_task

from .services import heartbeat_record


@shared_task(bind=True, ignore_result=True)
def heartbeat(self) -> str:
    """Scheduled by beat: proves that beat publishes and a worker consumes."""
    hostname = self.request.hostname or socket.gethostname()
    heartbeat_record(hostname=hostname)
    return hostname
