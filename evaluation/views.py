"""The evaluation pages of the current unit: the overview (assessors, questions per
state and area), an area's questions with their rounds and forms, and the two writes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lke import selectors as lke_selectors
from lke.models import LkeQuestion, Side
from lke.summary import area_name
from workplan.choices import AREA_ORDER
from workplan.models import Pokja
from workplan.permissions import access_plan
from zi_portal.accounts.permissions import Action, can
from zi_portal.core.audit import client_ip
from zi_portal.core.errors import Refused

from . import pmpzi, selectors, services, stages
from .choices import Decision, QuestionState, StageKind
from .models import Round

HASIL = "HASIL"


def _code(code: str) -> str:
    code = code.upper()
    if code != HASIL and code not in AREA_ORDER:
        raise Http404(_("Area %(code)s tidak ada di LKE.") % {"code": code})
    return code


def overview(request: HttpRequest, year: int) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    master = lke_selectors.master_or_404(year)
    counts = selectors.state_counts(unit=plan.unit, master=master)
    team = selectors.assignments(unit=plan.unit, year=year)
    areas = [
        {
            "code": code,
            "name": area_name(code) if code != HASIL else _("Komponen Hasil"),
            "counts": [
                counts.get("" if code == HASIL else code, {}).get(state, 0)
                for state in QuestionState.values
            ],
        }
        for code in (*AREA_ORDER, HASIL)
    ]
    context = {
        "plan": plan,
        "areas": areas,
        "states": QuestionState.choices,
        "assignments": team,
        "waiting": selectors.sent_back_to(user=request.user, plan=plan),
        "stages": stages.stages_of(plan.unit, year),
        "pmpzi_deadline": pmpzi.deadline_of(year),
        "pmpzi_missing": pmpzi.missing_for(plan.unit, year, "WBK"),
        "is_lead": any(a.is_lead and a.assessor_id == request.user.pk for a in team),
        "stage_kinds": StageKind.choices,
        "may_decide": can(request.user, Action.ASSESS_LKE),
        "today": timezone.localdate(),
        "nav_active": "evaluation",
    }
    return render(request, "evaluation/overview.html", context)


@require_POST
def stage(request: HttpRequest, year: int) -> HttpResponse:
    plan = access_plan(request.user, year, Action.ASSESS_LKE)
    held_on = parse_date(request.POST.get("held_on") or "") if request.POST.get("held_on") else None
    try:
        row = stages.stage_record(
            user=request.user,
            unit=plan.unit,
            year=year,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
            held_on=held_on,
            ip=client_ip(request),
        )
    except ValueError:
        messages.error(request, _("Tanggal tidak valid. Tulis tanggal seperti 2026-11-20."))
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(stage)s dicatat: nilai asesor %(total)s.")
            % {"stage": row.get_kind_display(), "total": f"{row.figures['total']:.2f}"},
        )
    return redirect("evaluation:overview", year=year)


def area(request: HttpRequest, year: int, code: str) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    code = _code(code)
    master = lke_selectors.master_or_404(year)
    tree = lke_selectors.parsed_master(master)
    area_code = "" if code == HASIL else code
    questions = list(master.questions.filter(area_code=area_code).order_by("order"))
    rounds = selectors.rounds_by_question(unit=plan.unit, master=master, area_code=area_code)
    unit_answers = lke_selectors.answer_values(unit=plan.unit, master=master, side=Side.UNIT)
    tpi_answers = lke_selectors.answer_values(unit=plan.unit, master=master, side=Side.TPI)
    pokja = None
    if area_code:
        pokja = Pokja.objects.filter(plan=plan, area__code=area_code).first()
    may_reply = (
        can(request.user, Action.ANSWER_LKE, pokja)
        if pokja
        else can(request.user, Action.ANSWER_LKE_HASIL)
    )
    rows = []
    for q in questions:
        history = rounds.get(q.pk, [])
        rows.append(
            {
                "question": q,
                "text": tree.questions[q.soal_id].text,
                "unit": unit_answers.get(q.soal_id, ""),
                "tpi": tpi_answers.get(q.soal_id, ""),
                "rounds": history,
                "state": selectors.state_of(history),
            }
        )
    state = request.GET.get("status", "")
    if state in QuestionState.values:
        rows = [r for r in rows if r["state"] == state]
    context = {
        "plan": plan,
        "code": code,
        "name": area_name(code) if area_code else _("Komponen Hasil"),
        "rows": rows,
        "states": QuestionState.choices,
        "state": state,
        "decisions": Decision.choices,
        "may_decide": can(request.user, Action.ASSESS_LKE),
        "may_reply": may_reply,
        "area_codes": (*AREA_ORDER, HASIL),
        "nav_active": "evaluation",
    }
    return render(request, "evaluation/area.html", context)


def _back(request: HttpRequest, year: int, question: LkeQuestion) -> HttpResponse:
    code = question.area_code or HASIL
    return redirect(f"/evaluasi/{year}/{code}/#soal-{question.soal_id}")


@require_POST
def decide(request: HttpRequest, year: int, soal_id: int) -> HttpResponse:
    plan = access_plan(request.user, year, Action.ASSESS_LKE)
    master = lke_selectors.master_or_404(year)
    question = get_object_or_404(LkeQuestion, master=master, soal_id=soal_id)
    try:
        row = services.decide(
            user=request.user,
            unit=plan.unit,
            question=question,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
            ip=client_ip(request),
        )
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        if row.decision == Decision.SEND_BACK:
            text = _("Soal %(soal)s dikirim balik ke unit (putaran %(n)s); PIC-nya diberi tahu.")
        else:
            text = _("Soal %(soal)s dinyatakan sesuai (putaran %(n)s).")
        messages.success(request, text % {"soal": soal_id, "n": row.number})
    return _back(request, year, question)


@require_POST
def reply(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    row = get_object_or_404(
        Round.objects.restrict(request.user, Action.VIEW_LKE).select_related("question", "unit"),
        pk=pk,
        unit=plan.unit,
        question__master__year=year,
    )
    try:
        services.reply(user=request.user, row=row, text=request.POST.get("reply", ""),
                       ip=client_ip(request))  # fmt: skip
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Jawaban untuk soal %(soal)s dikirim ke asesor.") % {"soal": row.question.soal_id},
        )
    return _back(request, year, row.question)
