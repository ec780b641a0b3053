"""The units a person holds roles in, and switching between them.

A person works in one unit at a time: ``User.unit`` is that unit and their groups are
their roles there, so ``restrict()`` and every page answer for it alone. Their
``Membership`` rows are every unit and role they hold: an Inspektorat assessor is TPI
in each unit assigned to them and switches between those units in the header; nobody
switches to a unit they hold no role in.

The memberships of the current unit follow the groups (``groups_changed``): the admin,
``user_ensure`` and every existing way of giving someone a role keep them in step."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction

from .models import Membership, User
from .roles import GROUP_NAMES, MINISTRY_ROLES, ROLE_BY_GROUP


def units_of(user: Any) -> list[tuple[int, str]]:
    """``(unit id, short name)`` of every unit ``user`` holds a role in, by name; one
    query, asked only for people with more than one (``User.unit_count``)."""
    if not getattr(user, "is_authenticated", False) or user.unit_count < 2:
        return []
    rows = (
        Membership.objects.filter(user=user)
        .values_list("unit_id", "unit__short_name")
        .distinct()
        .order_by("unit__short_name", "unit_id")
    )
    return list(rows)


def memberships_count(user_id: int) -> int:
    """Store how many units the person holds a role in, and return it."""
    count = Membership.objects.filter(user_id=user_id).values("unit_id").distinct().count()
    User.objects.filter(pk=user_id).update(unit_count=count)
    return count


def membership_add(*, user: User, unit: Any, role: str) -> Membership:
    """``user`` holds ``role`` in ``unit`` (idempotent). A person without a current unit
    gets this one, with the role's group."""
    membership, _created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if user.unit_id is None:
        user.unit = unit
        user.save(update_fields=["unit"])
    if user.unit_id == unit.pk:
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    user.unit_count = memberships_count(user.pk)
    return membership


@transaction.atomic
def unit_switch(*, user: User, unit_id: int, ip: str | None = None) -> Any:
    """Make ``unit_id`` the unit ``user`` works in, with the roles they hold there.
    Refused (403, in Indonesian) for a unit they hold no role in."""
    roles = set(
        Membership.objects.filter(user=user, unit_id=unit_id).values_list("role", flat=True)
    )
    if not roles:
        raise PermissionDenied(
            _("Anda tidak memegang peran di unit kerja itu. Pilih salah satu unit Anda.")
        )
    if user.unit_id == unit_id:
        return user.unit
    before = user.unit
    keep = [g for g in user.groups.all() if ROLE_BY_GROUP.get(g.name) in MINISTRY_ROLES]
    user.unit_id = unit_id
    user.save(update_fields=["unit"])
    # The groups become the roles held there; the memberships stay as they are.
    user._zi_switching = True
    try:
        user.groups.set(keep + list(Group.objects.filter(name__in=[GROUP_NAMES[r] for r in roles])))
    finally:
        del user._zi_switching
    user.__dict__.pop("_zi_roles", None)
    unit = user.unit
    audit_record(
        actor=user,
        action=AuditAction.UNIT_SWITCH,
        obj=user,
        summary=f"{user} pindah ke unit {unit.short_name}",
        ip=ip,
        before={"unit": before.code if before else None},
        after={"unit": unit.code},
        unit=unit,
    )
    return unit


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="memberships_follow_groups")
def groups_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """Roles given or taken in the current unit are memberships of that unit."""
    if reverse or not isinstance(instance, User) or getattr(instance, "_zi_switching", False):
        return
    if instance.unit_id is None or action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        names = list(instance.groups.values_list("name", flat=True))
    else:
        names = list(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    roles = {ROLE_BY_GROUP[n] for n in names if n in ROLE_BY_GROUP} - MINISTRY_ROLES
    if not roles:
        return
    if action == "post_add":
        Membership.objects.bulk_create(
            [Membership(user=instance, unit_id=instance.unit_id, role=r) for r in roles],
            ignore_conflicts=True,
        )
    else:
        Membership.objects.filter(user=instance, unit_id=instance.unit_id, role__in=roles).delete()
    instance.unit_count = memberships_count(instance.pk)
