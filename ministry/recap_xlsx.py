"""The recap as an XLSX workbook: one row per unit, every figure in its own column
(numbers as numbers, so the Inspektorat can sort and total them in Excel)."""

from __future__ import annotations

from openpyxl import Workbook

from workplan.choices import AREA_ORDER
from zi_portal.core.exports import table_sheet, workbook_bytes

from .recap import Recap


def recap_workbook(recap: Recap) -> bytes:
    conditions = recap.conditions
    columns = [
        ("Kode unit", 18), ("Nama unit", 40), ("Nilai unit", 10), ("Nilai asesor", 10),
        ("Pengungkit", 11),
        *[(f"{code} (%)", 8) for code in AREA_ORDER],
        ("IPAK", 8), ("Kinerja", 8), ("Bersih & akuntabel", 10), ("Pelayanan prima", 10),
        ("Hasil", 8),
        *[(f"WBK: {label}", 14) for _key, label in conditions],
        ("Memenuhi WBK", 10), ("Memenuhi WBBM", 10),
        ("Butir bukti", 9), ("Disetujui", 9), ("Kelengkapan (%)", 11), ("Terlambat", 9),
        ("Diusulkan", 12),
    ]  # fmt: skip

    def row(r) -> list:
        f = r.figures
        met = {c["kode"]: c["memenuhi"] for c in r.wbk["syarat"]}
        tally = r.tally
        return [
            r.unit.code, r.unit.name, r.unit_figures["total"], r.tpi_figures["total"],
            f["pengungkit"],
            *[f["area"][code]["persen"] for code in AREA_ORDER],
            f["ipak"], f["kinerja"], f["bersih"], f["prima"], f["hasil"],
            *["Ya" if met.get(key) else "Tidak" for key, _label in conditions],
            "Ya" if r.wbk["memenuhi"] else "Tidak", "Ya" if r.wbbm["memenuhi"] else "Tidak",
            tally.total if tally else 0, tally.approved if tally else 0,
            tally.percent if tally else 0.0, tally.late if tally else 0,
            r.proposal.category if r.proposal else "",
        ]  # fmt: skip

    wb = Workbook()
    side = "asesor" if recap.side == "tpi" else "unit"
    table_sheet(
        wb, f"Rekap {recap.year} ({side})", columns, [row(r) for r in recap.rows], first=True
    )
    return workbook_bytes(wb)
