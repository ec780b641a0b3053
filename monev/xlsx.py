"""Monev data as one XLSX workbook, for people who work in spreadsheets: the status of
every required evidence item ("Status Butir") and the findings with their follow-up
("Temuan"). Styled like the work plan export (``workplan.exports``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Max
from django.utils import timezone, translation
from openpyxl import Workbook

from evidence.choices import ItemStatus
from evidence.models import EvidenceVersion, Review
from evidence.selectors import plan_item_statuses
from evidence.status import is_late
from findings.choices import FindingStatus
from findings.models import Finding
from findings.selectors import is_past_due
from workplan.choices import QUARTER_LABELS
from workplan.models import WorkPlan
from zi_portal.core.exports import table_sheet, workbook_bytes

# (header, column width)
STATUS_COLUMNS = [
    ("Triwulan", 10),
    ("Kode Area", 10),
    ("PIC", 24),
    ("Butir Evidence", 60),
    ("Status", 18),
    ("Jumlah Versi Terkini", 12),
    ("Unggahan Terakhir", 14),
    ("Komentar Pereviu Terakhir", 45),
    ("Terlambat", 11),
]
FINDING_COLUMNS = [
    ("Kode Area", 10),
    ("Sasaran", 40),
    ("Temuan", 50),
    ("Rekomendasi", 50),
    ("Penanggung Jawab", 24),
    ("Batas Tindak Lanjut", 14),
    ("Status", 16),
    ("Tindak Lanjut", 50),
    ("Lewat Batas", 11),
]


def _yes_no(value: bool) -> str:
    return "ya" if value else "tidak"


def status_rows(plan: WorkPlan, today: date) -> Iterable[list]:
    """One row per required item, in quarter, area, item order (four queries)."""
    items = sorted(
        plan_item_statuses(plan).values(),
        key=lambda i: (i.cell.quarter.number, i.cell.area.order, i.order),
    )
    last_upload = dict(
        EvidenceVersion.objects.filter(requirement__cell__quarter__plan=plan)
        .values("requirement")
        .annotate(last=Max("uploaded_at"))
        .values_list("requirement", "last")
    )
    last_comment: dict[int, str] = {}
    comments = (
        Review.objects.filter(version__requirement__cell__quarter__plan=plan)
        .exclude(comment="")
        .order_by("created_at", "pk")
        .values_list("version__requirement", "comment")
    )
    for requirement_id, comment in comments:
        last_comment[requirement_id] = comment  # the newest wins
    for item in items:
        quarter = item.cell.quarter
        uploaded = last_upload.get(item.pk)
        late = is_late(item.status, quarter, today)
        yield [
            QUARTER_LABELS[quarter.number],
            item.cell.area.code,
            item.cell.pic_display,
            item.text,
            str(ItemStatus(item.status).label),
            len(item.current),
            timezone.localtime(uploaded).date() if uploaded else None,
            last_comment.get(item.pk, ""),
            _yes_no(late),
        ]


def _target(finding: Finding) -> str:
    """What the finding is about: an item, a cell or an activity."""
    if finding.requirement_id:
        cell = finding.requirement.cell
        return f"{cell.quarter.label} · {cell.area.code} · {finding.requirement.text}"
    if finding.cell_id:
        return f"{finding.cell.quarter.label} · {finding.cell.area.code}"
    if finding.activity_id:
        return f"Kegiatan {finding.activity.number}. {finding.activity.name}"
    return f"Area {finding.area.code}"


def finding_rows(plan: WorkPlan, today: date) -> Iterable[list]:
    findings = (
        Finding.objects.filter(plan=plan)
        .select_related(
            "area",
            "owner",
            "cell__quarter",
            "cell__area",
            "requirement__cell__quarter",
            "requirement__cell__area",
            "activity",
        )
        .order_by("area__order", "due_date", "pk")
    )
    for finding in findings:
        yield [
            finding.area.code,
            _target(finding),
            finding.description,
            finding.recommendation,
            finding.owner.name or finding.owner.email,
            finding.due_date,
            str(FindingStatus(finding.status).label),
            finding.follow_up,
            _yes_no(is_past_due(finding, today)),
        ]


def monev_workbook(*, plan: WorkPlan, today: date) -> bytes:
    """The workbook as XLSX bytes. ``today`` decides what counts as late."""
    wb = Workbook()
    with translation.override("id"):
        table_sheet(wb, "Status Butir", STATUS_COLUMNS, status_rows(plan, today), first=True)
        table_sheet(wb, "Temuan", FINDING_COLUMNS, finding_rows(plan, today))
    return workbook_bytes(wb)
