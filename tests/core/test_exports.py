"""The one guard against formula injection (``core.exports.neutralise_formula``), the
cell writers and the CSV writer built on it, and a check that no export writes a cell or
a CSV row around them. Each download is tried end to end where it lives:
tests/workplan/test_export_formulas.py, tests/monev/test_export_formulas.py,
tests/lke/test_export_formulas.py."""

from __future__ import annotations

import ast
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook

from tests.spreadsheets import PAYLOADS, assert_csv_inert, assert_xlsx_inert, could_evaluate
from zi_portal.core.exports import (
    append_row,
    csv_response,
    csv_writer,
    neutralise_formula,
    put,
    table_sheet,
    workbook_bytes,
)

BASE_DIR = Path(settings.BASE_DIR)
APPS = ("zi_portal", "workplan", "evidence", "lke", "findings", "monev")
EXPORTS = BASE_DIR / "zi_portal" / "core" / "exports.py"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example/","klik")',
            '\'=HYPERLINK("http://evil.example/","klik")',
        ),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\0=1", "'\0=1"),
        ("=1+2+cmd|' -c calc'!A0.pdf", "'=1+2+cmd|' -c calc'!A0.pdf"),
        # Blanks before a trigger: importers that trim them would evaluate the rest.
        ("  =1+1", "'  =1+1"),
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        ("\u00a0-2+3", "'\u00a0-2+3"),
        # Full-width forms, in case a spreadsheet normalises them.
        ("\uff1d1+1", "'\uff1d1+1"),
        # Ordinary text, and text already guarded, stays as it is.
        ("Dokumen SK Tim ZI", "Dokumen SK Tim ZI"),
        ("SK = 2 lembar", "SK = 2 lembar"),
        ("'=1+1", "'=1+1"),
        ("", ""),
        ("   ", "   "),
        ("— belum ada", "— belum ada"),
    ],
)
def test_text_a_spreadsheet_would_evaluate_gets_a_leading_quote(text, expected):
    assert neutralise_formula(text) == expected
    assert neutralise_formula(neutralise_formula(text)) == expected  # guarding twice: once
    assert not could_evaluate(neutralise_formula(text))


@pytest.mark.parametrize(
    "value",
    [-5, -2.5, 0, 7, Decimal("-1.25"), date(2026, 3, 2), datetime(2026, 3, 2, 9, 30), True, None],
)
def test_numbers_dates_and_empty_cells_are_not_text(value):
    assert neutralise_formula(value) is value


def test_cells_keep_numbers_and_dates_and_type_text_as_text():
    wb = Workbook()
    ws = wb.active
    put(ws, "A1", -5)
    put(ws, "A2", -2.5)
    put(ws, "A3", date(2026, 3, 2))
    put(ws, "A4", "-2+3")
    put(ws, "A5", "=1+1")
    append_row(ws, ["@SUM(A1)", -3, None, "Baris\vdua"])
    book = assert_xlsx_inert(workbook_bytes(wb), payloads=["-2+3", "=1+1", "@SUM(A1)"])
    ws = book.active
    assert (ws["A1"].value, ws["A1"].data_type) == (-5, "n")
    assert (ws["A2"].value, ws["A2"].data_type) == (-2.5, "n")
    assert ws["A3"].is_date and ws["A3"].value.date() == date(2026, 3, 2)
    assert (ws["A4"].value, ws["A4"].data_type) == ("'-2+3", "s")
    assert (ws["A5"].value, ws["A5"].data_type) == ("'=1+1", "s")
    assert [c.value for c in ws[6]] == ["'@SUM(A1)", -3, None, "Baris dua"]
    assert ws["B6"].data_type == "n"


def test_table_sheet_guards_headers_and_rows():
    wb = Workbook()
    rows = [[p, -1, date(2026, 1, 5)] for p in PAYLOADS]
    table_sheet(wb, "Uji", [("=Judul", 10), ("Angka", 8), ("Tanggal", 12)], rows, first=True)
    book = assert_xlsx_inert(workbook_bytes(wb), payloads=[*PAYLOADS, "=Judul"])
    ws = book["Uji"]
    assert all(ws.cell(row=r, column=2).value == -1 for r in range(2, 2 + len(PAYLOADS)))
    assert all(ws.cell(row=r, column=3).is_date for r in range(2, 2 + len(PAYLOADS)))


def test_csv_writer_guards_text_and_leaves_numbers():
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["teks", "angka", "desimal"])
    writer.writerows([p, -2, Decimal("-0.5")] for p in PAYLOADS)
    rows = assert_csv_inert(out.getvalue())
    # One row per payload: the CR stayed inside its quoted field (as a line break).
    assert [row[1:] for row in rows[1:]] == [["-2", "-0.5"]] * len(PAYLOADS)
    assert [row[0] for row in rows[1:]] == ["'" + p.replace("\r", "\n") for p in PAYLOADS]


def test_csv_response_is_an_attachment_with_a_bom():
    response = csv_response("a,b\n", "x.csv")
    assert response.content.startswith("\ufeff".encode())
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def _calls(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name) of every call in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.append((node.lineno, ast.unparse(node.func)))
    return found


def test_no_export_writes_csv_or_cells_around_the_guard():
    """Every CSV goes through ``csv_writer`` and every cell through ``put`` /
    ``append_row`` / ``table_sheet``: nothing else calls the csv module's writers, sets a
    cell by subscript, appends rows or fills cells with a value."""
    offences = []
    for root in APPS:
        for path in sorted((BASE_DIR / root).rglob("*.py")):
            if "migrations" in path.parts or path == EXPORTS:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            where = path.relative_to(BASE_DIR)
            for line, name in _calls(tree):
                if name in ("csv.writer", "csv.DictWriter", "writer", "DictWriter"):
                    offences.append(f"{where}:{line} {name}()")
                if name.endswith(".append") and name.split(".")[0] in ("ws", "sheet"):
                    offences.append(f"{where}:{line} {name}()")
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "csv":
                    offences.append(f"{where}:{node.lineno} from csv import …")
                if isinstance(node, ast.Assign | ast.AugAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        text = ast.unparse(target)
                        if isinstance(target, ast.Subscript) and text.startswith(("ws[", "sheet[")):
                            offences.append(f"{where}:{node.lineno} {text} = …")
                        if isinstance(target, ast.Attribute) and target.attr == "value":
                            offences.append(f"{where}:{node.lineno} {text} = …")
    assert offences == []
