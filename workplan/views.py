"""Pages of the work plan. Thin: access → selector/service → response."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi_portal.accounts.permissions import Action, can
from zi_portal.core.audit import client_ip
from zi_portal.core.exports import csv_response, xlsx_response

from . import exports, selectors, services
from .forms import ActivityMonthsForm, PokjaMemberForm
from .permissions import (
    access_activity,
    access_member,
    access_plan,
    access_pokja,
    access_selected_plan,
)


def home(request: HttpRequest) -> HttpResponse:
    """Send the user to this year's plan, or the newest one (the ministry's
    administrator, who works in no unit, to the units)."""
    if can(request.user, Action.MANAGE_UNITS) and not can(request.user, Action.VIEW_PLAN):
        return redirect("ministry:units")
    plan = access_selected_plan(request.user)
    if plan is None:
        return render(request, "workplan/plan_empty.html", status=200)
    return redirect("workplan:overview", year=plan.year)


def plan_overview(request: HttpRequest, year: int) -> HttpResponse:
    plan = access_plan(request.user, year)
    context = {"plan": plan, "nav_active": "overview"}
    context.update(selectors.plan_overview(plan=plan))
    return render(request, "workplan/plan_overview.html", context)


def plan_export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404(_("Format unduhan tidak dikenal. Yang tersedia: xlsx dan csv."))
    plan = access_plan(request.user, year, Action.EXPORT_PLAN)
    stem = f"rencana-kerja-zi-{plan.year}"
    if fmt == "xlsx":
        return xlsx_response(exports.workbook_bytes(plan), f"{stem}.xlsx")
    table = request.GET.get("tabel", "commitments")
    if table not in exports.TABLES:
        table = "commitments"
    buffer = io.StringIO()
    exports.write_csv(plan, table, buffer)
    return csv_response(buffer.getvalue(), f"{stem}-{table}.csv")


def activity_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    plan = access_plan(request.user, year)
    activity = access_activity(request.user, plan, pk, Action.MANAGE_PLAN)
    if request.method == "POST":
        form = ActivityMonthsForm(request.POST)
        if form.is_valid():
            services.activity_months_set(
                activity=activity,
                months=form.cleaned_data["months"],
                user=request.user,
                ip=client_ip(request),
            )
            messages.success(
                request,
                _("Bulan rencana kegiatan %(no)s %(area)s disimpan.")
                % {"no": activity.number, "area": activity.pokja.area.code},
            )
            return redirect(
                reverse("monev:activities", args=[plan.year]) + f"#area-{activity.pokja.area.code}"
            )
    else:
        form = ActivityMonthsForm(initial={"months": activity.months})
    return render(
        request, "workplan/activity_edit.html", {"plan": plan, "activity": activity, "form": form}
    )


@require_POST
def pokja_member_add(request: HttpRequest, year: int, code: str) -> HttpResponse:
    plan = access_plan(request.user, year)
    pokja = access_pokja(request.user, plan, code, Action.MANAGE_POKJA_MEMBERS)
    form = PokjaMemberForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("email", []):
            messages.error(request, error)
    else:
        try:
            member = services.pokja_member_add(
                pokja=pokja,
                email=form.cleaned_data["email"],
                added_by=request.user,
                ip=client_ip(request),
            )
        except services.MemberError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s ditambahkan ke %(pokja)s.")
                % {"name": member.user.name, "pokja": pokja.name},
            )
    return redirect(reverse("evidence:area", args=[plan.year, pokja.area.code]) + "#anggota")


@require_POST
def pokja_member_remove(request: HttpRequest, year: int, code: str, member_pk: int) -> HttpResponse:
    plan = access_plan(request.user, year)
    pokja = access_pokja(request.user, plan, code, Action.MANAGE_POKJA_MEMBERS)
    member = access_member(request.user, pokja, member_pk)
    services.pokja_member_remove(member=member, removed_by=request.user, ip=client_ip(request))
    messages.success(request, _("%(name)s dikeluarkan dari pokja.") % {"name": member.user.name})
    return redirect(reverse("evidence:area", args=[plan.year, pokja.area.code]) + "#anggota")
