"""The recap of the units of a year (page and XLSX) and its API."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from lke.models import Side
from zi_portal.accounts.permissions import Action, can, require
from zi_portal.core.exports import xlsx_response
from zi_portal.core.paging import paginate

from . import recap as recaps
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
