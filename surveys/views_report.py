"""The survey page's report panel: the PDF report, turning a proposed unsur into a
finding, and attaching the report to a matrix item. Thin: access → service → redirect
to the survey page with what happened (a refusal is the message, nothing written)."""

from __future__ import annotations

import logging
import time
from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from findings.selectors import owner_of
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import client_ip
from zi_portal.core.errors import Refused
from zi_portal.core.parsing import whole_number

from .attach import report_attach
from .followups import follow_up_cell, follow_up_create
from .permissions import access_survey
from .report import report_filename, survey_pdf

log = logging.getLogger(__name__)


def _back(survey) -> HttpResponse:
    return redirect(reverse("surveys:detail", args=[survey.pk]) + "#laporan")


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey's report, built now (a few pages: well under a second warm)."""
    survey = access_survey(request.user, pk)
    start = time.perf_counter()
    pdf = survey_pdf(survey)
    log.info("survey %s report built in %.2f s", survey.pk, time.perf_counter() - start)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(survey)}"'
    return response


@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access_survey(request.user, pk, Action.MANAGE_SURVEYS)
    question = survey.questions.filter(pk=whole_number(request.POST.get("question", ""))).first()
    cell = follow_up_cell(survey)
    owner = owner_of(cell.quarter.plan, request.POST.get("owner", "")) if cell else None
    try:
        link = follow_up_create(
            survey=survey,
            question=question,
            user=request.user,
            owner=owner,
            due_date=_date(request.POST.get("due_date", "")),
            recommendation=request.POST.get("recommendation", "").strip(),
            ip=client_ip(request),
        )
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Unsur %(code)s dijadikan temuan #%(id)s.")
            % {"code": question.code, "id": link.finding_id},
        )
    return _back(survey)


@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access_survey(request.user, pk)
    require(request.user, Action.UPLOAD_EVIDENCE)
    try:
        version = report_attach(
            survey=survey,
            requirement_id=whole_number(request.POST.get("requirement", "")),
            user=request.user,
            ip=client_ip(request),
        )
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Laporan survei dilampirkan sebagai %(label)s pada butir “%(item)s”.")
            % {"label": version.label, "item": version.requirement.text},
        )
    return _back(survey)
