from celery import shared_task


@shared_task(ignore_result=True)
def prune_portalrb_log() -> int:
    """Beat runs this daily: PortalRB access-log rows older than the retention go."""
    from .portalrb import prune_log

    return prune_log()
