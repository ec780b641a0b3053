"""Evidence pages: an item's page (upload, versions, review), the review queue and the
audit trail. Thin: access → selector/service → response."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplan.choices import AREA_ORDER
from workplan.permissions import access_selected_plan
from zi_portal.accounts.permissions import Action, can, require
from zi_portal.core.audit import client_ip
from zi_portal.core.paging import paginate
from zi_portal.core.parsing import whole_number

from . import selectors, services
from .choices import Decision, ReviewState
from .downloads import version_file_response
from .forms import (
    AuditFilterForm,
    LinkForm,
    QueueFilterForm,
    ReviewForm,
    UploadMetaForm,
    WithdrawForm,
)
from .permissions import access_requirement, access_version
from .queue_rows import queue_rows
from .uploads import oversize_files
from .validation import EvidenceRefused, accepted_help, max_upload_bytes, too_large


def _item_url(requirement_id: int, anchor: str = "") -> str:
    return reverse("evidence:item", args=[requirement_id]) + (f"#{anchor}" if anchor else "")


def requirement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = access_requirement(request.user, pk)
    cell = requirement.cell
    item = selectors.item_with_status(requirement)
    history = selectors.item_history(requirement)
    return render(
        request,
        "evidence/requirement_detail.html",
        {
            "plan": cell.quarter.plan,
            "item": item,
            "cell": cell,
            "current": sorted((v for v in history if v.is_current), key=lambda v: v.file_no),
            "earlier": [v for v in history if not v.is_current],
            "revision": max(
                (
                    r
                    for v in history
                    if v.is_current and v.review_state == ReviewState.REVISE
                    for r in v.reviews.all()
                    if r.decision == Decision.REVISE
                ),
                key=lambda r: (r.created_at, r.pk),
                default=None,
            ),
            "history": history,
            "may_upload": can(request.user, Action.UPLOAD_EVIDENCE, cell),
            "may_withdraw": can(request.user, Action.WITHDRAW_EVIDENCE, cell),
            "may_review": can(request.user, Action.REVIEW_EVIDENCE),
            "meta_form": UploadMetaForm(),
            "link_form": LinkForm(),
            "accepted_help": accepted_help(),
            "max_bytes": max_upload_bytes(),
            "siblings": list(cell.requirements.order_by("order").values_list("pk", "order")),
            "upload_texts": {
                "waiting": _("Menunggu giliran"),
                "uploading": _("Mengunggah…"),
                "done": _("Berhasil: versi %(n)s"),
                "failed": _("Ditolak"),
                "network": _("Koneksi terputus. Tidak ada yang tersimpan; coba lagi."),
                "tooLarge": too_large("%(name)s", None).message,
                "reload": _("Muat ulang halaman untuk melihat versi baru"),
                "none": _("Pilih paling sedikit satu berkas untuk diunggah."),
            },
        },
    )


@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The page's upload form without JavaScript: several files, or one link."""
    requirement = access_requirement(request.user, pk, Action.UPLOAD_EVIDENCE)
    as_link = request.POST.get("kind") == "link" or (
        # A replacement may be a link instead of a file.
        request.POST.get("replaces")
        and request.POST.get("url", "").strip()
        and not request.FILES.getlist("file")
    )
    form = LinkForm(request.POST) if as_link else UploadMetaForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_item_url(pk, "unggah"))
    replaces = None
    if request.POST.get("replaces"):
        replaced = whole_number(request.POST["replaces"])
        if replaced is None:
            raise Http404
        replaces = access_version(request.user, replaced, Action.UPLOAD_EVIDENCE)
    common = {
        "requirement": requirement,
        "user": request.user,
        "note": form.cleaned_data["note"],
        "evidence_date": form.cleaned_data["evidence_date"],
        "replaces": replaces,
        "ip": client_ip(request),
    }
    if as_link:
        try:
            version = services.evidence_register_link(url=form.cleaned_data["url"], **common)
            messages.success(
                request, _("Tautan disimpan sebagai %(label)s.") % {"label": version.label}
            )
        except EvidenceRefused as exc:
            messages.error(request, exc.message)
        return redirect(_item_url(pk, "unggah"))
    for name in oversize_files(request):
        messages.error(request, too_large(name, None).message)
    files = request.FILES.getlist("file")
    if not files and not oversize_files(request):
        messages.error(
            request,
            _("Pilih paling sedikit satu berkas untuk diunggah. %(accepted)s")
            % {"accepted": accepted_help()},
        )
    for upload_file in files:
        try:
            version = services.evidence_upload_file(upload=upload_file, **common)
            messages.success(
                request,
                _("“%(name)s” diunggah sebagai %(label)s.")
                % {"name": version.original_name, "label": version.label},
            )
        except EvidenceRefused as exc:
            messages.error(request, exc.message)
        common["replaces"] = None  # a replacement applies to the first file only
    return redirect(_item_url(pk, "versi"))


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request.user, pk, Action.WITHDRAW_EVIDENCE)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.evidence_withdraw(
            version=version,
            user=request.user,
            reason=form.cleaned_data.get("reason", ""),
            ip=client_ip(request),
        )
        messages.success(
            request,
            _("%(label)s ditarik. Berkas ini tetap tersimpan di riwayat.")
            % {"label": version.label},
        )
    except EvidenceRefused as exc:
        messages.error(request, exc.message)
    return redirect(_item_url(version.requirement_id, "versi"))


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request.user, pk, Action.REVIEW_EVIDENCE)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih keputusan reviu: Disetujui atau Perlu revisi."))
    else:
        try:
            result = services.evidence_review(
                version=version,
                user=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                ip=client_ip(request),
            )
            messages.success(
                request,
                _("%(label)s: %(decision)s.")
                % {"label": version.label, "decision": result.get_decision_display()},
            )
        except EvidenceRefused as exc:
            messages.error(request, exc.message)
    back = request.POST.get("next")
    if back == "queue":
        return redirect(reverse("evidence:queue") + "?" + request.POST.get("query", ""))
    return redirect(_item_url(version.requirement_id, f"v{version.number}"))


