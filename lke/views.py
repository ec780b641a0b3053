"""LKE pages: the summary with the WBK/WBBM readiness checklist, one page per area (and
one for Hasil) where PICs answer and TPI assessors assess, answer history, downloads
and import. Thin: access → selectors/services → response. The Ketua Tim's PortalRB
settings are in ``views_portalrb.py``."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from workplan.choices import AREA_ORDER
from workplan.permissions import access_plan, access_selected_plan
from zi_portal.accounts.permissions import Action, can
from zi_portal.core.audit import client_ip
from zi_portal.core.exports import xlsx_response
from zi_portal.core.parsing import whole_numbers

from . import import_preview, importing, selectors, services
from .area_cache import area_page
from .area_page import HASIL, area_context, saved_state
from .exchange import jawaban_unit
from .models import Side
from .permissions import access_question
from .summary import summary_context
from .validation import LkeRefused
from .xlsx import workbook_bytes

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def index(request: HttpRequest) -> HttpResponse:
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        raise Http404(_("Belum ada rencana kerja."))
    return redirect("lke:summary", year=plan.year)


def summary(request: HttpRequest, year: int) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    context = summary_context(selectors.plan_lke(plan, selectors.master_or_404(year)))
    context.update(
        {
            "plan": plan,
            "nav_active": "lke",
            **selectors.proposal_and_predicates(unit=plan.unit, year=year),
            "may_manage": can(request.user, Action.MANAGE_LKE),
            "area_codes": AREA_ORDER,
        }
    )
    return render(request, "lke/summary.html", context)


def area(request: HttpRequest, year: int, code: str) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    return render(request, "lke/area.html", area_page(request, plan, code))


def _ids(values: list[str]) -> set[int]:
    """The ASCII whole numbers among posted ids (``"²".isdigit()`` is True)."""
    return set(whole_numbers(values))


def _wants_json(request: HttpRequest) -> bool:
    """A save sent by lke-autosave.js (it asks for JSON); a plain form post gets pages."""
    return "application/json" in request.headers.get("Accept", "") or request.headers.get(
        "X-Requested-With", ""
    ) in ("fetch", "XMLHttpRequest")


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, year: int, soal_id: int) -> HttpResponse:
    """GET: the question on its own page (every evidence item listed, no script needed);
    POST: save the unit's or the TPI's answer (as JSON for lke-autosave.js: the page's
    texts that changed, or the refusal in the user's language)."""
    if request.method == "POST" and _wants_json(request):
        try:
            return _answer(request, year, soal_id, as_json=True)
        except PermissionDenied as exc:
            return JsonResponse({"ok": False, "error": str(exc)}, status=403)
        except Http404 as exc:
            message = exc.args[0] if exc.args else _("Halaman tidak ditemukan.")
            return JsonResponse({"ok": False, "error": str(message)}, status=404)
    return _answer(request, year, soal_id, as_json=False)


def _answer(request: HttpRequest, year: int, soal_id: int, *, as_json: bool) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    question = access_question(selectors.master_or_404(year), soal_id)
    code = question.area_code or HASIL
    if request.method == "GET":
        context = area_context(user=request.user, plan=plan, code=code, only_soal=soal_id)
        return render(request, "lke/question.html", context)
    side = request.POST.get("side", Side.UNIT)
    side = side if side in Side.values else Side.UNIT
    item_ids, version_ids = (
        _ids(request.POST.getlist("evidence")),
        _ids(request.POST.getlist("version")),
    )
    try:
        items, versions = [], []
        if side == Side.UNIT:
            items, versions, complete = selectors.picked_evidence(
                plan=plan, question=question, item_ids=item_ids, version_ids=version_ids
            )
            if not complete:
                raise LkeRefused(
                    _(
                        "Sebagian butir bukti dukung yang dipilih bukan milik area ini. "
                        "Pilih butir dari daftar area ini saja."
                    ),
                    soal_id=soal_id,
                )
        _row, changed = services.answer_save(
            unit=plan.unit,
            question=question,
            side=side,
            user=request.user,
            value=request.POST.get("value", ""),
            note=request.POST.get("note", "")[:5000],
            support=request.POST.get("support", "")[:2000],
            evidence_items=items,
            evidence_versions=versions,
            ip=client_ip(request),
        )
    except LkeRefused as exc:
        if as_json:
            return JsonResponse({"ok": False, "error": exc.message}, status=400)
        posted = {
            "side": side,
            "value": request.POST.get("value", ""),
            "note": request.POST.get("note", ""),
            "support": request.POST.get("support", ""),
            "evidence": sorted(item_ids),
            "versions": sorted(version_ids),
            "error": exc.message,
        }
        context = area_context(user=request.user, plan=plan, code=code, failed={soal_id: posted})
        messages.error(request, _("Jawaban belum disimpan. %(m)s") % {"m": exc.message})
        return render(request, "lke/area.html", context, status=400)
    if as_json:
        state = saved_state(user=request.user, plan=plan, code=code, soal_id=soal_id)
        return JsonResponse({"ok": True, "changed": changed, "side": side, **state})
    if changed:
        messages.success(request, _("Jawaban soal %(id)s disimpan.") % {"id": soal_id})
    else:
        messages.info(request, _("Tidak ada perubahan pada soal %(id)s.") % {"id": soal_id})
    return redirect(reverse("lke:area", args=[year, code]) + f"#soal-{soal_id}")


def history(request: HttpRequest, year: int, soal_id: int) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    master = selectors.master_or_404(year)
    question = access_question(master, soal_id)
    return render(
        request,
        "lke/history.html",
        {
            "plan": plan,
            "q": selectors.parsed_master(master).questions[soal_id],
            "code": question.area_code or HASIL,
            "changes": selectors.answer_history(unit=plan.unit, question=question),
            "nav_active": "lke",
        },
    )


def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    plan = access_plan(request.user, year, Action.VIEW_LKE)
    if fmt not in ("json", "xlsx"):
        raise Http404(_("Unduhan tidak tersedia. Format yang ada: json dan xlsx."))
    master = selectors.master_or_404(year)
    stem = f"lke-zi-{year}-{plan.unit.code}"
    if fmt == "xlsx":
        return xlsx_response(workbook_bytes(unit=plan.unit, master=master), f"{stem}.xlsx")
    doc = jawaban_unit(unit=plan.unit, master=master)
    response = HttpResponse(
        json.dumps(doc, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    return response


def import_answers(request: HttpRequest, year: int) -> HttpResponse:
    """Upload a jawaban-unit file, see what it would change in each mode, then apply it.
    The checked file waits in the cache between the two steps (``import_preview``)."""
    plan = access_plan(request.user, year, Action.MANAGE_LKE)
    error, context = "", {}
    if request.method == "POST" and request.POST.get("pratinjau"):
        token, mode = request.POST["pratinjau"], request.POST.get("mode", "")
        raw = import_preview.load(request.user, token)
        if raw is None:
            error = _(
                "Pratinjau impor sudah kedaluwarsa (30 menit) atau sudah diterapkan; "
                "unggah ulang berkasnya."
            )
        elif mode not in importing.MODES:
            error = _(
                "Pilih cara impor: “ganti semua jawaban” atau “hanya soal yang ada di berkas”."
            )
            context = import_preview.context(raw, user=request.user, year=year, token=token)
        else:
            try:
                result = importing.import_jawaban_unit(
                    raw, user=request.user, year=year, ip=client_ip(request), mode=mode
                )
            except LkeRefused as exc:
                error = exc.message
            else:
                import_preview.drop(request.user, token)
                messages.success(request, import_preview.done_message(result))
                return redirect("lke:summary", year=year)
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Pilih berkas JSON jawaban-unit terlebih dahulu.")
        elif upload.size > MAX_IMPORT_BYTES:
            error = _(
                "Berkas terlalu besar (maksimal 5 MB); berkas jawaban-unit biasanya "
                "di bawah 200 KB."
            )
        else:
            raw = upload.read()
            try:
                context = import_preview.context(raw, user=request.user, year=year)
            except LkeRefused as exc:
                error = exc.message
    template = "lke/import_preview.html" if context else "lke/import.html"
    return render(
        request,
        template,
        {"plan": plan, "error": error, "nav_active": "lke", **context},
        status=400 if error else 200,
    )
