"""Evidence stamps its plan when a version or a review is saved (``workplan.stamps``;
connected in ``apps.py``): the cached statuses and dashboard parts of the plan are then
computed afresh. Versions and reviews are never deleted by the portal (a version is
withdrawn, a review stays)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from workplan.models import WorkPlan
from workplan.stamps import touch

from .models import EvidenceVersion, Review


@receiver(post_save, sender=EvidenceVersion, dispatch_uid="evidence.stamp_version")
def stamp_version(sender, instance: EvidenceVersion, raw: bool = False, **kwargs) -> None:
    if not raw:
        touch(WorkPlan.objects.filter(quarters__cells__requirements=instance.requirement_id))


@receiver(post_save, sender=Review, dispatch_uid="evidence.stamp_review")
def stamp_review(sender, instance: Review, raw: bool = False, **kwargs) -> None:
    if not raw:
        touch(WorkPlan.objects.filter(quarters__cells__requirements__versions=instance.version_id))
