"""Fetch an evidence object for a user or refuse (404 when it does not exist, 403 with
the reason when the user's role or scope does not allow the action). The rules
themselves live in ``zi_portal.accounts.permissions``."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from workplan.models import EvidenceRequirement
from zi_portal.accounts.permissions import Action, require

from .models import EvidenceVersion


def access_requirement(
    user: Any, pk: int, action: Action = Action.VIEW_EVIDENCE
) -> EvidenceRequirement:
    require(user, Action.VIEW_PLAN)
    requirement = (
        EvidenceRequirement.objects.select_related(
            "cell__quarter__plan__unit", "cell__area", "cell__pic"
        )
        .filter(pk=pk)
        .first()
    )
    if requirement is None:
        raise Http404(_("Butir bukti dukung tidak ditemukan."))
    unit_id = getattr(user, "unit_id", None)
    if unit_id and requirement.cell.quarter.plan.unit_id != unit_id:
        raise Http404(_("Butir bukti dukung tidak ditemukan."))
    require(user, action, requirement.cell)
    return requirement


def access_version(user: Any, pk: int, action: Action = Action.VIEW_EVIDENCE) -> EvidenceVersion:
    version = (
        EvidenceVersion.objects.select_related("requirement", "uploaded_by").filter(pk=pk).first()
    )
    if version is None:
        raise Http404(_("Versi bukti dukung tidak ditemukan."))
    version.requirement = access_requirement(user, version.requirement_id, action)
    return version
