"""The append-only audit trail and the client address it records. Call
``audit_record`` inside the transaction of the change it describes, so that the entry
exists exactly when the change does."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .models import AuditEvent


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the first X-Forwarded-For hop when the
    portal is configured to sit behind a trusted proxy."""
    if request is None:
        return None
    if settings.ZI_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def unit_id_of(obj: Any) -> int | None:
    """The unit ``obj`` belongs to, along the path its queryset names (``unit_field`` of
    ``RestrictedQuerySet``, e.g. ``requirement__cell__quarter__plan__unit``); None for
    an object of no unit."""
    path = getattr(type(obj)._default_manager.all(), "unit_field", None)
    if not path:
        return None
    if path == "pk":
        return obj.pk
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any,
    summary: str,
    ip: str | None = None,
    requirement: Any = None,
    area: Any = None,
    subject_user: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    unit: Any = None,
) -> AuditEvent:
    """Add an entry. Its unit (who may read it) is ``unit`` if given, else the unit of
    ``obj``, of the item, of the person concerned or of the actor, in that order."""
    if requirement is not None and area is None:
        area = requirement.cell.area
    actor = actor if getattr(actor, "is_authenticated", False) else None
    unit_id = getattr(unit, "pk", unit) or unit_id_of(obj)
    if unit_id is None and requirement is not None:
        unit_id = unit_id_of(requirement)
    for person in (subject_user, actor):
        if unit_id is None and person is not None:
            unit_id = person.unit_id
    return AuditEvent.objects.create(
        unit_id=unit_id,
        actor=actor,
        ip_address=ip,
        action=action,
        requirement=requirement,
        area=area,
        subject_user=subject_user,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        before=before or {},
        after=after or {},
    )
