"""The LKE as an XLSX workbook laid out by the master list's Excel mapping.

Each soal goes to ``excel_sheet`` row ``excel_baris``; the unit's answer, note and
evidence and the TPI's answer and note go to the columns the master list names
(K, L, M, N, Q in 2026), so the cells line up with PortalRB's own sheet. Columns A–F
carry the question for people reading the file; a second sheet, "Nilai", holds the
score breakdown of both sides and the WBK/WBBM readiness.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from workplan.models import Unit
from zi_portal.core.exports import append_row, put
from zi_portal.core.exports import workbook_bytes as as_bytes

from . import exchange, scoring, selectors
from .models import LkeMaster, Side
from .summary import area_name, condition_label

HEADER_ROW = 5
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
INFO_COLUMNS = [
    ("A", "ID Soal", 9),
    ("B", "Bagian", 14),
    ("C", "Area", 8),
    ("D", "Sub-area", 34),
    ("E", "Pertanyaan", 60),
    ("F", "Jenis Jawaban", 13),
]
MAPPED = [
    ("excel_kolom_jawaban_unit", "Jawaban Unit", 14),
    ("excel_kolom_catatan_unit", "Catatan Unit", 40),
    ("excel_kolom_bukti_dukung_unit", "Bukti Dukung Unit", 50),
    ("excel_kolom_jawaban_tpi", "Jawaban TPI", 14),
    ("excel_kolom_catatan_tpi", "Catatan TPI", 40),
]
PART_LABEL = {
    scoring.PEMENUHAN: "Pemenuhan",
    scoring.REFORM: "Reform",
    scoring.BERSIH: "Hasil: Bersih",
    scoring.PRIMA: "Hasil: Prima",
}


def _cell_value(q: scoring.Question, field: str, value):
    """Counts and survey values as numbers (the sheet's formulas add them up)."""
    if value is None or not field.startswith("jawaban_"):
        return value
    if q.answer_type == scoring.COUNT:
        return int(value)
    if q.answer_type == scoring.SURVEY:
        return float(value)
    return value


def _sheet(book: Workbook, name: str, cache: dict, unit: Unit, year: int):
    if name in cache:
        return cache[name]
    ws = book.create_sheet(name)
    put(ws, "A1", f"Lembar Kerja Evaluasi Zona Integritas {year}")
    ws["A1"].font = Font(bold=True, size=13)
    put(ws, "A2", unit.name)
    for letter, title, width in INFO_COLUMNS:
        put(ws, f"{letter}{HEADER_ROW}", title)
        ws.column_dimensions[letter].width = width
    cache[name] = ws
    return ws


def workbook_bytes(*, unit: Unit, master: LkeMaster) -> bytes:
    tree = selectors.parsed_master(master)
    doc = exchange.jawaban_unit(unit=unit, master=master)
    by_id = {a["soal_id"]: a for a in doc["answers"]}
    names = {n.node_id: n.name for n in tree.nodes()}
    book = Workbook()
    book.remove(book.active)
    sheets: dict = {}
    for soal_id, q in tree.questions.items():
        ws = _sheet(book, str(q.excel.get("excel_sheet") or "Jawaban"), sheets, unit, tree.year)
        row = int(q.excel.get("excel_baris") or 0)
        if row <= HEADER_ROW:
            continue
        values = {
            "A": soal_id,
            "B": PART_LABEL.get(q.part, q.part),
            "C": q.area_code,
            "D": names.get(q.node_id, ""),
            "E": q.text,
            "F": q.raw_type,
        }
        for letter, value in values.items():
            put(ws, f"{letter}{row}", value)
        answer = by_id[soal_id]
        for key, title, width in MAPPED:
            letter = q.excel.get(key)
            if not letter:
                continue
            put(ws, f"{letter}{HEADER_ROW}", title)
            ws.column_dimensions[letter].width = width
            field = {
                "excel_kolom_jawaban_unit": "jawaban_unit",
                "excel_kolom_catatan_unit": "catatan_unit",
                "excel_kolom_bukti_dukung_unit": "bukti_dukung_unit",
                "excel_kolom_jawaban_tpi": "jawaban_tpi",
                "excel_kolom_catatan_tpi": "catatan_tpi",
            }[key]
            put(ws, f"{letter}{row}", _cell_value(q, field, answer[field]))
        for cell in ws[row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for ws in sheets.values():
        for cell in ws[HEADER_ROW]:
            if cell.value:
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
    _score_sheet(book, unit=unit, master=master, tree=tree)
    return as_bytes(book)


def _score_sheet(book: Workbook, *, unit: Unit, master: LkeMaster, tree) -> None:
    ws = book.create_sheet("Nilai")
    predicate = selectors.holds_wbk_predicate(unit, master.year)
    scores = {
        side: selectors.unit_score(unit=unit, master=master, side=side, wbk_predicate=predicate)
        for side in Side
    }
    append_row(ws, [f"Nilai LKE ZI {tree.year}", unit.name])
    append_row(ws, [])
    append_row(ws, ["Komponen", "Maksimal", "Nilai Unit", "Nilai TPI"])
    u, t = scores[Side.UNIT], scores[Side.TPI]

    def row(label, maximum, a, b):
        append_row(
            ws, [label, float(scoring.r2(maximum)), float(scoring.r2(a)), float(scoring.r2(b))]
        )

    for ua, ta in zip(u.areas, t.areas, strict=True):
        row(f"{ua.code} Pemenuhan", ua.pemenuhan.max, ua.pemenuhan.score, ta.pemenuhan.score)
        row(f"{ua.code} Reform", ua.reform.max, ua.reform.score, ta.reform.score)
        row(f"{ua.code} {area_name(ua.code)}", ua.max, ua.score, ta.score)
    row("Total Pengungkit", u.pengungkit_max, u.pengungkit, t.pengungkit)
    row("IPAK", Decimal("17.5"), u.ipak, t.ipak)
    row("Capaian Kinerja", Decimal(5), u.kinerja, t.kinerja)
    row("Birokrasi Bersih dan Akuntabel", u.bersih_max, u.bersih, t.bersih)
    row("Pelayanan Publik Prima", u.prima_max, u.prima, t.prima)
    row("Total Hasil", u.hasil_max, u.hasil, t.hasil)
    row("NILAI EVALUASI ZONA INTEGRITAS", u.pengungkit_max + u.hasil_max, u.total, t.total)
    append_row(ws, [])
    append_row(ws, ["Syarat", "Minimum", "Unit", "Kekurangan Unit", "TPI", "Kekurangan TPI"])
    for level in ("WBK", "WBBM"):
        append_row(
            ws,
            [
                f"Menuju {level}",
                None,
                "memenuhi" if u.readiness[level].met else "belum",
                None,
                "memenuhi" if t.readiness[level].met else "belum",
            ],
        )
        pairs = zip(u.readiness[level].conditions, t.readiness[level].conditions, strict=True)
        for cu, ct in pairs:
            with translation.override("id"):  # the sheet is PortalRB's, in Indonesian
                label = condition_label(cu.key)
            append_row(
                ws,
                [
                    "  " + label,
                    float(cu.minimum) if cu.minimum is not None else None,
                    "ya" if cu.met else "tidak",
                    float(cu.gap),
                    "ya" if ct.met else "tidak",
                    float(ct.gap),
                ],
            )
    ws.column_dimensions["A"].width = 44
    for letter in "BCDEF":
        ws.column_dimensions[letter].width = 16
    for r in (3,):
        for cell in ws[r]:
            cell.font = Font(bold=True)
