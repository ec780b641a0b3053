"""The ministry administrator's pages: the units (list, create one) and starting a
unit's year."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from evaluation import services as evaluation_services
from evaluation.models import Assignment
from workplan.models import Unit, WorkPlan
from zi_portal.accounts.models import Membership
from zi_portal.accounts.permissions import Action, require
from zi_portal.accounts.roles import Role
from zi_portal.core.audit import client_ip
from zi_portal.core.errors import Refused
from zi_portal.core.paging import paginate

from . import services
from .forms import AssignForm, UnitForm, YearStartForm
from .permissions import access_unit

UNITS_PER_PAGE = 50


def _unit_rows(user):
    """The units with their plans' years and their Kepala and Ketua, in four queries
    whatever the number of units on the page."""
    leaders = Membership.objects.filter(role__in=[Role.KEPALA, Role.KETUA]).select_related("user")
    return (
        Unit.objects.restrict(user, Action.MANAGE_UNITS)
        .order_by("short_name", "code")
        .prefetch_related(
            Prefetch("plans", queryset=WorkPlan.objects.order_by("year")),
            Prefetch("memberships", queryset=leaders, to_attr="leaders"),
        )
    )


def units(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_UNITS)
    form = UnitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = services.unit_create(
                    admin=request.user,
                    code=data["code"],
                    name=data["name"],
                    short_name=data["short_name"],
                    parent_name=data["parent_name"],
                    kepala=(data["kepala_email"], data["kepala_name"]),
                    ketua=(data["ketua_email"], data["ketua_name"]),
                    ip=client_ip(request),
                )
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Unit %(unit)s dibuat. Akun baru mengatur kata sandinya lewat "
                        "“Lupa kata sandi”. Mulai tahun programnya di bawah."
                    )
                    % {"unit": unit.short_name},
                )
                return redirect("ministry:year_start", pk=unit.pk)
        status = 400
    page, query = paginate(request, _unit_rows(request.user), UNITS_PER_PAGE)
    context = {"form": form, "page": page, "query": query, "nav_active": "units"}
    return render(request, "ministry/units.html", context, status=status)


def year_start(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    form = YearStartForm(request.POST or None, request.FILES or None, unit=unit)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.year_start(
                    admin=request.user,
                    unit=unit,
                    year=data["year"],
                    source=data["source"],
                    data=data.get("plan_file"),
                    template=data.get("template"),
                    pics=data["pics"],
                    ip=client_ip(request),
                )
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Rencana kerja %(year)s %(unit)s dibuat: %(cells)s sel matriks, "
                        "%(items)s butir bukti dukung. Ketua Tim ZI unit itu kini dapat "
                        "mengelolanya."
                    )
                    % {
                        "year": plan.year,
                        "unit": unit.short_name,
                        "cells": plan.quarters.values("cells").count(),
                        "items": plan.quarters.values("cells__requirements").count(),
                    },
                )
                return redirect("ministry:units")
        status = 400
    context = {
        "unit": unit,
        "form": form,
        "plans": unit.plans.order_by("-year"),
        "nav_active": "units",
    }
    return render(request, "ministry/year_start.html", context, status=status)


def assessors(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessors who evaluate the unit, per year (a lead and members); assign one."""
    unit = access_unit(request.user, pk)
    form = AssignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    person = services.person_in_unit(
                        unit=unit, email=data["email"], name=data["name"], role=Role.TPI
                    )
                    evaluation_services.assessor_assign(
                        admin=request.user,
                        unit=unit,
                        year=data["year"],
                        assessor=person,
                        is_lead=data["is_lead"],
                        ip=client_ip(request),
                    )
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(who)s ditugaskan menilai %(unit)s tahun %(year)s.")
                    % {"who": person.name, "unit": unit.short_name, "year": data["year"]},
                )
                return redirect("ministry:assessors", pk=unit.pk)
        status = 400
    context = {
        "unit": unit,
        "form": form,
        "assignments": Assignment.objects.filter(unit=unit)
        .select_related("assessor")
        .order_by("-year", "-is_lead", "assessor__name"),
        "nav_active": "units",
    }
    return render(request, "ministry/assessors.html", context, status=status)
