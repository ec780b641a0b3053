"""Quarterly and annual monev reports as PDF (WeasyPrint), built by a Celery task.

``report_context`` gathers the data (a fixed number of queries), ``render_pdf`` turns it
into PDF bytes, ``report_build`` runs one requested ``Report`` from queued to ready (or
failed with the reason) and stores the file through django-storages with its SHA-256.
``reports_reap`` marks builds whose heartbeat stopped (their worker died) as failed
within a minute, and reports no worker picked up, so a report is never left "building"
or "queued" for ever."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from evaluation.models import Assignment
from evaluation.services import EvaluationRefused
from evidence.choices import Decision, ItemStatus, ReviewState
from evidence.models import EvidenceVersion, Review
from evidence.selectors import plan_item_statuses
from evidence.status import Tally, is_late
from findings.models import Finding
from lke.selectors import master_or_404, plan_lke
from lke.summary import summary_context
from workplan.choices import MONTH_NAMES
from workplan.models import ChangeArea, CommitmentCell, Quarter, WorkPlan
from zi_portal.accounts.permissions import Action, require
from zi_portal.core import outbox
from zi_portal.core.beating import beating
from zi_portal.core.queue import enqueue

from . import charts, dashboard, pdf
from .bundles import build_bundle
from .choices import ReminderKind, ReportKind, ReportStatus
from .lhe import build_lhe_pdf
from .models import AreaNarrative, Notification, Report

log = logging.getLogger(__name__)
BUILD_REPORT = "monev.tasks.build_report"


def report_context(
    *, plan: WorkPlan, quarter: int | None, today: date, requested_by: Any = None
) -> dict[str, Any]:
    """Everything a quarterly (``quarter`` 1–4) or annual (None) report shows."""
    statuses = plan_item_statuses(plan)
    # Only the dashboard's activity plan: its other numbers (heat map, overdue list,
    # feed) the report does not print, and they read every item's status again.
    gantt = dashboard.gantt(plan=plan, today=today)
    quarters = {q.number: q for q in Quarter.objects.filter(plan=plan)}
    wanted = [quarter] if quarter else [1, 2, 3, 4]
    versions = (
        EvidenceVersion.objects.filter(
            requirement__cell__quarter__plan=plan, requirement__cell__quarter__number__in=wanted
        )
        .select_related("uploaded_by")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("reviewer").order_by("created_at", "pk"),
            )
        )
        .order_by("number")
    )
    by_item: dict[int, list] = defaultdict(list)
    for v in versions:
        by_item[v.requirement_id].append(v)
    cells = (
        CommitmentCell.objects.filter(quarter__plan=plan, quarter__number__in=wanted)
        .select_related("quarter", "area", "pic")
        .prefetch_related("outputs")
        .order_by("area__order", "quarter__number")
    )
    items_by_cell: dict[int, list] = defaultdict(list)
    for item in statuses.values():
        if item.cell.quarter.number in wanted:
            all_versions = by_item.get(item.pk, [])
            item.file_count = sum(1 for v in all_versions if v.is_current)
            item.first_upload = all_versions[0].uploaded_at if all_versions else None
            item.last_upload = all_versions[-1].uploaded_at if all_versions else None
            # The same comment given to several files of an item is printed once.
            seen = set()
            item.comments = []
            for r in (r for v in all_versions for r in v.reviews.all() if r.comment):
                if (r.reviewer_id, r.comment) not in seen:
                    seen.add((r.reviewer_id, r.comment))
                    item.comments.append(r)
            item.late = is_late(item.status, item.cell.quarter, today)
            _lateness(item, all_versions)
            items_by_cell[item.cell_id].append(item)
    areas = []
    narratives = {n.area_id: n for n in AreaNarrative.objects.filter(plan=plan)}
    for area in ChangeArea.objects.order_by("order"):
        area_cells = [c for c in cells if c.area_id == area.pk]
        for cell in area_cells:
            cell.items = sorted(items_by_cell.get(cell.pk, []), key=lambda i: i.order)
            cell.tally = Tally()
            for it in cell.items:
                cell.tally.add(it.status)
        areas.append(
            {
                "area": area,
                "cells": area_cells,
                "narrative": narratives.get(area.pk),
                "gantt": [r for r in gantt if r["area"].pk == area.pk],
            }
        )
    in_period = Q()
    if quarter:  # a quarter's report: findings on its cells and items, and on activities
        in_period = (
            Q(cell__quarter__number=quarter)
            | Q(requirement__cell__quarter__number=quarter)
            | Q(activity__isnull=False)
        )
    findings = list(
        Finding.objects.filter(plan=plan)
        .filter(in_period)
        .select_related("area", "owner", "cell__quarter", "requirement", "activity")
        .order_by("area__order", "due_date", "pk")
    )
    period_tally = Tally()
    per_area_period: dict[str, Tally] = defaultdict(Tally)
    for item in statuses.values():
        if item.cell.quarter.number in wanted:
            period_tally.add(item.status)
            per_area_period[item.cell.area.code].add(item.status)
    area_bars = [charts.Bar(a["area"].code, per_area_period[a["area"].code].share) for a in areas]
    quarter_tallies = [(quarters[n], numbers_quarter(statuses, n)) for n in sorted(quarters)]
    trend_bars = [charts.Bar(q.label, t.share) for q, t in quarter_tallies]
    return {
        "plan": plan,
        "unit": plan.unit,
        "quarter": quarters.get(quarter) if quarter else None,
        "annual": quarter is None,
        "today": today,
        "generated_at": timezone.localtime(),
        "requested_by": requested_by,
        "period_tally": period_tally,
        "per_area": [(a["area"], per_area_period[a["area"].code]) for a in areas],
        "area_chart": charts.horizontal_bars(area_bars, title="Capaian per area"),
        "trend_chart": charts.column_trend(trend_bars, title="Capaian per triwulan"),
        "quarters": [quarters[n] for n in sorted(quarters)],
        "quarter_tallies": quarter_tallies,
        "areas": areas,
        "findings": findings,
        "month_names": MONTH_NAMES,
        # The annual report closes with the LKE score and the WBK/WBBM readiness.
        "lke": lke_summary(plan) if quarter is None else None,
    }


def _lateness(item: Any, versions: list) -> None:
    """What a Kepala reads beside an item's status: how late it was approved (the newest
    approval of its current files) and first uploaded against its quarter's due date, how
    often it was sent back for revision, and the names of its current approved files."""
    due = item.cell.quarter.due_date
    current = [v for v in versions if v.is_current]
    approvals = [
        r.created_at for v in current for r in v.reviews.all() if r.decision == Decision.APPROVE
    ]
    approved_on = timezone.localdate(max(approvals)) if approvals else None
    item.approved_late_days = (
        (approved_on - due).days
        if item.status == ItemStatus.APPROVED and approved_on and approved_on > due
        else 0
    )
    first = timezone.localdate(item.first_upload) if item.first_upload else None
    item.uploaded_late_days = (first - due).days if first and first > due else 0
    item.revisions = sum(
        1 for v in versions for r in v.reviews.all() if r.decision == Decision.REVISE
    )
    item.approved_files = [
        v.display_name for v in current if v.review_state == ReviewState.APPROVED
    ]


def lke_summary(plan: WorkPlan) -> dict | None:
    lke = plan_lke(plan)
    return summary_context(lke) if lke else None


def numbers_quarter(statuses: dict, number: int) -> Tally:
    tally = Tally()
    for item in statuses.values():
        if item.cell.quarter.number == number:
            tally.add(item.status)
    return tally


def render_pdf(context: dict[str, Any]) -> bytes:
    """The report's HTML, then its PDF (monev.pdf: a worker has WeasyPrint loaded already)."""
    with translation.override("id"):
        html = render_to_string("monev/pdf/report.html", context)
    return pdf.html_to_pdf(html, base_url=str(settings.BASE_DIR))


