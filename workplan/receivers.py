"""The plan's own models stamp their plan when saved (``workplan.stamps``; connected
in ``apps.py``). Bulk writes send no signal: the services write an existing plan's
data row by row (the plan import makes a new plan, whose cache keys are new)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import (
    Activity,
    CommitmentCell,
    EvidenceRequirement,
    MonitoredOutput,
    Quarter,
    WorkPlan,
)
from .stamps import touch


@receiver(post_save, sender=Quarter, dispatch_uid="workplan.stamp_quarter")
def stamp_quarter(sender, instance: Quarter, raw: bool = False, **kwargs) -> None:
    if not raw:
        touch(WorkPlan.objects.filter(pk=instance.plan_id))


@receiver(post_save, sender=CommitmentCell, dispatch_uid="workplan.stamp_cell")
def stamp_cell(sender, instance: CommitmentCell, raw: bool = False, **kwargs) -> None:
    if not raw:
        touch(WorkPlan.objects.filter(quarters=instance.quarter_id))


@receiver(post_save, sender=EvidenceRequirement, dispatch_uid="workplan.stamp_requirement")
def stamp_requirement(sender, instance: EvidenceRequirement, raw: bool = False, **kwargs) -> None:
    if not raw:
        touch(WorkPlan.objects.filter(quarters__cells=instance.cell_id))


@receiver(post_save, sender=Activity, dispatch_uid="workplan.stamp_activity")
def stamp_activity(sender, instance: Activity, raw: bool = False, **kwargs) -> None:
    if not raw:
        touch(WorkPlan.objects.filter(pokjas=instance.pokja_id))


@receiver(post_save, sender=MonitoredOutput, dispatch_uid="workplan.stamp_output")
def stamp_output(sender, instance: MonitoredOutput, raw: bool = False, **kwargs) -> None:
    if not raw:
        touch(WorkPlan.objects.filter(quarters__cells=instance.cell_id))
