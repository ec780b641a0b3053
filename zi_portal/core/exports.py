"""Downloads for people who work in spreadsheets: one look for every XLSX sheet the
portal writes (a dark header row, wrapped text, frozen header, filters, dates as
dates), text cells that never become formulas, and the HTTP responses that carry an
XLSX or CSV file.

Every CSV and XLSX the portal writes goes through this module: XLSX cells through
``put`` (or ``table_sheet`` / ``append_row``, which call it), CSV rows through
``csv_writer``. Both pass each value through ``neutralise_formula``, so no text a
person typed (a review comment, a finding, a file name, a plan loaded from JSON) can
become a live formula in the reader's spreadsheet (OWASP "CSV Injection"; ASVS 5.0
1.2.10). ``tests/core/test_exports.py`` checks that no other module writes cells or
calls ``csv.writer`` itself."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO, Any

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

# A cell whose text starts with one of these is read as a formula (or, for tab, CR and
# NUL, may be dropped by the importer so that what follows is read as one): OWASP's
# "CSV Injection" list, NUL from ASVS 5.0 1.2.10, and the full-width forms of = + - @
# (cheap to include, in case a spreadsheet program normalises them to ASCII).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\0\uff1d\uff0b\uff0d\uff20")
FORMULA_GUARD = "'"


def neutralise_formula(value: Any) -> Any:
    """``value`` as a spreadsheet must show it: text that a spreadsheet would evaluate
    gets a leading single quote; everything else is returned unchanged.

    Only ``str`` is ever changed. Numbers (negative ones included), dates, booleans and
    None are data, not text, and stay what they are. Text is guarded when its first
    character is a trigger (``=``, ``+``, ``-``, ``@``, tab, CR, NUL) **or its first
    character after leading whitespace is**: some importers (Google Sheets, LibreOffice
    with "Trim spaces") drop leading blanks and would then evaluate " =1+1".

    The quote is visible in the file: a CSV reader or a script sees ``'=1+1``, a
    spreadsheet shows it as text, and the text stays text when the person edits the
    cell or saves the sheet again as CSV (an XLSX string cell alone would be re-read as
    a formula after F2 + Enter). Text that already starts with the quote is left alone,
    so guarding twice changes nothing."""
    if not isinstance(value, str) or not value:
        return value
    first = value[0]
    if first not in FORMULA_TRIGGERS:
        stripped = value.lstrip()
        if not stripped or stripped[0] not in FORMULA_TRIGGERS:
            return value
    return FORMULA_GUARD + value


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return _ILLEGAL_RE.sub(" ", neutralise_formula(value))
    return value


def put(ws: Worksheet, ref: str, value: Any) -> None:
    """Write one cell. Text stays text: typed as a string (never a formula, whatever it
    starts with), guarded by ``neutralise_formula`` for the person who edits or
    re-saves the sheet, and without characters XLSX cannot hold. Other values (numbers,
    dates, None) are written as they are."""
    cell = ws[ref]
    cell.value = _cell_value(value)
    if isinstance(value, str):
        cell.data_type = "s"


def append_row(ws: Worksheet, values: Sequence[Any]) -> None:
    """``ws.append(values)`` with every value written as ``put`` writes it."""
    ws.append([_cell_value(value) for value in values])
    if values:
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"


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


_CR_RE = re.compile(r"\r\n?")


def _csv_field(value: Any) -> Any:
    """A line break inside text is written as LF: the csv module quotes a field only for
    the characters of its own line terminator, so with ``lineterminator="\n"`` a bare
    CR would go out unquoted and a spreadsheet would start a new row there, the rest
    of the text (``=1`` after "'\r") becoming a cell of its own."""
    value = neutralise_formula(value)
    return _CR_RE.sub("\n", value) if isinstance(value, str) else value


class CsvWriter:
    """``csv.writer`` with every field passed through ``neutralise_formula`` (and line
    breaks inside text kept inside their quoted field)."""

    def __init__(self, out: IO[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([_csv_field(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], **fmtparams: Any) -> CsvWriter:
    """The only way the portal writes CSV (``fmtparams`` as for ``csv.writer``)."""
    return CsvWriter(out, **fmtparams)


def csv_response(text: str, filename: str) -> HttpResponse:
    """CSV as UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian text
    correctly."""
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
