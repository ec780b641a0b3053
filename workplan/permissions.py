"""Fetch a work-plan object for a user or refuse: 404 when it does not exist for the
user's unit, 403 when the user's role does not allow the action. Views never look
objects up by user-supplied ids themselves. The rules live in
``zi_portal.accounts.permissions``."""

from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from zi_portal.accounts.permissions import Action, require
from zi_portal.core.parsing import whole_number

from .models import Activity, Pokja, PokjaMember, WorkPlan
from .selectors import plan_for_year, plan_list


def access_plan(user: Any, year: int, action: Action = Action.VIEW_PLAN) -> WorkPlan:
    require(user, action)
    plan = plan_for_year(user=user, year=year)
    if plan is None:
        raise Http404(_("Belum ada rencana kerja untuk tahun %(year)s.") % {"year": year})
    return plan


def access_pokja(user: Any, plan: WorkPlan, code: str, action: Action = Action.VIEW_PLAN) -> Pokja:
    pokja = (
        Pokja.objects.select_related("area", "plan", "plan__unit")
        .filter(plan=plan, area__code=code.upper())
        .first()
    )
    if pokja is None:
        raise Http404(_("Area perubahan %(code)s tidak ada dalam rencana ini.") % {"code": code})
    require(user, action, pokja)
    return pokja


def access_activity(
    user: Any, plan: WorkPlan, pk: int, action: Action = Action.MANAGE_PLAN
) -> Activity:
    require(user, action)
    activity = (
        Activity.objects.select_related("pokja", "pokja__area")
        .filter(pokja__plan=plan, pk=pk)
        .first()
    )
    if activity is None:
        raise Http404(_("Kegiatan tidak ditemukan."))
    return activity


def access_member(user: Any, pokja: Pokja, pk: int) -> PokjaMember:
    """A membership of ``pokja`` (already accessed for managing its members)."""
    member = PokjaMember.objects.select_related("user", "pokja").filter(pokja=pokja, pk=pk).first()
    if member is None:
        raise Http404(_("Anggota pokja tidak ditemukan."))
    return member


def access_selected_plan(user: Any, year: str | None = None) -> WorkPlan | None:
    """The plan a page works on: the year named in ``?tahun=``, else this year's plan,
    else the newest the user may see (None when there is none)."""
    if whole_number(year) is not None:
        return access_plan(user, whole_number(year))
    require(user, Action.VIEW_PLAN)
    plans = list(plan_list(user=user)[:20])
    if not plans:
        return None
    this_year = timezone.localdate().year
    return next((p for p in plans if p.year == this_year), plans[0])
