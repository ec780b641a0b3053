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
) -> AuditEvent:
    if requirement is not None and area is None:
        area = requirement.cell.area
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
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
