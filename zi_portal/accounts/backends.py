"""The portal's authentication backends: Django's and allauth's, whose ``get_user`` (the
signed-in person, read on every request) also reads, in the same query, what every page's
frame needs of them: their roles, and what the apps above register (the unread
notification count). That is one query instead of three per signed-in request, its SQL
compiled once per process (``core.compiled``).

Apps add a value with ``request_user_annotation(name, factory)`` at ``ready()``: the
factory returns an expression correlated to the user's row (``OuterRef("pk")``), and the
value arrives as the attribute ``name`` of ``request.user``. Whoever reads it falls back
to its own query when the attribute is absent (a user loaded any other way)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Group
from django.db.models import Aggregate, CharField, Expression, OuterRef, QuerySet, Subquery

from zi_portal.core.compiled import CompiledQuery

from .roles import ROLE_BY_GROUP

_ANNOTATIONS: dict[str, Callable[[], Expression]] = {}
_SEPARATOR = "\n"
assert not any(_SEPARATOR in name for name in ROLE_BY_GROUP)  # noqa: S101 - a code fact


def request_user_annotation(name: str, factory: Callable[[], Expression]) -> None:
    """Read ``factory()`` with the signed-in user on every request, as ``user.<name>``."""
    _ANNOTATIONS[name] = factory


class _NameList(Aggregate):
    """Names joined by a newline (STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, '\n')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def _group_names() -> Subquery:
    names = (
        Group.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(names=_NameList("name"))
        .values("names")
    )
    return Subquery(names, output_field=CharField())


def _request_user(user_id: Any) -> QuerySet:
    annotations = {name: factory() for name, factory in _ANNOTATIONS.items()}
    users = get_user_model()._default_manager.annotate(zi_group_names=_group_names(), **annotations)
    return users.filter(pk=user_id).order_by()


# Compiled at the first request, after every app's ready() has registered its values.
_REQUEST_USER = CompiledQuery(_request_user)


class _RequestUser:
    def get_user(self, user_id: Any) -> Any:
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        found = _REQUEST_USER.run(user_id)
        user = found[0] if found else None
        if user is None or not self.user_can_authenticate(user):
            return None
        names = user.zi_group_names.split(_SEPARATOR) if user.zi_group_names else ()
        # What permissions.user_roles would read with a query of its own.
        user._zi_roles = (
            frozenset(ROLE_BY_GROUP[n] for n in names if n in ROLE_BY_GROUP)
            if user.is_active
            else frozenset()
        )
        return user


class ModelBackend(_RequestUser, backends.ModelBackend):
    pass


class AuthenticationBackend(_RequestUser, AllauthBackend):
    pass
