"""LKE pages: the summary with the WBK/WBBM readiness checklist, one page per area
(and one for Hasil) where PICs answer and TPI assessors assess, answer history,
downloads, import, and the Ketua Tim's PortalRB settings. Thin: access → service."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from evidence.models import EvidenceVersion
from evidence.selectors import with_status
from workplan.choices import AREA_ORDER
from workplan.models import EvidenceRequirement, Pokja
from workplan.permissions import access_plan, access_selected_plan
from zi_portal.accounts.permissions import Action, can, require
from zi_portal.core.links import site_url

from . import scoring, services
from .forms import PredicateForm, ProposalForm, TokenForm
from .models import (
    LkeAnswerChange,
    LkeQuestion,
    PortalRBRequest,
    PortalRBToken,
    Predicate,
    Proposal,
    Side,
)
from .summary import area_name, summary_context

HASIL = "HASIL"


def _lke_or_404(plan) -> services.PlanLke:
    return services.plan_lke(plan, services.master_or_404(plan.year))


def index(request: HttpRequest) -> HttpResponse:
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        raise Http404(_("Belum ada rencana kerja."))
    return redirect("lke:summary", year=plan.year)


def summary(request: HttpRequest, year: int) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    lke = _lke_or_404(plan)
    context = summary_context(lke)
    context.update(
        {
            "plan": plan,
            "nav_active": "lke",
            "proposal": Proposal.objects.filter(unit=plan.unit, year=year).first(),
            "predicates": Predicate.objects.filter(unit=plan.unit),
            "may_manage": can(request.user, Action.MANAGE_LKE),
            "area_codes": AREA_ORDER,
        }
    )
    return render(request, "lke/summary.html", context)


# ---------------------------------------------------------------------------------------
# Area pages
# ---------------------------------------------------------------------------------------


def _answer_label(q: scoring.Question, answer) -> str:
    """ "A · <option text>" for a choice, the value itself for counts and surveys."""
    if answer is None or not answer.value:
        return ""
    for option in q.options:
        if option.key == answer.value and option.label != option.key:
            return f"{option.key} · {option.label}"
    return answer.value


@dataclass
class QuestionRow:
    q: scoring.Question
    unit: object  # LkeAnswer | None
    tpi: object
    unit_value: object
    tpi_value: object
    posted: dict | None = None
    error: str = ""
    unit_form: dict = field(default_factory=dict)
    tpi_form: dict = field(default_factory=dict)

    @property
    def unit_label(self) -> str:
        return _answer_label(self.q, self.unit)

    @property
    def tpi_label(self) -> str:
        return _answer_label(self.q, self.tpi)

    @property
    def uid(self) -> str:
        return f"u{self.q.soal_id}"

    @property
    def tid(self) -> str:
        return f"t{self.q.soal_id}"

    def __post_init__(self):
        def form(answer, side):
            if self.posted and self.posted["side"] == side:
                return {
                    **self.posted,
                    "evidence": set(self.posted["evidence"]),
                    "versions": set(self.posted["versions"]),
                }
            if answer is None:
                return {
                    "value": "",
                    "note": "",
                    "support": "",
                    "evidence": set(),
                    "versions": set(),
                }
            return {
                "value": answer.value,
                "note": answer.note,
                "support": answer.support,
                "evidence": {r.pk for r in answer.evidence_items.all()},
                "versions": {v.pk for v in answer.evidence_versions.all()},
            }

        self.unit_form = form(self.unit, Side.UNIT)
        self.tpi_form = form(self.tpi, Side.TPI)
        if self.posted and self.posted["side"] == Side.TPI:
            self.tpi_error, self.unit_error = self.error, ""
        else:
            self.unit_error, self.tpi_error = self.error, ""


@dataclass
class SubAreaBlock:
    node: scoring.Node
    unit: scoring.SubAreaScore
    tpi: scoring.SubAreaScore
    rows: list[QuestionRow] = field(default_factory=list)
    percents: list[dict] = field(default_factory=list)
    depth: int = 0
    is_half: bool = False


def _leaf_blocks(node, unit_sub, tpi_sub, ctx, depth=0):
    blocks = [SubAreaBlock(node, unit_sub, tpi_sub, depth=depth)]
    block = blocks[0]
    for q in node.questions:
        block.rows.append(
            QuestionRow(
                q=q,
                unit=ctx["unit_answers"].get(q.soal_id),
                tpi=ctx["tpi_answers"].get(q.soal_id),
                unit_value=ctx["u"].items.get(str(q.soal_id)),
                tpi_value=ctx["t"].items.get(str(q.soal_id)),
                posted=ctx["failed"].get(q.soal_id),
                error=ctx["failed"].get(q.soal_id, {}).get("error", ""),
            )
        )
    for p in node.percent_items:
        block.percents.append(
            {"item": p, "unit": ctx["u"].items.get(p.key), "tpi": ctx["t"].items.get(p.key)}
        )
    for child, uc, tc in zip(node.children, unit_sub.children, tpi_sub.children, strict=True):
        blocks += _leaf_blocks(child, uc, tc, ctx, depth + 1)
    return blocks


def _area_context(
    request, plan, code: str, failed: dict | None = None, only_soal: int | None = None
) -> dict:
    """The area page's context; ``only_soal``: just that question (its own page, with
    every evidence item of the area listed in its picker)."""
    lke = _lke_or_404(plan)
    code = code.upper()
    if code not in AREA_ORDER and code != HASIL:
        raise Http404(_("Area LKE %(code)s tidak dikenal.") % {"code": code})
    area_code = "" if code == HASIL else code
    unit_answers = services.answers_of(
        unit=plan.unit, master=lke.master, side=Side.UNIT, area_code=area_code
    )
    tpi_answers = services.answers_of(
        unit=plan.unit, master=lke.master, side=Side.TPI, area_code=area_code
    )
    ctx = {
        "unit_answers": unit_answers,
        "tpi_answers": tpi_answers,
        "u": lke.unit_score,
        "t": lke.tpi_score,
        "failed": failed or {},
    }
    halves = []
    if code == HASIL:
        may_answer = can(request.user, Action.ANSWER_LKE_HASIL)
        u, t = lke.unit_score, lke.tpi_score
        for part, unit_points, tpi_points in (
            (scoring.BERSIH, u.bersih, t.bersih),
            (scoring.PRIMA, u.prima, t.prima),
        ):
            node = lke.tree.hasil_nodes()[part]
            empty = scoring.SubAreaScore(node.node_id, node.name, node.weight, scoring.ZERO)
            blocks = _leaf_blocks(node, empty, empty, ctx)
            for block in blocks:
                block.is_half = True  # the sub_komponen holds its questions itself
            halves.append(
                {
                    "part": part,
                    "node": node,
                    "unit": scoring.HalfScore(node.node_id, part, unit_points, node.weight, []),
                    "tpi": scoring.HalfScore(node.node_id, part, tpi_points, node.weight, []),
                    "blocks": blocks,
                }
            )
        area_u = area_t = None
        evidence_cells = {"cell__quarter__plan": plan}
    else:
        pokja = Pokja.objects.filter(plan=plan, area__code=code).select_related("area").first()
        may_answer = pokja is not None and can(request.user, Action.ANSWER_LKE, pokja)
        area_u, area_t = lke.unit_score.area(code), lke.tpi_score.area(code)
        nodes = lke.tree.area_halves(code)
        for part, hu, ht in (
            (scoring.PEMENUHAN, area_u.pemenuhan, area_t.pemenuhan),
            (scoring.REFORM, area_u.reform, area_t.reform),
        ):
            blocks = []
            for node, su, st in zip(nodes[part].children, hu.sub_areas, ht.sub_areas, strict=True):
                blocks += _leaf_blocks(node, su, st, ctx)
            halves.append(
                {"part": part, "node": nodes[part], "unit": hu, "tpi": ht, "blocks": blocks}
            )
        evidence_cells = {"cell__quarter__plan": plan, "cell__area__code": code}
    evidence = []
    if may_answer:
        evidence = with_status(
            EvidenceRequirement.objects.filter(**evidence_cells)
            .select_related("cell__quarter", "cell__area")
            .order_by("cell__quarter__number", "cell__area__order", "order")
        )
    for half in halves:
        if only_soal is not None:
            for block in half["blocks"]:
                block.rows = [r for r in block.rows if r.q.soal_id == only_soal]
                block.percents = []
            half["blocks"] = [b for b in half["blocks"] if b.rows]
        for block in half["blocks"]:
            for row in block.rows:
                # The items already picked are rendered; the rest of the area's list is
                # added by lke-evidence.js from one <template> (or on the question's page).
                versions = row.unit_form["versions"]
                row.picked = [
                    item
                    for item in evidence
                    if item.pk in row.unit_form["evidence"]
                    or any(v.pk in versions for v in item.current)
                ]
    if only_soal is not None:
        halves = [h for h in halves if h["blocks"]]
    return {
        "plan": plan,
        "lke": lke,
        "code": code,
        "area_u": area_u,
        "area_name": area_name(code),
        "area_t": area_t,
        "halves": halves,
        "may_answer": may_answer,
        "may_assess": can(request.user, Action.ASSESS_LKE),
        "evidence_choices": evidence,
        "full_picker": only_soal is not None,
        "area_codes": AREA_ORDER + [HASIL],
        "nav_active": "lke",
    }


def area(request: HttpRequest, year: int, code: str) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    return render(request, "lke/area.html", _area_context(request, plan, code))


def _question_or_404(master, soal_id: int) -> LkeQuestion:
    return get_object_or_404(
        LkeQuestion.objects.select_related("master"), master=master, soal_id=soal_id
    )


def _require_answer_right(user, plan, question: LkeQuestion, side: str) -> None:
    if side == Side.TPI:
        require(user, Action.ASSESS_LKE)
    elif not question.area_code:
        require(user, Action.ANSWER_LKE_HASIL)
    else:
        pokja = Pokja.objects.filter(plan=plan, area__code=question.area_code).first()
        if pokja is None:
            raise Http404(_("Area ini tidak ada dalam rencana kerja."))
        require(user, Action.ANSWER_LKE, pokja)


def _ids(values: list[str]) -> list[int]:
    """The ASCII whole numbers among posted ids (``"²".isdigit()`` is True)."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 12]


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, year: int, soal_id: int) -> HttpResponse:
    """GET: the question on its own page (every evidence item listed, no script needed);
    POST: save the unit's or the TPI's answer."""
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    master = services.master_or_404(year)
    question = _question_or_404(master, soal_id)
    if request.method == "GET":
        code = question.area_code or HASIL
        context = _area_context(request, plan, code, only_soal=soal_id)
        return render(request, "lke/question.html", context)
    side = request.POST.get("side", Side.UNIT)
    if side not in Side.values:
        side = Side.UNIT
    _require_answer_right(request.user, plan, question, side)
    code = question.area_code or HASIL
    area_url = reverse("lke:area", args=[year, code]) + f"#soal-{soal_id}"
    evidence, versions, error = [], [], ""
    if side == Side.UNIT:
        allowed = EvidenceRequirement.objects.filter(cell__quarter__plan=plan)
        if question.area_code:
            allowed = allowed.filter(cell__area__code=question.area_code)
        wanted = set(_ids(request.POST.getlist("evidence")))
        evidence = list(allowed.filter(pk__in=wanted))
        wanted_versions = set(_ids(request.POST.getlist("version")))
        versions = list(
            EvidenceVersion.objects.filter(
                pk__in=wanted_versions, requirement__in=allowed
            ).select_related("requirement__cell__quarter")
        )
        if len(evidence) != len(wanted) or len(versions) != len(wanted_versions):
            error = _(
                "Sebagian butir evidence yang dipilih bukan milik area ini. Pilih butir dari "
                "daftar area ini saja."
            )
    try:
        if error:
            raise services.LkeRefused(error, soal_id=soal_id)
        _row, changed = services.answer_save(
            unit=plan.unit,
            question=question,
            side=side,
            user=request.user,
            value=request.POST.get("value", ""),
            note=request.POST.get("note", "")[:5000],
            support=request.POST.get("support", "")[:2000],
            evidence_items=evidence,
            evidence_versions=versions,
        )
    except services.LkeRefused as exc:
        posted = {
            "side": side,
            "value": request.POST.get("value", ""),
            "note": request.POST.get("note", ""),
            "support": request.POST.get("support", ""),
            "evidence": _ids(request.POST.getlist("evidence")),
            "versions": _ids(request.POST.getlist("version")),
            "error": exc.message,
        }
        context = _area_context(request, plan, code, failed={soal_id: posted})
        messages.error(request, _("Jawaban belum disimpan. %(m)s") % {"m": exc.message})
        return render(request, "lke/area.html", context, status=400)
    if changed:
        messages.success(request, _("Jawaban soal %(id)s disimpan.") % {"id": soal_id})
    else:
        messages.info(request, _("Tidak ada perubahan pada soal %(id)s.") % {"id": soal_id})
    return redirect(area_url)


