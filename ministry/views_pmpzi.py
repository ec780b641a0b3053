"""The administrator's road to PMPZI for one unit and year: the Tabel 5 checklist with
evidence links, the year's deadline, and the proposal (refused while something is
missing, unless a reason is given)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import pmpzi
from evaluation.choices import Prerequisite
from evaluation.models import PmpziProposal
from zi_portal.core.audit import client_ip
from zi_portal.core.errors import Refused

from .permissions import access_unit


def readiness(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    level = request.GET.get("kategori") if request.GET.get("kategori") == "WBBM" else "WBK"
    if request.method == "POST":
        values = {
            key: (request.POST.get(f"{key}-value", ""), request.POST.get(f"{key}-url", ""))
            for key in Prerequisite.values
        }
        bad = [
            k
            for k, (_v, url) in values.items()
            if url and not url.startswith(("http://", "https://", "/"))
        ]
        if bad:
            messages.error(
                request,
                _("Tautan bukti harus alamat web (https://…) atau alamat portal (/butir/12/)."),
            )
        else:
            pmpzi.prerequisites_save(
                admin=request.user, unit=unit, year=year, values=values, ip=client_ip(request)
            )
            messages.success(request, _("Syarat pengusulan disimpan."))
        return redirect(f"{request.path}?kategori={level}")
    deadline = pmpzi.deadline_of(year)
    context = {
        "unit": unit,
        "year": year,
        "level": level,
        "items": pmpzi.checklist(unit, year, level),
        "missing": pmpzi.missing_for(unit, year, level),
        "deadline": deadline,
        "days_left": (deadline - timezone.localdate()).days,
        "proposal": PmpziProposal.objects.filter(unit=unit, year=year).first(),
        "nav_active": "units",
    }
    return render(request, "ministry/pmpzi.html", context)


@require_POST
def deadline_set(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    try:
        when = parse_date(request.POST.get("deadline", ""))
    except ValueError:
        when = None
    if when is None:
        messages.error(request, _("Tanggal tidak valid. Tulis tanggal seperti 2027-05-31."))
    else:
        try:
            pmpzi.deadline_set(admin=request.user, year=year, deadline=when, ip=client_ip(request))
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Batas pengusulan %(year)s disimpan.") % {"year": year})
    return redirect("ministry:pmpzi", pk=unit.pk, year=year)


@require_POST
def propose(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    category = request.POST.get("kategori", "")
    try:
        row = pmpzi.propose(
            admin=request.user,
            unit=unit,
            year=year,
            category=category,
            reason=request.POST.get("alasan", ""),
            ip=client_ip(request),
        )
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect(f"/kementerian/unit/{unit.pk}/pmpzi/{year}/?kategori={category}")
    messages.success(
        request,
        _("%(unit)s diusulkan %(cat)s %(year)s; PortalRB kini melihatnya.")
        % {"unit": unit.short_name, "cat": row.category, "year": year},
    )
    return redirect(f"/kementerian/unit/{unit.pk}/pmpzi/{year}/?kategori={row.category}")
