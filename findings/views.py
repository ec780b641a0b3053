"""Findings pages: the list, recording a finding, and a finding's page with the owner's
follow-up and the reviewers' decision. Thin: access → selectors/services → response;
every refusal is a message on the page."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from workplan.choices import AREA_ORDER, QUARTER_LABELS
from workplan.models import ChangeArea
from workplan.permissions import access_selected_plan
from zi_portal.accounts.permissions import Action, can, require
from zi_portal.core.audit import client_ip
from zi_portal.core.paging import paginate
from zi_portal.core.parsing import whole_number, whole_numbers

from . import selectors, services
from .choices import WAITING_FOR_OWNER, FindingStatus
from .models import Finding
from .permissions import access_finding
from .services import FindingRefused

# Finding status → the evidence status badge with the same meaning (see zi.css).
STATUS_BADGE = {
    FindingStatus.OPEN: "st-missing",
    FindingStatus.IN_PROGRESS: "st-pending",
    FindingStatus.DONE: "st-approved",
    FindingStatus.NOT_ACCEPTED: "st-revise",
}


def _decorate(rows: list[Finding], today: date) -> list[Finding]:
    """Attach what the templates show: badge class, late flag and target label."""
    for f in rows:
        f.badge_class = STATUS_BADGE.get(f.status, "st-missing")
        f.is_overdue = selectors.is_past_due(f, today)
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
    owner = whole_number(owner) if reviewer else None
    rows = selectors.findings_for(
        plan, status=status or None, area=area or None, owner=owner if reviewer else request.user
    )
    page, query = paginate(request, rows, 50)
    today = timezone.localdate()
    page.object_list = _decorate(list(page.object_list), today)
    return render(
        request,
        "findings/finding_list.html",
        {
            "plan": plan,
            "page": page,
            "today": today,
            "reviewer": reviewer,
            "may_record": reviewer,
            "statuses": FindingStatus.choices,
            "areas": AREA_ORDER,
            "owners": list(selectors.owner_choices(plan).order_by("name")) if reviewer else [],
            "selected": {"status": status, "area": area, "owner": owner},
            "query": query,
            "nav_active": "findings",
        },
    )


def finding_create(request: HttpRequest) -> HttpResponse:
    """Ketua Tim, Kepala Pusbang and Asesor TPI record a finding."""
    require(request.user, Action.RECORD_FINDING)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    errors: list[str] = []
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        target, errors = selectors.finding_target(plan, data)
        owner = selectors.owner_of(plan, data.get("owner", ""))
        if owner is None:
            errors.append(_("Pilih penanggung jawab."))
        try:
            due_date = date.fromisoformat(data.get("due_date", ""))
        except ValueError:
            due_date = None
            errors.append(_("Isi batas tindak lanjut dengan tanggal yang benar."))
        if not errors:
            try:
                finding = services.finding_record(
                    plan=plan,
                    user=request.user,
                    description=data.get("description", ""),
                    recommendation=data.get("recommendation", ""),
                    owner=owner,
                    due_date=due_date,
                    ip=client_ip(request),
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
    return render(
        request,
        "findings/finding_form.html",
        {
            "plan": plan,
            "errors": errors,
            "values": data,
            "target": data.get("sasaran", "sel"),
            "quarters": sorted(QUARTER_LABELS.items()),
            "areas": list(ChangeArea.objects.order_by("order")),
            "activities": selectors.plan_activities(plan),
            "owners": selectors.owner_choices(plan).order_by("name"),
            "min_date": timezone.localdate().isoformat(),
            "nav_active": "findings",
        },
    )


def _act(request: HttpRequest, finding: Finding) -> str:
    """Carry out the action posted on a finding's page; returns what to tell the person."""
    action, ip = request.POST.get("aksi", ""), client_ip(request)
    if action == "tindak_lanjut":
        services.finding_follow_up(
            finding=finding,
            user=request.user,
            follow_up=request.POST.get("follow_up", ""),
            evidence_ids=whole_numbers(request.POST.getlist("evidence")),
            status=request.POST.get("status", ""),
            ip=ip,
        )
        return _("Tindak lanjut disimpan.")
    if action == "tolak":
        services.finding_decide(
            finding=finding,
            user=request.user,
            accept=False,
            reason=request.POST.get("reason", ""),
            ip=ip,
        )
        return _("Temuan ditandai tidak diterima.")
    if action == "buka":
        services.finding_decide(finding=finding, user=request.user, accept=True, ip=ip)
        return _("Temuan dibuka kembali untuk ditindaklanjuti.")
    raise FindingRefused(_("Pilih tindakan yang akan dilakukan."))


def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A finding with the owner's follow-up form and the reviewers' decision forms."""
    finding = access_finding(request.user, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            done = _act(request, finding)
        except FindingRefused as exc:
            errors.append(exc.message)
        else:
            messages.success(request, done)
            return redirect("findings:detail", pk=finding.pk)
    _decorate([finding], timezone.localdate())
    may_follow_up = (
        can(request.user, Action.FOLLOW_UP_FINDING, finding) and finding.status in WAITING_FOR_OWNER
    )
    versions = selectors.follow_up_choices(finding) if may_follow_up else []
    linked = list(finding.follow_up_evidence.select_related("requirement__cell__quarter"))
    checked = (
        set(whole_numbers(request.POST.getlist("evidence")))
        if request.method == "POST"
        else {v.pk for v in linked}
    )
    reviewer = can(request.user, Action.RECORD_FINDING)
    return render(
        request,
        "findings/finding_detail.html",
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
            "may_reopen": reviewer and finding.status not in WAITING_FOR_OWNER,
            "nav_active": "findings",
        },
    )
