"""The recap of the units of a year (page and XLSX) and its API."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from lke.models import Side
from zi_portal.accounts.permissions import Action, can, require
from zi_portal.core.exports import xlsx_response
from zi_portal.core.paging import paginate

from . import recap as recaps
from . import recap_pdf
from .models import RecapExport
from .recap_xlsx import recap_workbook

ROWS_PER_PAGE = 50


def _recap(request: HttpRequest, year: int) -> recaps.Recap:
    require(request.user, Action.VIEW_RECAP)
    query = request.GET
    side = query.get("oleh") if query.get("oleh") in Side.values else Side.TPI
    result = recaps.recap(
        user=request.user,
        year=year,
        side=side,
        status=query.get("status", ""),
        readiness=query.get("kesiapan", ""),
        sort=query.get("urut", "unit"),
        descending=query.get("arah") == "turun",
        today=timezone.localdate(),
    )
    if result.master is None:
        raise Http404(_("Belum ada master soal LKE untuk tahun %(year)s.") % {"year": year})
    return result


def recap_page(request: HttpRequest, year: int) -> HttpResponse:
    result = _recap(request, year)
    page, query = paginate(request, result.rows, ROWS_PER_PAGE)
    result.load(page.object_list)
    context = {
        "recap": result,
        "page": page,
        "query": query,
        "year": year,
        "values": request.GET,
        "sides": recaps.SIDES,
        "statuses": recaps.STATUSES,
        "readiness": recaps.READINESS,
        "sorts": recaps.SORTS,
        # The administrator sees no unit's work: the rows open a unit's LKE only for
        # an assessor, who switches to that unit.
        "may_open": can(request.user, Action.VIEW_LKE),
        "nav_active": "recap",
    }
    return render(request, "ministry/recap.html", context)


def recap_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    result = _recap(request, year)
    result.load(result.rows)
    return xlsx_response(recap_workbook(result), f"rekapitulasi-lke-{year}.xlsx")


@require_POST
def recap_pdf_request(request: HttpRequest, year: int) -> HttpResponse:
    """Queue the recap as PDF with the page's filters; the worker builds it."""
    _recap(request, year)  # the same refusals as the page (role, master list)
    row = recap_pdf.export_request(user=request.user, year=year, params=request.POST)
    messages.success(
        request,
        _("Rekapitulasi PDF %(year)s dimasukkan ke antrean; halaman ini diperbarui sendiri.")
        % {"year": row.year},
    )
    return redirect("ministry:recap_exports", year=year)


def recap_exports(request: HttpRequest, year: int) -> HttpResponse:
    """The person's own recap PDFs of the year, newest first."""
    require(request.user, Action.VIEW_RECAP)
    rows = list(RecapExport.objects.filter(requested_by=request.user, year=year)[:20])
    context = {
        "year": year,
        "exports": rows,
        # base.html refreshes the page every few seconds while one is being built.
        "busy": any(r.status == RecapExport.Status.QUEUED for r in rows),
        "nav_active": "recap",
    }
    return render(request, "ministry/recap_exports.html", context)


def recap_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_RECAP)
    row = get_object_or_404(
        RecapExport, pk=pk, requested_by=request.user, status=RecapExport.Status.READY
    )
    name = f"rekapitulasi-zi-{row.year}-{timezone.localtime(row.finished_at):%Y%m%d-%H%M}.pdf"
    return FileResponse(default_storage.open(row.file.name, "rb"), as_attachment=True,
                        filename=name, content_type="application/pdf")  # fmt: skip


class RecapView(APIView):
    """``GET /api/v1/plans/{year}/recap/``: the recap's rows as JSON, for the units the
    caller may see (``?oleh=``, ``status``, ``kesiapan``, ``urut`` as on the page)."""

    @extend_schema(responses={200: dict})
    def get(self, request, year: int):
        result = _recap(request, year)
        result.load(result.rows)
        return Response(
            {
                "tahun": year,
                "jumlah": len(result.rows),
                "unit": [recaps.api_row(row) for row in result.rows],
            }
        )