def build_pdf(
    *, plan: WorkPlan, quarter: int | None, today: date | None = None, requested_by: Any = None
) -> bytes:
    """The report as PDF bytes (the command line and the task use the same path)."""
    context = report_context(
        plan=plan, quarter=quarter, today=today or timezone.localdate(), requested_by=requested_by
    )
    return render_pdf(context)


def report_request(*, plan: WorkPlan, kind: str, quarter: int | None, user: Any) -> Report:
    """Queue a report; the worker builds it. Returns the queued row."""
    require(user, Action.REQUEST_REPORT)
    if kind == ReportKind.QUARTERLY and quarter not in (1, 2, 3, 4):
        raise ValueError("quarter required")
    return report_queue(
        Report(
            plan=plan,
            kind=kind,
            quarter=quarter if kind != ReportKind.ANNUAL else None,
            requested_by=user,
            params={"year": plan.year, "quarter": quarter, "kind": kind, "unit": plan.unit.code},
        )
    )


def report_queue(report: Report) -> Report:
    """Save a checked report request and hand it to the worker once it is committed."""
    report.full_clean()
    with transaction.atomic():
        report.save()
        enqueue(BUILD_REPORT, report.pk)
    return report


def _claim(report_id: int) -> Report | None:
    """Move a queued report to building; None if another run has it, or it is ready, or
    it was given up (a task redelivered after its report was marked failed builds
    nothing: the user asks again, which queues a new report)."""
    now = timezone.now()
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.BUILDING,
        started_at=now,
        heartbeat_at=now,
        error="",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return Report.objects.select_related("plan__unit", "requested_by").get(pk=report_id)


