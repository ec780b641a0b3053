"""Report pages: ask for a monev report or evidence bundle, watch it being built,
download it; the monev workbook; and the Ketua Tim's system status with undelivered
e-mails to send again. Thin: access → selectors/services → response."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplan.permissions import access_plan, access_selected_plan
from zi_portal.accounts.permissions import Action, can, require
from zi_portal.core import selectors as core_selectors
from zi_portal.core.errors import Refused
from zi_portal.core.exports import xlsx_response

from . import selectors, services
from .choices import ReportKind, ReportStatus
from .permissions import access_failed_message, access_ready_report
from .reports import lhe_request as queue_lhe
from .reports import report_request as queue_report
from .xlsx import monev_workbook

# What the request form offers: its value → (kind, quarter).
REPORT_CHOICES = {
    **{f"tw{n}": (ReportKind.QUARTERLY, n) for n in range(1, 5)},
    "tahunan": (ReportKind.ANNUAL, None),
    **{f"zip-tw{n}": (ReportKind.BUNDLE, n) for n in range(1, 5)},
    "zip-tahunan": (ReportKind.BUNDLE, None),
}


def report_list(request: HttpRequest) -> HttpResponse:
    """The reports page: ask for a report, watch its status, download it."""
    require(request.user, Action.DOWNLOAD_REPORTS)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    reports = selectors.reports_for(plan)
    busy = any(r.status in (ReportStatus.QUEUED, ReportStatus.BUILDING) for r in reports)
    return render(
        request,
        "monev/report_list.html",
        {
            "plan": plan,
            "reports": reports,
            "busy": busy,
            "nav_active": "reports",
            "may_request": can(request.user, Action.REQUEST_REPORT),
        },
    )


@require_POST
def report_request(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.REQUEST_REPORT)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    choice = request.POST.get("jenis", "")
    if plan is None or choice not in REPORT_CHOICES:
        messages.error(
            request, _("Pilih jenis laporan: TW I–IV, tahunan, atau paket bukti dukung.")
        )
        return redirect("monev:reports")
    kind, quarter = REPORT_CHOICES[choice]
    report = queue_report(plan=plan, kind=kind, quarter=quarter, user=request.user)
    messages.success(
        request,
        _("%(report)s dimasukkan ke antrean. Halaman ini diperbarui sendiri sampai laporan siap.")
        % {"report": report},
    )
    return redirect("monev:reports")


def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_ready_report(request.user, pk)
    name = report.download_name
    response = FileResponse(
        default_storage.open(report.file.name, "rb"),
        as_attachment=True,
        filename=name,
        content_type="application/zip" if name.endswith(".zip") else "application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def monev_xlsx(request: HttpRequest) -> HttpResponse:
    """The monev tables (status per item, findings) as one workbook."""
    require(request.user, Action.DOWNLOAD_REPORTS)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    return xlsx_response(
        monev_workbook(plan=plan, today=timezone.localdate()), f"monev-zi-{plan.year}.xlsx"
    )


def system_status(request: HttpRequest) -> HttpResponse:
    """For the Ketua Tim: are the database, the broker, the worker and beat alive; what
    waits in the outbox; what the storage check found; which e-mails failed?"""
    require(request.user, Action.VIEW_SYSTEM_STATUS)
    processes = core_selectors.worker_status_list()
    return render(
        request,
        "monev/system_status.html",
        {
            "database": core_selectors.database_vendor(),
            "broker": core_selectors.broker_status(),
            "workers": [p for p in processes if p.kind != "beat"],
            "beats": [p for p in processes if p.kind == "beat"],
            "outbox": core_selectors.outbox_summary(),
            "storage": core_selectors.storage_summary(),
            "heartbeat_seconds": int(settings.ZI_HEARTBEAT_SECONDS),
            "nav_active": "status",
            "failed_messages": selectors.failed_messages(user=request.user),
        },
    )


@require_POST
def message_resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = access_failed_message(request.user, pk)
    services.message_requeue(message=message)
    messages.success(
        request,
        _("Pesan untuk %(who)s dimasukkan kembali ke antrean.") % {"who": message.recipient.name},
    )
    return redirect("monev:status")


@require_POST
def lhe_request(request: HttpRequest, year: int) -> HttpResponse:
    """The lead assessor queues the unit's LHE; the worker builds it (Laporan page)."""
    plan = access_plan(request.user, year, Action.ASSESS_LKE)
    try:
        report = queue_lhe(plan=plan, user=request.user)
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:overview", year=year)
    messages.success(
        request,
        _("%(report)s dimasukkan ke antrean. Halaman ini diperbarui sendiri sampai laporan siap.")
        % {"report": report},
    )
    return redirect("monev:reports")
