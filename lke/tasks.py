from celery import shared_task

from .portalrb import prune_log


@shared_task(ignore_result=True)
def prune_portalrb_log() -> int:
    """Beat runs this daily: PortalRB access-log rows older than the retention go."""
    return prune_log()
