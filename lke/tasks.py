from celery import shared_task

from .services import portalrb_log_prune


@shared_task(ignore_result=True)
def prune_portalrb_log() -> int:
    """Beat runs this daily: PortalRB access-log rows older than the retention go."""
    return portalrb_log_prune()
