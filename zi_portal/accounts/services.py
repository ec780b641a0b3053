"""Writes about users and roles."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User
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
) -> tuple[User, bool]:
    """Create the user with ``email`` if absent and give them ``role``.

    An existing account keeps its password (a demo re-run never resets what a person
    changed); name, position and role are brought back to the given values. ``groups``
    is what ``roles_ensure()`` returned: a caller that creates several users ensures the
    roles once and passes them in; without it they are ensured here.
    """
    if groups is None:
        groups = roles_ensure()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email)
        user.set_password(password) if password else user.set_unusable_password()
    user.name = name
    user.position = position
    user.unit = unit
    user.is_staff = user.is_staff or is_staff
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(groups[role])
    return user, created


def api_token_for(*, user: User) -> str:
    """The person's API token (made on first use); the same for every later call."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key
