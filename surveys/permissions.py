"""Fetch a survey or a service for a user or refuse: 404 when it does not exist for the
user's unit, 403 with the reason for a role that may not do it."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from zi_portal.accounts.permissions import Action, require

from .models import Response, Service, Survey


def access_survey(user: Any, pk: int, action: Action = Action.VIEW_SURVEYS) -> Survey:
    survey = Survey.objects.in_unit(user).select_related("unit").filter(pk=pk).first()
    if survey is None:
        raise Http404(_("Survei ini tidak ada."))
    require(user, action, survey)
    return survey


def access_service(user: Any, pk: int) -> Service:
    service = Service.objects.in_unit(user).filter(pk=pk).first()
    if service is None:
        raise Http404(_("Jenis layanan ini tidak ada."))
    require(user, Action.MANAGE_SURVEYS, service)
    return service


def survey_response(survey: Survey, pk: int | None) -> Response | None:
    """A response of ``survey`` named by a form (None when it is not one of its own)."""
    if pk is None:
        return None
    return Response.objects.filter(survey=survey, pk=pk).select_related("survey").first()
