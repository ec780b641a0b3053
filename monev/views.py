"""Monitoring pages: the person's notifications and preferences, *Tugas saya*, the
leadership dashboard, and the activity plan beside its realisation. Thin: access →
selectors/services → response."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation.selectors import sent_back_to
from evidence import selectors as evidence_selectors
from findings.selectors import findings_past_due
from lke.selectors import lke_tasks
from workplan.choices import MONTH_NAMES
from workplan.permissions import access_plan, access_pokja, access_selected_plan
from zi_portal.accounts.permissions import Action, can, require
from zi_portal.core.audit import client_ip
from zi_portal.core.errors import Refused
from zi_portal.core.paging import paginate
from zi_portal.core.parsing import whole_number, whole_numbers

from . import dashboard as numbers
from . import selectors, services
from .choices import Realisation
from .permissions import access_activity, access_notification


def notification_list(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, selectors.notifications_for(request.user), 30)
    return render(
        request,
        "monev/notification_list.html",
        {"page": page, "nav_active": "notifications", "query": query},
    )


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = access_notification(request.user, pk)
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


def my_tasks(request: HttpRequest) -> HttpResponse:
    """*Tugas saya*: the person's evidence items of this quarter and the next (late ones
    first) and the LKE areas they answer."""
    require(request.user, Action.VIEW_PLAN)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    today = timezone.localdate()
    # Reviewers (Ketua Tim, TPI) see first what waits for their review; the Ketua's own
    # items are the cells whose PIC they are, not every cell they may upload to.
    reviewer = can(request.user, Action.REVIEW_EVIDENCE)
    waiting = None
    if reviewer:
        queue = evidence_selectors.review_queue(plan=plan)
        waiting = {"count": queue.count(), "oldest": list(queue[:5])}
    return render(
        request,
        "monev/my_tasks.html",
        {
            "plan": plan,
            "groups": evidence_selectors.my_tasks(
                user=request.user, plan=plan, today=today, own_only=reviewer
            ),
            "waiting": waiting,
            "lke_tasks": lke_tasks(user=request.user, plan=plan),
            "sent_back": sent_back_to(user=request.user, plan=plan),
            "today": today,
            "nav_active": "tasks",
            "may_upload": can(request.user, Action.UPLOAD_EVIDENCE),
        },
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    """The Kepala Pusbang's view of where the programme stands (also Ketua Tim and TPI)."""
    require(request.user, Action.VIEW_DASHBOARD)
    plan = access_selected_plan(request.user, request.GET.get("tahun"))
    if plan is None:
        return render(request, "workplan/plan_empty.html")
    today = timezone.localdate()
    context = numbers.rendered(
        plan=plan, today=today, sort=request.GET.get("urut", "days"), request=request
    )
    context.update(
        {
            "plan": plan,
            "today": today,
            "nav_active": "dashboard",
            "lke": numbers.lke_headline(plan),
            "findings_overdue": findings_past_due(plan, today).count(),
            "surveys": numbers.survey_panel(plan=plan, today=today),
        }
    )
    return render(request, "monev/dashboard.html", context)


def activity_plan(request: HttpRequest, year: int) -> HttpResponse:
    """The *Rencana Kegiatan* month by month, with what was realised beside it."""
    plan = access_plan(request.user, year)
    return render(
        request,
        "monev/activity_grid.html",
        {
            "plan": plan,
            "grid": selectors.activity_grid(
                plan=plan, user=request.user, today=timezone.localdate()
            ),
            "month_names": MONTH_NAMES,
            "may_edit": can(request.user, Action.MANAGE_PLAN),
            "nav_active": "activities",
        },
    )


def realisation_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """The area's PIC records, per month, whether a planned activity took place."""
    plan = access_plan(request.user, year)
    activity = access_activity(request.user, plan, pk, Action.RECORD_REALISATION)
    errors = []
    if request.method == "POST":
        month = request.POST.get("month", "")
        status = request.POST.get("status", "")
        if whole_number(month) not in range(1, 13):
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
                evidence_ids=whole_numbers(request.POST.getlist("evidence")),
                ip=client_ip(request),
            )
            messages.success(
                request,
                _("Realisasi kegiatan %(no)s %(area)s disimpan.")
                % {"no": activity.number, "area": activity.pokja.area.code},
            )
            return redirect(
                reverse("monev:activities", args=[plan.year]) + f"#area-{activity.pokja.area.code}"
            )
    recorded = selectors.realisations_of(activity)
    return render(
        request,
        "monev/realisation_form.html",
        {
            "plan": plan,
            "activity": activity,
            "errors": errors,
            "versions": selectors.realisation_evidence_choices(activity),
            "months": [
                (i, name, i in activity.months, recorded.get(i))
                for i, name in enumerate(MONTH_NAMES, start=1)
            ],
            "choices": Realisation.choices,
            "nav_active": "activities",
            "selected_month": request.POST.get("month") or request.GET.get("bulan", ""),
        },
    )


def narrative_edit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The area's PIC (or the Ketua Tim) writes the year's good-practice and impact
    narratives for the annual report."""
    plan = access_plan(request.user, year)
    pokja = access_pokja(request.user, plan, code, Action.WRITE_NARRATIVE)
    narrative = selectors.narrative_for(plan, pokja.area)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.narrative_save(
                pokja=pokja,
                user=request.user,
                good_practice=request.POST.get("good_practice", ""),
                impact=request.POST.get("impact", ""),
                ip=client_ip(request),
            )
        except Refused as exc:
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
            "max_chars": services.NARRATIVE_MAX_CHARS,
            "nav_active": "overview",
        },
    )
