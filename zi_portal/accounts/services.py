"""Writes about users and roles."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction

from .models import ApiToken, User, api_token_digest
from .roles import GROUP_MODEL_PERMISSIONS, GROUP_NAMES


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Create the role groups and give them their admin permissions (idempotent)."""
    wanted = {dotted for perms in GROUP_MODEL_PERMISSIONS.values() for dotted in perms}
    # All the roles' permissions in one query (a permission that does not exist yet, e.g.
    # before its app is migrated, is left out as before).
    by_dotted = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.filter(
            codename__in={dotted.split(".", 1)[1] for dotted in wanted}
        ).values_list("pk", "content_type__app_label", "codename")
    }
    groups: dict[str, Group] = {}
    for role, name in GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = [
            by_dotted[dotted]
            for dotted in GROUP_MODEL_PERMISSIONS.get(role, [])
            if dotted in by_dotted
        ]
        group.permissions.set(perms)
        groups[role] = group
    return groups


@transaction.atomic
def user_ensure(
    *,
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    position: str = "",
    unit=None,
    is_staff: bool = False,
    groups: dict[str, Group] | None = None,
    password_hash: str | None = None,
) -> tuple[User, bool]:
    """Create the user with ``email`` if absent and give them ``role``.

    An existing account keeps its password (a demo re-run never resets what a person
    changed); name, position and role are brought back to the given values. ``groups``
    is what ``roles_ensure()`` returned: a caller that creates several users ensures the
    roles once and passes them in; without it they are ensured here. ``password_hash``
    (from ``make_password``) stands in for ``password`` when a caller gives many accounts
    the same password and hashes it once.
    """
    if groups is None:
        groups = roles_ensure()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email)
        if password_hash:
            user.password = password_hash
        elif password:
            user.set_password(password)
        else:
            user.set_unusable_password()
    user.name = name
    user.position = position
    user.unit = unit
    user.is_staff = user.is_staff or is_staff
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(groups[role])
    return user, created


def api_token_for(*, user: User, name: str = "API", ip: str | None = None) -> str:
    """A new API token of ``user``; returns the token itself, which is stored only as
    its SHA-256 and so can be shown this once. Valid for ``ZI_API_TOKEN_DAYS`` days."""
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100] or "API",
            digest=api_token_digest(raw),
            hint=raw[: len(ApiToken.PREFIX) + 4],
            expires_at=timezone.now() + timedelta(days=settings.ZI_API_TOKEN_DAYS),
        )
        audit_record(
            actor=user,
            action=AuditAction.API_TOKEN_CREATE,
            obj=token,
            summary=f"Token API {token} dibuat",
            ip=ip,
            subject_user=user,
            unit=user.unit,
        )
    return raw


def api_token_revoke(*, token: ApiToken, user: User, ip: str | None = None) -> bool:
    """Revoke one of ``user``'s own tokens; False when it was revoked already."""
    with transaction.atomic():
        done = ApiToken.objects.filter(pk=token.pk, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if done:
            audit_record(
                actor=user,
                action=AuditAction.API_TOKEN_REVOKE,
                obj=token,
                summary=f"Token API {token} dicabut",
                ip=ip,
                subject_user=user,
                unit=user.unit,
            )
    return bool(done)
