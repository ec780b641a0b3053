"""Notification pages: the list with its unread count, marking read, the digest
preference, and (for the Ketua Tim) re-sending a failed e-mail."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi_portal.accounts.permissions import Action, require

from . import services
from .choices import MessageStatus
from .models import Message, Notification


def notification_list(request: HttpRequest) -> HttpResponse:
    notes = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(notes, 30).get_page(request.GET.get("hal"))
    return render(
        request,
        "monev/notification_list.html",
        {"page": page, "nav_active": "notifications", "query": ""},
    )


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=note.pk)
    target = note.url or ""
    if request.POST.get("open") and target:
        path = "/" + target.split("://", 1)[-1].split("/", 1)[-1] if "://" in target else target
        if url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
            return redirect(path)
    return redirect("monev:notifications")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_read(user=request.user)
    messages.success(request, _("%(n)s notifikasi ditandai sudah dibaca.") % {"n": count})
    return redirect("monev:notifications")


def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        receive = request.POST.get("receive_digest") == "on"
        services.digest_preference_set(user=request.user, receive=receive)
        messages.success(
            request,
            _("Ringkasan mingguan akan dikirim.")
            if receive
            else _(
                "Ringkasan mingguan tidak akan dikirim lagi. Pemberitahuan keterlambatan "
                "butir milik Anda tetap dikirim."
            ),
        )
        return redirect("monev:preferences")
    return render(request, "monev/preferences.html", {"nav_active": "notifications"})


@require_POST
def message_resend(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_SYSTEM_STATUS)
    message = get_object_or_404(Message, pk=pk, status=MessageStatus.FAILED)
    services.message_requeue(message=message)
    messages.success(
        request,
        _("Pesan untuk %(who)s dimasukkan kembali ke antrean.") % {"who": message.recipient.name},
    )
    return redirect("system_status")


def dashboard(request: HttpRequest) -> HttpResponse:
    """The Kepala Pusbang's view of where the programme stands (also Ketua Tim and TPI)."""
    from django.utils import timezone

    from workplan.permissions import access_selected_plan

    from . import dashboard as numbers

    require(request.user, Action.VIEW_DASHBOARD)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    context = numbers.build(
        plan=plan, today=timezone.localdate(), sort=request.GET.get("urut", "days")
    )
    from .reports import lke_summary

    context.update({"plan": plan, "nav_active": "dashboard", "lke": lke_summary(plan)})
    return render(request, "monev/dashboard.html", context)


def realisation_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """The area's PIC records, per month, whether a planned activity took place."""
    from evidence.models import EvidenceVersion
    from workplan.models import Activity
    from workplan.permissions import access_plan
    from zi_portal.core.audit import client_ip

    from .choices import Realisation
    from .models import ActivityRealisation

    plan = access_plan(request.user, year)
    activity = get_object_or_404(
        Activity.objects.select_related("pokja__area", "pokja__plan"), pokja__plan=plan, pk=pk
    )
    require(request.user, Action.RECORD_REALISATION, activity.pokja)
    errors = []
    if request.method == "POST":
        month = request.POST.get("month", "")
        status = request.POST.get("status", "")
        if not month.isdigit() or not 1 <= int(month) <= 12:
            errors.append(_("Pilih bulan Jan–Des."))
        if status not in Realisation.values:
            errors.append(_("Pilih realisasi: Terlaksana, Sebagian, atau Tidak terlaksana."))
        if not errors:
            services.realisation_record(
                activity=activity,
                month=int(month),
                status=status,
                note=request.POST.get("note", "")[:1000],
                user=request.user,
                evidence_ids=[int(v) for v in request.POST.getlist("evidence") if v.isdigit()],
                ip=client_ip(request),
            )
            messages.success(
                request,
                _("Realisasi kegiatan %(no)s %(area)s disimpan.")
                % {"no": activity.number, "area": activity.pokja.area.code},
            )
            from django.urls import reverse

            return redirect(
                reverse("workplan:activities", args=[plan.year])
                + f"#area-{activity.pokja.area.code}"
            )
    from workplan.choices import MONTH_NAMES

    recorded = {
        r.month: r
        for r in ActivityRealisation.objects.filter(activity=activity).prefetch_related("evidence")
    }
    versions = (
        EvidenceVersion.objects.filter(
            requirement__cell__quarter__plan=plan,
            requirement__cell__area=activity.pokja.area,
            withdrawn_at__isnull=True,
        )
        .select_related("requirement__cell__quarter")
        .order_by("-uploaded_at")[:50]
    )
    return render(
        request,
        "monev/realisation_form.html",
        {
            "plan": plan,
            "activity": activity,
            "errors": errors,
            "versions": versions,
            "months": [
                (i, name, i in activity.months, recorded.get(i))
                for i, name in enumerate(MONTH_NAMES, start=1)
            ],
            "choices": Realisation.choices,
            "nav_active": "activities",
            "selected_month": request.POST.get("month") or request.GET.get("bulan", ""),
        },
    )


def report_list(request: HttpRequest) -> HttpResponse:
    """The reports page: ask for a report, watch its status, download it."""
    from workplan.permissions import access_selected_plan
    from zi_portal.accounts.permissions import can

    from .models import Report

    require(request.user, Action.DOWNLOAD_REPORTS)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    reports = list(
        Report.objects.filter(plan=plan)
        .select_related("requested_by")
        .order_by("-requested_at")[:100]
    )
    busy = any(r.status in ("queued", "building") for r in reports)
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
    from workplan.permissions import access_selected_plan

    from .choices import ReportKind
    from .reports import report_request as queue_report

    require(request.user, Action.REQUEST_REPORT)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    choice = request.POST.get("jenis", "")
    kinds = {
        "tw1": (ReportKind.QUARTERLY, 1),
        "tw2": (ReportKind.QUARTERLY, 2),
        "tw3": (ReportKind.QUARTERLY, 3),
        "tw4": (ReportKind.QUARTERLY, 4),
        "tahunan": (ReportKind.ANNUAL, None),
    }
    kinds.update({f"zip-tw{n}": (ReportKind.BUNDLE, n) for n in range(1, 5)})
    kinds["zip-tahunan"] = (ReportKind.BUNDLE, None)
    if plan is None or choice not in kinds:
        messages.error(request, _("Pilih jenis laporan: TW I–IV, tahunan, atau paket evidence."))
        return redirect("monev:reports")
    kind, quarter = kinds[choice]
    report = queue_report(plan=plan, kind=kind, quarter=quarter, user=request.user)
    messages.success(
        request,
        _("%(report)s dimasukkan ke antrean. Halaman ini diperbarui sendiri sampai laporan siap.")
        % {"report": report},
    )
    return redirect("monev:reports")


def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    from django.core.files.storage import default_storage
    from django.http import FileResponse, Http404

    from .choices import ReportStatus
    from .models import Report

    require(request.user, Action.DOWNLOAD_REPORTS)
    report = get_object_or_404(Report.objects.select_related("plan__unit"), pk=pk)
    unit_id = getattr(request.user, "unit_id", None)
    if (unit_id and report.plan.unit_id != unit_id) or report.status != ReportStatus.READY:
        raise Http404(_("Laporan ini tidak ada atau belum siap."))
    name = report.file.name.rsplit("/", 1)[-1]
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
    from django.utils import timezone

    from workplan.permissions import access_selected_plan

    from .xlsx import monev_workbook

    require(request.user, Action.DOWNLOAD_REPORTS)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    response = HttpResponse(
        monev_workbook(plan=plan, today=timezone.localdate()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="monev-zi-{plan.year}.xlsx"'
    return response
