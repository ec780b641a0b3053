"""The plan as tables: the commitment matrix (one row per required evidence item) and
the activity plan, as CSV or as one XLSX workbook with both sheets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from openpyxl import Workbook

from zi_portal.core.exports import csv_writer, table_sheet
from zi_portal.core.exports import workbook_bytes as as_bytes

from .models import Activity, WorkPlan
from .selectors import cells_for_plan

# Month labels as the plan document prints them in the Matriks Rencana Kerja.
DOC_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Des"]

# The columns named in the export contract come first, in its order; extras follow.
COMMITMENT_COLUMNS = [
    "quarter",
    "area",
    "focus",
    "pic",
    "outputs",
    "evidence_item",
    "evidence_no",
    "evidence_sub_points",
    "area_name",
]
ACTIVITY_COLUMNS = ["area", "number", "activity", "output", "months", "months_assumed", "area_name"]

# Headers of the XLSX sheets, for people who work in spreadsheets.
XLSX_HEADERS = {
    "quarter": "Triwulan",
    "area": "Kode Area",
    "area_name": "Area Perubahan",
    "focus": "Fokus",
    "pic": "PIC",
    "outputs": "Output yang Dimonitor",
    "evidence_no": "No. Evidence",
    "evidence_item": "Kewajiban Unggah Evidence",
    "evidence_sub_points": "Sub-butir",
    "number": "No.",
    "activity": "Kegiatan",
    "output": "Output",
    "months": "Bulan Rencana",
    "months_assumed": "Bulan Berupa Asumsi",
}
TABLES = {"commitments": COMMITMENT_COLUMNS, "activities": ACTIVITY_COLUMNS}


def _with_sub_points(text: str, sub_points: list[str]) -> str:
    if not sub_points:
        return text
    joined = ", ".join(sub_points)
    return f"{text} {joined}" if text.rstrip().endswith(":") else f"{text}: {joined}"


def commitment_rows(plan: WorkPlan) -> Iterable[list[str | int]]:
    for cell in cells_for_plan(plan):
        outputs = "; ".join(_with_sub_points(o.text, o.sub_points) for o in cell.outputs.all())
        for req in cell.requirements.all():
            yield [
                cell.quarter.label,
                cell.area.code,
                cell.quarter.focus,
                cell.pic_display,
                outputs,
                req.text,
                req.order,
                "; ".join(req.sub_points),
                cell.area.name,
            ]


def activity_rows(plan: WorkPlan) -> Iterable[list[str | int]]:
    activities = (
        Activity.objects.filter(pokja__plan=plan)
        .select_related("pokja__area")
        .order_by("pokja__area__order", "number")
    )
    for act in activities:
        yield [
            act.pokja.area.code,
            act.number,
            act.name,
            act.output,
            ", ".join(DOC_MONTHS[m - 1] for m in act.months),
            "ya" if act.months_assumed else "tidak",
            act.pokja.area.name,
        ]


ROW_BUILDERS = {"commitments": commitment_rows, "activities": activity_rows}


def write_csv(plan: WorkPlan, table: str, out: IO[str]) -> None:
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(TABLES[table])
    writer.writerows(ROW_BUILDERS[table](plan))


def workbook_bytes(plan: WorkPlan) -> bytes:
    """Both tables as sheets of one XLSX workbook."""
    wb = Workbook()
    sheets = [("Matriks Komitmen", "commitments"), ("Rencana Kerja", "activities")]
    for index, (title, table) in enumerate(sheets):
        columns = [
            (XLSX_HEADERS[c], 60 if c in ("outputs", "evidence_item", "activity") else 18)
            for c in TABLES[table]
        ]
        table_sheet(wb, title, columns, ROW_BUILDERS[table](plan), first=index == 0)
    return as_bytes(wb)
