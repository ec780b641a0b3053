"""Fetch a unit for the ministry's administrator or refuse (403 without the role, 404
for a unit that does not exist). The rules live in ``zi_portal.accounts.permissions``."""

from typing import Any

from django.shortcuts import get_object_or_404

from workplan.models import Unit
from zi_portal.accounts.permissions import Action, require


def access_unit(user: Any, pk: int) -> Unit:
    require(user, Action.MANAGE_UNITS)
    return get_object_or_404(Unit.objects.restrict(user, Action.MANAGE_UNITS), pk=pk)
