"""The append-only audit trail and the client address it records. Call
``audit_record`` inside the transaction of the change it describes, so that the entry
exists exactly when the change does."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .models import AuditEvent


def client_ip(request) -> str | None:
    """The client's address, the one the sign-in lockout, the API throttle and the audit
    trail all use: REMOTE_ADDR, or, behind ``ZI_TRUSTED_PROXY_COUNT`` proxies, the
    X-Forwarded-For hop the outermost of them appended. Each proxy appends the address it
    received from, so that hop is the right-most one the client cannot write; whatever the
    client put in front of it is ignored. A request with fewer hops than proxies did not
    come through them all and counts as REMOTE_ADDR (the proxy itself)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.ZI_TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies][:45]  # 45: the longest textual IPv6 address
    return remote


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
