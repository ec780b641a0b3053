"""The survey page's LKE panel: for an IPAK or IPKP survey, the value it would give the
unit's LKE (the Hasil question it answers), whether the unit's answer holds it, where
that answer came from, and the take-over button for who may write the answer."""

from __future__ import annotations

from django import template
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lke.models import LkeMaster, LkeQuestion, Side
from lke.permissions import require_answer_right
from lke.selectors import parsed_master

from ..lke_values import PART_OF_KIND, current_takeovers, few_text, offer_of, provenance_text

register = template.Library()


def _may_take(user, survey, master, soal_id: int) -> bool:
    question = LkeQuestion.objects.select_related("master").filter(master=master, soal_id=soal_id)
    question = question.first()
    if question is None:
        return False
    try:
        require_answer_right(user, unit=survey.unit, question=question, side=Side.UNIT)
    except (PermissionDenied, Http404):
        return False
    return True


@register.simple_tag(takes_context=True)
def survey_lke(context, survey) -> dict:
    """What the panel shows: ``{% survey_lke survey as lke %}``."""
    request = context["request"]
    panel: dict = {"kind_ok": survey.kind in PART_OF_KIND}
    if not panel["kind_ok"]:
        return panel
    # The LKE of the latest year the survey's period touches that has a master list.
    years = sorted({survey.starts_on.year, survey.ends_on.year}, reverse=True)
    masters = LkeMaster.objects.filter(year__in=years).only("pk", "sha256", "year")
    master = max(masters, key=lambda m: m.year, default=None)
    year = master.year if master else years[0]
    panel["year"] = year
    if master is None:
        return panel
    offer = offer_of(survey, parsed_master(master))
    if offer is None:
        return panel
    held = current_takeovers(survey.unit, year, [offer.soal_id]).get(offer.soal_id)
    panel.update(
        {
            "master": master,
            "offer": offer,
            "few_text": few_text(),
            "taken": bool(held and held.survey_id == survey.pk and held.value == offer.value),
            "provenance": provenance_text(held) if held else "",
            "may_take": bool(offer.value)
            and _may_take(request.user, survey, master, offer.soal_id),
        }
    )
    return panel