def _file_name(report: Report, extension: str) -> str:
    period = f"tw{report.quarter}" if report.quarter else "tahunan"
    period = "unit" if report.kind == ReportKind.LHE else period
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return (
        f"reports/{report.plan.year}/{report.plan.unit.code}/"
        f"{report.kind}-{report.plan.year}-{period}-{stamp}-{report.pk}.{extension}"
    )


def report_build(*, report_id: int) -> Report | None:
    """Build, store and announce one report. Safe to run twice."""
    report = _claim(report_id)
    if report is None:
        return None
    delay = float(getattr(settings, "ZI_REPORT_BUILD_DELAY", 0) or 0)
    stored = None
    mine = Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING)
    try:
        with beating(mine, "heartbeat_at", settings.ZI_BUILD_HEARTBEAT_SECONDS):
            if delay:  # lets the tests kill a worker in the middle of a build
                time.sleep(delay)
            if report.kind == ReportKind.BUNDLE:
                stored, size, digest = _build_bundle(report)
            elif report.kind == ReportKind.LHE:
                data = build_lhe_pdf(plan=report.plan, today=timezone.localdate())
                stored = default_storage.save(_file_name(report, "pdf"), ContentFile(data))
                size, digest = len(data), hashlib.sha256(data).hexdigest()
            else:
                data = build_pdf(
                    plan=report.plan, quarter=report.quarter, requested_by=report.requested_by
                )
                stored = default_storage.save(_file_name(report, "pdf"), ContentFile(data))
                size, digest = len(data), hashlib.sha256(data).hexdigest()
        with transaction.atomic():
            done = mine.update(
                status=ReportStatus.READY,
                file=stored,
                size=size,
                sha256=digest,
                finished_at=timezone.now(),
            )
            if not done:  # the reaper gave it up meanwhile: keep its verdict, not a file
                raise BuildAbandoned()
            if report.requested_by_id:
                Notification.objects.create(
                    recipient=report.requested_by,
                    kind=ReminderKind.REPORT,
                    title=f"{report} siap diunduh",
                    body=f"{report} selesai disusun ({size} bita, SHA-256 {digest}).",
                    url=f"/laporan/#laporan-{report.pk}",
                )
    except BuildAbandoned:
        default_storage.delete(stored)
        return Report.objects.get(pk=report.pk)
    except Exception as exc:
        if stored:
            default_storage.delete(stored)
        mine.update(
            status=ReportStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        log.exception("report %s failed", report.pk)
        return Report.objects.get(pk=report.pk)
    return Report.objects.get(pk=report.pk)


def _build_bundle(report: Report) -> tuple[str, int, str]:
    with tempfile.TemporaryFile() as tmp:
        build_bundle(plan=report.plan, quarter=report.quarter, target=tmp)
        tmp.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: tmp.read(1024 * 1024), b""):
            digest.update(chunk)
        size = tmp.tell()
        tmp.seek(0)
        stored = default_storage.save(_file_name(report, "zip"), File(tmp))
    return stored, size, digest.hexdigest()


def reports_reap(*, now=None) -> int:
    """Fail builds whose heartbeat stopped (their worker died) and queued reports no
    worker picked up although the broker took them (beat runs this every
    ``ZI_REPORT_REAP_SECONDS``). A report whose task still waits in the outbox for the
    broker stays queued: it is built when the broker returns."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.ZI_BUILD_STALE_SECONDS)
    dead = Report.objects.filter(status=ReportStatus.BUILDING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    reaped = dead.update(
        status=ReportStatus.FAILED,
        finished_at=now,
        error="Worker berhenti saat menyusun laporan; minta ulang laporan ini.",
    )
    waiting = Report.objects.filter(
        status=ReportStatus.QUEUED,
        requested_at__lt=now - timedelta(minutes=settings.ZI_REPORT_QUEUE_MINUTES),
    )
    held = outbox.open_ids(BUILD_REPORT, unsent_only=True)
    reaped += waiting.exclude(pk__in=held).update(
        status=ReportStatus.FAILED,
        finished_at=now,
        error="Tidak ada worker yang menyusun laporan ini; minta ulang laporan ini.",
    )
    return reaped


class BuildAbandoned(Exception):
    """The report stopped being ours while it was built (the reaper failed it)."""


def lhe_request(*, plan: WorkPlan, user: Any) -> Report:
    """The lead assessor asks the worker for the unit's LHE of the plan's year
    (``lhe.build_lhe_pdf``)."""
    require(user, Action.ASSESS_LKE)
    lead = Assignment.objects.filter(
        unit=plan.unit, year=plan.year, assessor=user, is_lead=True
    ).exists()
    if not lead or user.unit_id != plan.unit_id:
        raise EvaluationRefused(
            _("LHE disusun oleh ketua tim asesor yang ditugaskan menilai unit ini."), status=403
        )
    master_or_404(plan.year)
    params = {"year": plan.year, "kind": ReportKind.LHE, "unit": plan.unit.code}
    return report_queue(Report(plan=plan, kind=ReportKind.LHE, requested_by=user, params=params))
