"""Findings pages: the list, recording a finding, a finding's page with the owner's
follow-up and the reviewers' decision, and an area's narrative form. Thin: access →
selector/service → response; every refusal is a message on the page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import EvidenceVersion
from workplan.choices import AREA_ORDER, QUARTER_LABELS
from workplan.models import Activity, ChangeArea, CommitmentCell, EvidenceRequirement
from workplan.permissions import access_plan, access_pokja, access_selected_plan
from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import Action, can, require

from . import findings
from .choices import FindingStatus
from .findings import FINDING_RELATIONS, FindingRefused
from .models import Finding

# Finding status → the evidence status badge with the same meaning (see zi.css).
STATUS_BADGE = {
    FindingStatus.OPEN: "st-missing",
    FindingStatus.IN_PROGRESS: "st-pending",
    FindingStatus.DONE: "st-approved",
    FindingStatus.NOT_ACCEPTED: "st-revise",
}
TARGETS = ("sel", "butir", "kegiatan")


def _decorate(rows: list[Finding], today: date) -> list[Finding]:
    """Attach what the templates show: badge class, overdue flag and target label."""
    for f in rows:
        f.badge_class = STATUS_BADGE.get(f.status, "st-missing")
        f.is_overdue = findings.is_past_due(f, today)
        if f.cell_id:
            f.target_label = _("Sel %(q)s · %(area)s") % {
                "q": f.cell.quarter.label,
                "area": f.cell.area.code,
            }
        elif f.requirement_id:
            f.target_label = _("Butir %(q)s no. %(n)s") % {
                "q": f.requirement.cell.quarter.label,
                "n": f.requirement.order,
            }
        elif f.activity_id:
            f.target_label = _("Kegiatan %(n)s") % {"n": f.activity.number}
        else:
            f.target_label = "—"
    return rows


def _owner_choices(plan: Any):
    return User.objects.filter(is_active=True).filter(
        Q(unit_id=plan.unit_id) | Q(unit__isnull=True)
    )


def finding_list(request: HttpRequest) -> HttpResponse:
    """Reviewers see every finding of the plan; everyone else the findings they own."""
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    reviewer = can(request.user, Action.RECORD_FINDING)
    status = request.GET.get("status", "")
    status = status if status in FindingStatus.values else ""
    area = request.GET.get("area", "").upper()
    area = area if area in AREA_ORDER else ""
    owner = request.GET.get("pj", "")
    owner = int(owner) if reviewer and owner.isdigit() else None
    rows = findings.findings_for(
        plan, status=status or None, area=area or None, owner=owner if reviewer else request.user
    )
    page = Paginator(rows, 50).get_page(request.GET.get("hal"))
    today = timezone.localdate()
    page.object_list = _decorate(list(page.object_list), today)
    query = request.GET.copy()
    query.pop("hal", None)
    return render(
        request,
        "monev/finding_list.html",
        {
            "plan": plan,
            "page": page,
            "today": today,
            "reviewer": reviewer,
            "may_record": reviewer,
            "statuses": FindingStatus.choices,
            "areas": AREA_ORDER,
            "owners": list(_owner_choices(plan).order_by("name")) if reviewer else [],
            "selected": {"status": status, "area": area, "owner": owner},
            "query": query.urlencode(),
            "nav_active": "findings",
        },
    )


def _parse_target(plan: Any, data) -> tuple[dict[str, Any], list[str]]:
    """The target chosen on the form: ({"cell"|"requirement"|"activity": obj}, errors)."""
    kind = data.get("sasaran", "")
    if kind == "sel":
        quarter, code = data.get("triwulan", ""), data.get("area", "").upper()
        if not quarter.isdigit() or int(quarter) not in QUARTER_LABELS or code not in AREA_ORDER:
            return {}, [_("Pilih triwulan dan area sel yang menjadi sasaran temuan.")]
        cell = (
            CommitmentCell.objects.filter(
                quarter__plan=plan, quarter__number=int(quarter), area__code=code
            )
            .select_related("quarter", "area")
            .first()
        )
        if cell is None:
            return {}, [
                _("Sel %(q)s · %(area)s tidak ada dalam rencana ini.")
                % {"q": QUARTER_LABELS[int(quarter)], "area": code}
            ]
        return {"cell": cell}, []
    if kind == "butir":
        raw = data.get("butir", "").strip().lstrip("#")
        requirement = (
            EvidenceRequirement.objects.filter(cell__quarter__plan=plan, pk=int(raw))
            .select_related("cell__quarter", "cell__area")
            .first()
            if raw.isdigit()
            else None
        )
        if requirement is None:
            return {}, [
                _("Butir evidence #%(id)s tidak ada dalam rencana ini.") % {"id": raw or "—"}
            ]
        return {"requirement": requirement}, []
    if kind == "kegiatan":
        raw = data.get("kegiatan", "")
        activity = (
            Activity.objects.filter(pokja__plan=plan, pk=int(raw))
            .select_related("pokja__area")
            .first()
            if raw.isdigit()
            else None
        )
        if activity is None:
            return {}, [_("Pilih kegiatan yang menjadi sasaran temuan.")]
        return {"activity": activity}, []
    return {}, [_("Pilih sasaran temuan: sel matriks, butir evidence, atau kegiatan.")]


def finding_create(request: HttpRequest) -> HttpResponse:
    """Ketua Tim, Kepala Pusbang and Asesor TPI record a finding."""
    require(request.user, Action.RECORD_FINDING)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    errors: list[str] = []
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        target, errors = _parse_target(plan, data)
        owner_id = data.get("owner", "")
        owner = User.objects.filter(pk=int(owner_id)).first() if owner_id.isdigit() else None
        if owner is None:
            errors.append(_("Pilih penanggung jawab."))
        try:
            due_date = date.fromisoformat(data.get("due_date", ""))
        except ValueError:
            due_date = None
            errors.append(_("Isi batas tindak lanjut dengan tanggal yang benar."))
        if not errors:
            try:
                finding = findings.finding_record(
                    plan=plan,
                    user=request.user,
                    description=data.get("description", ""),
                    recommendation=data.get("recommendation", ""),
                    owner=owner,
                    due_date=due_date,
                    **target,
                )
            except FindingRefused as exc:
                errors.append(exc.message)
            else:
                messages.success(
                    request,
                    _("Temuan dicatat. %(owner)s diminta menindaklanjuti paling lambat %(due)s.")
                    % {"owner": owner.name, "due": due_date.strftime("%d/%m/%Y")},
                )
                return redirect("findings:detail", pk=finding.pk)
    activities = Activity.objects.filter(pokja__plan=plan).select_related("pokja__area")
    return render(
        request,
        "monev/finding_form.html",
        {
            "plan": plan,
            "errors": errors,
            "values": data,
            "target": data.get("sasaran", "sel"),
            "quarters": sorted(QUARTER_LABELS.items()),
            "areas": list(ChangeArea.objects.order_by("order")),
            "activities": activities.order_by("pokja__area__order", "number"),
            "owners": _owner_choices(plan).order_by("name"),
            "min_date": timezone.localdate().isoformat(),
            "nav_active": "findings",
        },
    )


def _access_finding(user: Any, pk: int) -> Finding:
    finding = Finding.objects.select_related("plan__unit", *FINDING_RELATIONS).filter(pk=pk).first()
    unit_id = getattr(user, "unit_id", None)
    if finding is None or (unit_id and finding.plan.unit_id != unit_id):
        raise Http404(_("Temuan ini tidak ada."))
    if not (can(user, Action.RECORD_FINDING) or can(user, Action.FOLLOW_UP_FINDING, finding)):
        raise PermissionDenied(
            _("Temuan ini hanya dapat dibuka oleh penanggung jawabnya dan para peninjau.")
        )
    return finding


def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A finding with the owner's follow-up form and the reviewers' decision forms."""
    finding = _access_finding(request.user, pk)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("aksi", "")
        try:
            if action == "tindak_lanjut":
                findings.finding_follow_up(
                    finding=finding,
                    user=request.user,
                    follow_up=request.POST.get("follow_up", ""),
                    evidence_ids=[int(v) for v in request.POST.getlist("evidence") if v.isdigit()],
                    status=request.POST.get("status", ""),
                )
                done = _("Tindak lanjut disimpan.")
            elif action == "tolak":
                findings.finding_decide(
                    finding=finding,
                    user=request.user,
                    accept=False,
                    reason=request.POST.get("reason", ""),
                )
                done = _("Temuan ditandai tidak diterima.")
            elif action == "buka":
                findings.finding_decide(finding=finding, user=request.user, accept=True)
                done = _("Temuan dibuka kembali untuk ditindaklanjuti.")
            else:
                raise FindingRefused(_("Pilih tindakan yang akan dilakukan."))
        except FindingRefused as exc:
            errors.append(exc.message)
        else:
            messages.success(request, done)
            return redirect("findings:detail", pk=finding.pk)
    today = timezone.localdate()
    _decorate([finding], today)
    linked = list(finding.follow_up_evidence.select_related("requirement__cell__quarter"))
    may_follow_up = (
        can(request.user, Action.FOLLOW_UP_FINDING, finding)
        and finding.status in findings.WAITING_FOR_OWNER
    )
    versions: list = []
    if may_follow_up:
        recent = (
            EvidenceVersion.objects.filter(
                requirement__cell__quarter__plan_id=finding.plan_id,
                requirement__cell__area_id=finding.area_id,
                withdrawn_at__isnull=True,
            )
            .select_related("requirement__cell__quarter")
            .order_by("-uploaded_at")[:50]
        )
        versions = linked + [v for v in recent if v not in linked]
    checked = (
        {int(v) for v in request.POST.getlist("evidence") if v.isdigit()}
        if request.method == "POST"
        else {v.pk for v in linked}
    )
    reviewer = can(request.user, Action.RECORD_FINDING)
    return render(
        request,
        "monev/finding_detail.html",
        {
            "plan": finding.plan,
            "finding": finding,
            "linked": linked,
            "errors": errors,
            "values": request.POST,
            "may_follow_up": may_follow_up,
            "is_owner": finding.owner_id == request.user.pk,
            "follow_up_statuses": [
                (s.value, s.label) for s in (FindingStatus.IN_PROGRESS, FindingStatus.DONE)
            ],
            "versions": versions,
            "checked": checked,
            "may_reject": reviewer and finding.status != FindingStatus.NOT_ACCEPTED,
            "may_reopen": reviewer and finding.status not in findings.WAITING_FOR_OWNER,
            "nav_active": "findings",
        },
    )


def narrative_edit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The area's PIC (or the Ketua Tim) writes the year's good-practice and impact
    narratives for the annual report."""
    plan = access_plan(request.user, year)
    pokja = access_pokja(request.user, plan, code, Action.WRITE_NARRATIVE)
    narrative = findings.narrative_for(plan, pokja.area)
    errors: list[str] = []
    if request.method == "POST":
        try:
            findings.narrative_save(
                pokja=pokja,
                user=request.user,
                good_practice=request.POST.get("good_practice", ""),
                impact=request.POST.get("impact", ""),
            )
        except FindingRefused as exc:
            errors.append(exc.message)
            narrative.good_practice = request.POST.get("good_practice", "")
            narrative.impact = request.POST.get("impact", "")
        else:
            messages.success(
                request,
                _("Narasi area %(area)s tahun %(year)s disimpan.")
                % {"area": pokja.area.code, "year": plan.year},
            )
            return redirect(reverse("evidence:area", args=[plan.year, pokja.area.code]))
    return render(
        request,
        "monev/narrative_form.html",
        {
            "plan": plan,
            "pokja": pokja,
            "narrative": narrative,
            "errors": errors,
            "max_chars": findings.NARRATIVE_MAX_CHARS,
            "nav_active": "overview",
        },
    )
