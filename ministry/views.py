"""The ministry administrator's pages: the units (list, create one) and starting a
unit's year."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def _submitted(request: HttpRequest, form, write: Callable[[dict], Any]) -> tuple[Any, int]:
    """Run ``write`` on a valid POSTed form: ``(its result, 200)``. An invalid form or a
    refusal (shown on the form) gives ``(None, 400)``, a GET ``(None, 200)``."""
    if request.method != "POST":
        return None, 200
    if form.is_valid():
        try:
            return write(form.cleaned_data), 200
        except Refused as exc:
            form.add_error(None, exc.message)
    return None, 400


def units(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_UNITS)
    form = UnitForm(request.POST or None)

    def create(data: dict) -> Unit:
        return services.unit_create(
            admin=request.user,
            code=data["code"],
            name=data["name"],
            short_name=data["short_name"],
            parent_name=data["parent_name"],
            kepala=(data["kepala_email"], data["kepala_name"]),
            ketua=(data["ketua_email"], data["ketua_name"]),
            ip=client_ip(request),
        )

    unit, status = _submitted(request, form, create)
    if unit is not None:
        messages.success(
            request,
            _(
                "Unit %(unit)s dibuat. Akun baru mengatur kata sandinya lewat "
                "“Lupa kata sandi”. Mulai tahun programnya di bawah."
            )
            % {"unit": unit.short_name},
        )
        return redirect("ministry:year_start", pk=unit.pk)
    page, query = paginate(request, _unit_rows(request.user), UNITS_PER_PAGE)
    context = {"form": form, "page": page, "query": query, "nav_active": "units"}
    return render(request, "ministry/units.html", context, status=status)


def year_start(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    form = YearStartForm(request.POST or None, request.FILES or None, unit=unit)

    def start(data: dict) -> WorkPlan:
        return services.year_start(
            admin=request.user,
            unit=unit,
            year=data["year"],
            source=data["source"],
            data=data.get("plan_file"),
            template=data.get("template"),
            pics=data["pics"],
            ip=client_ip(request),
        )

    plan, status = _submitted(request, form, start)
    if plan is not None:
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

    @transaction.atomic
    def assign(data: dict):
        person = services.person_in_unit(
            unit=unit, email=data["email"], name=data["name"], role=Role.TPI
        )
        return evaluation_services.assessor_assign(
            admin=request.user,
            unit=unit,
            year=data["year"],
            assessor=person,
            is_lead=data["is_lead"],
            ip=client_ip(request),
        )

    assignment, status = _submitted(request, form, assign)
    if assignment is not None:
        messages.success(
            request,
            _("%(who)s ditugaskan menilai %(unit)s tahun %(year)s.")
            % {"who": assignment.assessor.name, "unit": unit.short_name, "year": assignment.year},
        )
        return redirect("ministry:assessors", pk=unit.pk)
    context = {
        "unit": unit,
        "form": form,
        "assignments": Assignment.objects.filter(unit=unit)
        .select_related("assessor")
        .order_by("-year", "-is_lead", "assessor__name"),
        "nav_active": "units",
    }
    return render(request, "ministry/assessors.html", context, status=status)