def history(request: HttpRequest, year: int, soal_id: int) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    master = services.master_or_404(year)
    question = _question_or_404(master, soal_id)
    tree = services.parsed_master(master)
    changes = (
        LkeAnswerChange.objects.filter(answer__unit=plan.unit, answer__question=question)
        .select_related("answer", "changed_by")
        .order_by("-changed_at", "-pk")
    )
    return render(
        request,
        "lke/history.html",
        {
            "plan": plan,
            "q": tree.questions[soal_id],
            "code": question.area_code or HASIL,
            "changes": changes,
            "nav_active": "lke",
        },
    )


# ---------------------------------------------------------------------------------------
# Downloads and import
# ---------------------------------------------------------------------------------------


def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    if fmt not in ("json", "xlsx"):
        raise Http404(_("Unduhan tidak tersedia. Format yang ada: json dan xlsx."))
    master = services.master_or_404(year)
    stem = f"lke-zi-{year}-{plan.unit.code}"
    if fmt == "xlsx":
        from .xlsx import workbook_bytes

        response = HttpResponse(
            workbook_bytes(unit=plan.unit, master=master),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        doc = services.jawaban_unit(unit=plan.unit, master=master)
        response = HttpResponse(
            json.dumps(doc, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


MAX_IMPORT_BYTES = 5 * 1024 * 1024


def import_answers(request: HttpRequest, year: int) -> HttpResponse:
    plan = access_plan(request.user, year, Action.MANAGE_LKE)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Pilih berkas JSON jawaban-unit terlebih dahulu.")
        elif upload.size > MAX_IMPORT_BYTES:
            error = _(
                "Berkas terlalu besar (maksimal 5 MB); berkas jawaban-unit biasanya "
                "di bawah 200 KB."
            )
        else:
            try:
                result = services.import_jawaban_unit(upload.read(), user=request.user, year=year)
            except services.LkeRefused as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _("Impor selesai untuk %(unit)s: %(n)s jawaban berubah, %(m)s tetap.")
                    % {"unit": result.unit, "n": result.changed, "m": result.unchanged},
                )
                return redirect("lke:summary", year=year)
    return render(
        request,
        "lke/import.html",
        {"plan": plan, "error": error, "nav_active": "lke"},
        status=400 if error else 200,
    )


# ---------------------------------------------------------------------------------------
# PortalRB settings (Ketua Tim)
# ---------------------------------------------------------------------------------------


def portalrb(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    year = plan.year if plan else timezone.localdate().year
    new_token = request.session.pop("portalrb_new_token", None)
    return render(
        request,
        "lke/portalrb.html",
        {
            "plan": plan,
            "year": year,
            "tokens": PortalRBToken.objects.select_related("created_by", "revoked_by"),
            "new_token": new_token,
            "proposals": Proposal.objects.select_related("unit"),
            "predicates": Predicate.objects.select_related("unit"),
            "requests": PortalRBRequest.objects.select_related("token")[:20],
            "token_form": TokenForm(),
            "proposal_form": ProposalForm(initial={"year": year}),
            "predicate_form": PredicateForm(initial={"year": year - 1}),
            "base_url": site_url("/api/portalrb"),
            "nav_active": "lke",
        },
    )


@require_POST
def token_issue(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    form = TokenForm(request.POST)
    if form.is_valid():
        _token, raw = PortalRBToken.issue(name=form.cleaned_data["name"], user=request.user)
        # Only its SHA-256 is stored; the token itself waits in the session until the
        # next page shows it once.
        request.session["portalrb_new_token"] = raw
        messages.success(request, _("Token dibuat. Salin sekarang: token tidak ditampilkan lagi."))
    else:
        messages.error(request, _("Nama token wajib diisi (paling banyak 100 karakter)."))
    return redirect("lke:portalrb")


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    updated = PortalRBToken.objects.filter(pk=pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=request.user
    )
    if updated:
        messages.success(request, _("Token dicabut. PortalRB yang memakainya akan menerima 401."))
    else:
        messages.info(request, _("Token sudah dicabut sebelumnya."))
    return redirect("lke:portalrb")


@require_POST
def proposal_save(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    form = ProposalForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        Proposal.objects.update_or_create(
            unit=data["unit"],
            year=data["year"],
            defaults={"category": data["category"], "afirmasi": data["afirmasi"]},
        )
        messages.success(
            request,
            _("%(unit)s diusulkan untuk %(cat)s tahun %(year)s.")
            % {"unit": data["unit"], "cat": data["category"], "year": data["year"]},
        )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("lke:portalrb")


@require_POST
def proposal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    Proposal.objects.filter(pk=pk).delete()
    messages.success(request, _("Usulan dihapus."))
    return redirect("lke:portalrb")


@require_POST
def predicate_save(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.MANAGE_LKE)
    form = PredicateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        Predicate.objects.update_or_create(
            unit=data["unit"],
            kind=data["kind"],
            defaults={"year": data["year"], "decree": data["decree"]},
        )
        messages.success(request, _("Predikat dicatat."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("lke:portalrb")
