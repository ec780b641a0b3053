"""The survey page's data in and out: importing responses collected elsewhere (the
Ketua Tim), the import templates (CSV and XLSX), and every response as XLSX (Ketua,
Kepala, TPI of the unit). Thin: access → imports/xlsx → response."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zi_portal.accounts.permissions import Action
from zi_portal.core.audit import client_ip
from zi_portal.core.exports import csv_response, xlsx_response

from . import imports, xlsx
from .choices import SurveyStatus
from .errors import SurveyRefused
from .permissions import access_survey


def _filename(survey, what: str, ext: str) -> str:
    return f"survei-{survey.pk}-{survey.kind}-{what}.{ext}"


def import_responses(request: HttpRequest, pk: int) -> HttpResponse:
    """The import page (GET) and the import itself (POST, a file field ``file``)."""
    survey = access_survey(request.user, pk, Action.MANAGE_SURVEYS)
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise SurveyRefused(_("Pilih berkas CSV atau XLSX berisi respons terlebih dahulu."))
            if upload.size > imports.MAX_IMPORT_BYTES:
                raise SurveyRefused(
                    _("Berkas terlalu besar (maksimal 5 MB). Bagi respons menjadi beberapa berkas.")
                )
            record = imports.responses_import(
                survey=survey,
                data=upload.read(),
                filename=upload.name,
                user=request.user,
                ip=client_ip(request),
            )
        except imports.ImportRefused as exc:
            problems = [_("Impor dibatalkan; tidak ada respons yang disimpan."), *exc.lines]
        except SurveyRefused as exc:
            problems = [exc.message]
        else:
            messages.success(
                request,
                _("%(n)s respons diimpor dari %(file)s dan ditandai sebagai impor.")
                % {"n": record.rows, "file": record.filename},
            )
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/import.html",
        {
            "survey": survey,
            "problems": problems,
            "columns": imports.template_columns(survey),
            "import_open": survey.status != SurveyStatus.DRAFT,
            "earlier": list(survey.imports.select_related("imported_by")),
            "nav_active": "surveys",
        },
        status=400 if problems else 200,
    )


@require_GET
def import_template_csv(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access_survey(request.user, pk, Action.MANAGE_SURVEYS)
    return csv_response(imports.template_csv(survey), _filename(survey, "templat-impor", "csv"))


@require_GET
def import_template_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access_survey(request.user, pk, Action.MANAGE_SURVEYS)
    return xlsx_response(
        xlsx.template_workbook(survey, imports.template_columns(survey), imports.DEMOGRAPHICS),
        _filename(survey, "templat-impor", "xlsx"),
    )


@require_GET
def responses_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access_survey(request.user, pk)
    return xlsx_response(xlsx.responses_workbook(survey), _filename(survey, "respons", "xlsx"))
