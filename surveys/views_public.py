"""The public pages, without sign-in: a survey's form and its results.

The form is one HTML request under 100 KB (its stylesheet inline, allowed by hash; no
script, no font, no image): on a 390 px phone every choice is a large tap target and it
works without JavaScript. A survey that is not open answers with what is the case: not
open yet (HTTP 200: come back later), or closed (HTTP 410 Gone: the form is gone for
good, which tells people, crawlers and a bench alike that nothing more is taken)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zi_portal.core.headers import csp
from zi_portal.core.parsing import whole_number

from . import public, selectors, services
from .choices import AgeBand, Education, Occupation, Sex
from .errors import SurveyRefused
from .models import Response, Survey

FORM_CSS = public.InlineCss("form")
PARTICULARS = {
    "age_band": AgeBand,
    "sex": Sex,
    "education": Education,
    "occupation": Occupation,
}


def _survey(token: str) -> Survey:
    survey = selectors.survey_by_token(token)
    if survey is None:
        raise Http404(_("Survei ini tidak ada. Periksa kembali tautan atau kode QR-nya."))
    return survey


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(
        request,
        f"surveys/public/{template}",
        {"css": FORM_CSS.text["form"], **context},
        status=status,
    )


def _not_open(request: HttpRequest, survey: Survey, phase: str) -> HttpResponse:
    return _page(
        request,
        "unavailable.html",
        {"survey": survey, "phase": phase},
        status=410 if phase == "closed" else 200,
    )


def _answers(request: HttpRequest, survey: Survey) -> dict[int, int]:
    values = {}
    for question in survey.questions.all():
        value = whole_number(request.POST.get(f"q{question.pk}", ""))
        if value is not None:
            values[question.pk] = value
    return values


def _particular_labels() -> list[tuple[str, str]]:
    return [
        ("age_band", _("Usia")),
        ("sex", _("Jenis kelamin")),
        ("education", _("Pendidikan terakhir")),
        ("occupation", _("Pekerjaan utama")),
    ]


def _with_choices(survey: Survey, data) -> list:
    """The questions, each with the value already chosen (a form sent back with errors
    keeps what was answered)."""
    questions = list(survey.questions.all())
    for question in questions:
        question.chosen = data.get(f"q{question.pk}", "")
    return questions


@login_not_required
@require_http_methods(["GET", "POST"])
@csp(style_src=FORM_CSS.style_src())
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    survey = _survey(token)
    phase = survey.phase()
    if phase != "open":
        return _not_open(request, survey, phase)
    device, new = public.device_id(request)
    digest = public.device_digest(survey, device)
    if Response.objects.filter(survey=survey, device_digest=digest).exists():
        return public.set_device_cookie(_page(request, "already.html", {"survey": survey}), device)
    errors: list[str] = []
    services_ = list(survey.services.all())
    data = request.POST
    if request.method == "POST":
        rate = public.rate_count(survey, public.address_digest(request))
        if rate.refused:
            return _page(request, "busy.html", {"survey": survey}, status=429)
        code = data.get("layanan", "")
        service = next((s for s in services_ if s.code == code), None)
        particulars = {k: data.get(k, "") for k in PARTICULARS}
        try:
            if service is None:
                raise SurveyRefused(_("Pilih jenis layanan yang Anda terima."))
            services.response_submit(
                survey=survey,
                service=service,
                answers=_answers(request, survey),
                particulars=particulars,
                flag_reason=public.flag_for(
                    honeypot=data.get(public.HONEYPOT, ""),
                    fast=public.too_fast(survey, data.get("mulai", "")),
                    rate=rate,
                ),
                device_digest=digest,
                address_digest=public.address_digest(request),
            )
        except SurveyRefused as exc:
            if exc.code == "duplicate":
                page = _page(request, "already.html", {"survey": survey})
                return public.set_device_cookie(page, device)
            errors.append(exc.message)
        else:
            page = _page(request, "thanks.html", {"survey": survey})
            return public.set_device_cookie(page, device)
    selected = data.get("layanan") or request.GET.get("layanan", "")
    page = _page(
        request,
        "form.html",
        {
            "survey": survey,
            "questions": _with_choices(survey, data),
            "services": services_,
            "selected_service": selected,
            "fixed_service": next((s for s in services_ if s.code == selected), None)
            if request.method == "GET"
            else None,
            "particulars": [
                (name, label, PARTICULARS[name].choices, data.get(name, ""))
                for name, label in _particular_labels()
            ],
            "errors": errors,
            "stamp": public.start_stamp(survey),
            "honeypot": public.HONEYPOT,
        },
    )
    return public.set_device_cookie(page, device) if new else page


@login_not_required
@require_http_methods(["GET"])
@csp(style_src=FORM_CSS.style_src())
def public_results(request: HttpRequest, token: str) -> HttpResponse:
    """Aggregates only: a service's numbers from ``PUBLIC_MIN_RESPONDENTS`` on."""
    survey = _survey(token)
    phase = survey.phase()
    if phase == "draft":
        return _not_open(request, survey, phase)
    return _page(
        request,
        "results.html",
        {
            "survey": survey,
            "results": selectors.survey_results(survey),
            "minimum": selectors.PUBLIC_MIN_RESPONDENTS,
        },
    )
