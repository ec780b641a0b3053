"""Downloads for people who work in spreadsheets: one look for every XLSX sheet the
portal writes (a dark header row, wrapped text, frozen header, filters, dates as
dates), text cells that never become formulas, and the HTTP responses that carry an
XLSX or CSV file."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD-MM-YYYY"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
WRAP = Alignment(wrap_text=True, vertical="top")
# Characters an XLSX file cannot hold (control characters other than tab/newline).
_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def put(ws: Worksheet, ref: str, value: Any) -> None:
    """Write one cell. Text stays text: never a formula (a note starting with "=" would
    otherwise run in the reader's spreadsheet) and never a character XLSX cannot hold."""
    cell = ws[ref]
    if isinstance(value, str):
        cell.value = _ILLEGAL_RE.sub(" ", value)
        cell.data_type = "s"
    else:
        cell.value = value


def table_sheet(
    wb: Workbook,
    title: str,
    columns: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[Any]],
    *,
    first: bool = False,
) -> Worksheet:
    """A sheet holding one table: ``columns`` as (header, width), then ``rows``."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    for index, (header, width) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        put(ws, f"{letter}1", header)
        ws[f"{letter}1"].font = HEADER_FONT
        ws[f"{letter}1"].fill = HEADER_FILL
        ws[f"{letter}1"].alignment = WRAP
        ws.column_dimensions[letter].width = width
    for row_index, row in enumerate(rows, start=2):
        for col_index, value in enumerate(row, start=1):
            ref = f"{get_column_letter(col_index)}{row_index}"
            put(ws, ref, value)
            ws[ref].alignment = WRAP
            if isinstance(value, date):
                ws[ref].number_format = DATE_FORMAT
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    return ws


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(text: str, filename: str) -> HttpResponse:
    """CSV as UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian text
    correctly."""
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
