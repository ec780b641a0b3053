"""Taking a survey's value into the unit's LKE answer (a POST from the LKE Hasil page or
from the survey page's LKE panel). Thin: access → service → back where it was asked,
with the outcome or the refusal as a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lke.validation import LkeRefused
from zi_portal.core.audit import client_ip
from zi_portal.core.parsing import whole_number

from .errors import SurveyRefused
from .lke_values import few_text, survey_lke_take
from .models import Survey


@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the survey's value into the unit's LKE answer of the posted year. A survey of
    another unit is not found; who may write the answer is the LKE's rule (the Hasil
    part: the Ketua Tim), refused with its reason."""
    survey = Survey.objects.in_unit(request.user).filter(pk=pk).first()
    if survey is None:
        raise Http404(_("Survei ini tidak ada."))
    year = whole_number(request.POST.get("tahun", "")) or survey.ends_on.year
    anchor = ""
    try:
        takeover = survey_lke_take(
            survey=survey, user=request.user, year=year, ip=client_ip(request)
        )
    except (SurveyRefused, LkeRefused) as exc:
        messages.error(request, str(exc))
    else:
        text = _("Nilai %(v)s dari %(title)s diambil ke jawaban LKE %(year)s soal %(soal)s.") % {
            "v": takeover.value,
            "title": survey.title,
            "year": year,
            "soal": takeover.soal_id,
        }
        if takeover.below_minimum:
            text += " " + _("Perhatian: nilai ini dari %(few)s.") % {"few": few_text()}
        messages.success(request, text)
        anchor = f"#soal-{takeover.soal_id}"
    if request.POST.get("kembali") == "lke":
        return redirect(reverse("lke:area", args=[year, "HASIL"]) + anchor)
    return redirect("surveys:detail", pk=survey.pk)
