"""Monitoring's answers to what the apps below it report (connected in ``apps.py``)."""

from django.conf import settings
from django.dispatch import receiver

from evidence.signals import revision_requested
from zi_portal.core.queue import enqueue


@receiver(revision_requested, dispatch_uid="monev.queue_revision_notice")
def queue_revision_notice(sender, review, **kwargs) -> None:
    """Tell the uploader after the batching window, so that several revision requests
    made close together arrive as one message (``sweep.notify_revisions``)."""
    enqueue(
        "monev.tasks.notify_revisions",
        review.version.uploaded_by_id,
        countdown=settings.ZI_REVISION_BATCH_MINUTES * 60,
    )
