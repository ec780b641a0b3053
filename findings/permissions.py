"""Fetch a finding for a user or refuse: 404 when it does not exist for the user's unit,
403 with the reason for someone who is neither its owner nor a reviewer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from zi_portal.accounts.permissions import Action, can

from .models import Finding
from .selectors import FINDING_RELATIONS


def access_finding(user: Any, pk: int) -> Finding:
    finding = (
        Finding.objects.in_unit(user)
        .select_related("plan__unit", *FINDING_RELATIONS)
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise Http404(_("Temuan ini tidak ada."))
    if not (can(user, Action.RECORD_FINDING) or can(user, Action.FOLLOW_UP_FINDING, finding)):
        raise PermissionDenied(
            _("Temuan ini hanya dapat dibuka oleh penanggung jawabnya dan para peninjau.")
        )
    return finding