def download(request: HttpRequest, pk: int) -> HttpResponse:
    return version_file_response(access_version(request.user, pk))


def _current_plan(request: HttpRequest):
    return access_selected_plan(request.user, request.GET.get("tahun"))


def review_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.REVIEW_EVIDENCE)
    plan = _current_plan(request)
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    form = QueueFilterForm(request.GET or None, area_codes=AREA_ORDER)
    filters = form.cleaned_data if form.is_valid() else {}
    state = filters.get("state") or ReviewState.PENDING
    versions = selectors.queue_versions(
        plan=plan,
        area=filters.get("area") or None,
        quarter=filters.get("quarter"),
        state=None if state == "all" else state,
    )
    page, query = paginate(request, versions.values_list("pk", flat=True), 50)
    return render(
        request,
        "evidence/review_queue.html",
        {
            "plan": plan,
            "form": form,
            "page": page,
            "rows": queue_rows(request, list(page.object_list), query),
            "nav_active": "queue",
            "query": query,
            "review_form": ReviewForm(),
            "per_area": selectors.progress_by_area(plan),
        },
    )


def audit_trail(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_AUDIT)
    users = selectors.audit_people(user=request.user)
    form = AuditFilterForm(request.GET or None, area_codes=AREA_ORDER, users=users)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_list(
        user=request.user,
        requirement=filters.get("requirement"),
        item_text=filters.get("butir") or None,
        area=filters.get("area") or None,
        person=int(filters["user"]) if filters.get("user") else None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page, query = paginate(request, events, 100)
    return render(
        request,
        "evidence/audit_list.html",
        {
            "form": form,
            "page": page,
            "nav_active": "audit",
            "query": query,
            "plan": _current_plan(request) if request.GET.get("tahun") is None else None,
        },
    )
