"""Signed-in survey pages for the Ketua Tim, Kepala Pusbang and Asesor TPI: the list,
making a survey, the services, the questions, a survey's page with its results and the
responses kept apart, and the printable QR poster. Thin: access → selectors/services →
response; every refusal is a message on the page."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zi_portal.accounts.permissions import Action, can, require
from zi_portal.core.audit import client_ip
from zi_portal.core.headers import csp
from zi_portal.core.parsing import whole_number, whole_numbers

from . import scoring, selectors, services
from .choices import FlagReason, SurveyKind, SurveyStatus
from .errors import SurveyRefused
from .permissions import access_service, access_survey, survey_response
from .public import InlineCss
from .qr import qr_svg

POSTER_CSS = InlineCss("poster-a4", "poster-a5")


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def _public_url(request: HttpRequest, survey, service=None) -> str:
    url = request.build_absolute_uri(reverse("surveys:public_form", args=[survey.token]))
    return f"{url}?layanan={service.code}" if service is not None else url


def survey_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_SURVEYS)
    rows = list(selectors.surveys_for(request.user))
    today = timezone.localdate()
    for s in rows:
        s.current_phase = s.phase(today)
    return render(
        request,
        "surveys/survey_list.html",
        {
            "surveys": rows,
            "may_manage": can(request.user, Action.MANAGE_SURVEYS),
            "nav_active": "surveys",
        },
    )


def survey_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_SURVEYS)
    unit = request.user.unit
    if unit is None:
        raise Http404(_("Akun Anda belum terhubung ke unit kerja."))
    available = list(selectors.services_of(unit))
    errors: list[str] = []
    data = request.POST
    if request.method == "POST":
        chosen = set(whole_numbers(data.getlist("services")))
        quarter_raw = data.get("quarter", "").strip()
        try:
            survey = services.survey_create(
                unit=unit,
                user=request.user,
                kind=data.get("kind", ""),
                title=data.get("title", ""),
                starts_on=_date(data.get("starts_on", "")),
                ends_on=_date(data.get("ends_on", "")),
                quarter=whole_number(quarter_raw) if quarter_raw else None,
                services=[s for s in available if s.pk in chosen],
                ip=client_ip(request),
            )
        except SurveyRefused as exc:
            errors.append(exc.message)
        else:
            messages.success(
                request,
                _("Survei dibuat sebagai draf. Periksa pertanyaannya, lalu buka survei."),
            )
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/survey_form.html",
        {
            "errors": errors,
            "values": data,
            "chosen": set(whole_numbers(data.getlist("services"))),
            "kinds": SurveyKind.choices,
            "available": available,
            "nav_active": "surveys",
        },
    )


def service_list(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The unit's services; the form adds one, or changes ``pk``."""
    # A service of another unit is not found (404) before the role is asked (403).
    editing = access_service(request.user, pk) if pk is not None else None
    require(request.user, Action.MANAGE_SURVEYS)
    unit = request.user.unit
    if unit is None:
        raise Http404(_("Akun Anda belum terhubung ke unit kerja."))
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.service_save(
                unit=unit,
                user=request.user,
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
                population=whole_number(request.POST.get("population", "")),
                service=editing,
                ip=client_ip(request),
            )
        except SurveyRefused as exc:
            errors.append(exc.message)
        else:
            messages.success(request, _("Jenis layanan disimpan."))
            return redirect("surveys:services")
    rows = list(selectors.services_of(unit))
    for row in rows:
        row.target = scoring.sample_size(row.population)
    return render(
        request,
        "surveys/service_list.html",
        {
            "rows": rows,
            "editing": editing,
            "errors": errors,
            "values": request.POST if request.method == "POST" else None,
            "nav_active": "surveys",
        },
    )


def _act(request: HttpRequest, survey) -> str:
    """Carry out the action posted on a survey's page; returns what to tell the Ketua."""
    action, ip = request.POST.get("aksi", ""), client_ip(request)
    if action in ("buka", "tutup"):
        status = SurveyStatus.OPEN if action == "buka" else SurveyStatus.CLOSED
        services.survey_set_status(survey=survey, user=request.user, status=status, ip=ip)
        return _("Survei dibuka.") if action == "buka" else _("Survei ditutup.")
    response = survey_response(survey, whole_number(request.POST.get("response", "")))
    if action in ("kecualikan", "terima") and response is None:
        raise SurveyRefused(_("Respons yang dipilih bukan respons survei ini."))
    if action == "kecualikan":
        services.response_exclude(
            response=response, user=request.user, reason=request.POST.get("reason", ""), ip=ip
        )
        return _("Respons #%(id)s dikecualikan dari hasil.") % {"id": response.pk}
    if action == "terima":
        services.response_admit(
            response=response, user=request.user, note=request.POST.get("reason", ""), ip=ip
        )
        return _("Respons #%(id)s diterima dan kini dihitung.") % {"id": response.pk}
    raise SurveyRefused(_("Pilih tindakan yang akan dilakukan."))


def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access_survey(request.user, pk)
    errors: list[str] = []
    if request.method == "POST":
        require(request.user, Action.MANAGE_SURVEYS, survey)
        try:
            done = _act(request, survey)
        except SurveyRefused as exc:
            errors.append(exc.message)
        else:
            messages.success(request, done)
            return redirect("surveys:detail", pk=survey.pk)
    results = selectors.survey_results(survey)
    links = [(s.service, _public_url(request, survey, s.service)) for s in results.services]
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "phase": survey.phase(),
            "results": results,
            "links": links,
            "public_url": _public_url(request, survey),
            "results_url": request.build_absolute_uri(
                reverse("surveys:public_results", args=[survey.token])
            ),
            "waiting": list(selectors.waiting_responses(survey)),
            "excluded": list(selectors.excluded_responses(survey)),
            "admitted": list(selectors.admitted_responses(survey)),
            "flag_labels": dict(FlagReason.choices),
            "may_manage": can(request.user, Action.MANAGE_SURVEYS, survey),
            "errors": errors,
            "nav_active": "surveys",
        },
    )


def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access_survey(request.user, pk, Action.MANAGE_SURVEYS)
    questions = list(survey.questions.all())
    locked = survey.responses.exists()
    errors: list[str] = []
    if request.method == "POST":
        fields = ("text", "option_1", "option_2", "option_3", "option_4")
        wording = {
            q.pk: {f: request.POST.get(f"q{q.pk}-{f}", "") for f in fields} for q in questions
        }
        try:
            changed = services.questions_update(
                survey=survey, user=request.user, wording=wording, ip=client_ip(request)
            )
        except SurveyRefused as exc:
            errors.append(exc.message)
        else:
            messages.success(request, _("%(n)s pertanyaan diubah.") % {"n": changed})
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/question_form.html",
        {
            "survey": survey,
            "questions": questions,
            "locked": locked,
            "errors": errors,
            "nav_active": "surveys",
        },
    )


@csp(style_src=POSTER_CSS.style_src())
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable poster (A4 or A5) with the unit's name, the survey, the service and
    its public link as a QR code."""
    survey = access_survey(request.user, pk)
    code = request.GET.get("layanan", "")
    service = survey.services.filter(code=code).first() if code else None
    size = "a5" if request.GET.get("ukuran") == "a5" else "a4"
    url = _public_url(request, survey, service)
    return render(
        request,
        "surveys/poster.html",
        {
            "survey": survey,
            "service": service,
            "url": url,
            "qr": qr_svg(url),
            "size": size,
            "css": POSTER_CSS.text[f"poster-{size}"],
        },
    )
