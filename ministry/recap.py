"""The *Rekapitulasi*: every unit of a year that the reader may see, with its and its
assessors' LKE figures against Tabel 6, its evidence completion and its late items.

The figures come from ``lke.stored`` (computed when answers change, the same numbers as
the score endpoint), the completion from ``evidence.unit_tallies``: a recap of a
thousand units is a fixed number of queries (``tests/ministry/test_recap.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from evidence.unit_tallies import PlanTally, plan_tallies
from lke.models import LkeMaster, Proposal, Side, StoredScore
from lke.stored import figures_for, scores_for
from lke.summary import condition_label
from workplan.choices import AREA_ORDER
from workplan.models import Unit, WorkPlan
from zi_portal.accounts.permissions import Action

SIDES = {Side.TPI: _("Asesor"), Side.UNIT: _("Unit")}
STATUSES = {
    "diusulkan": _("Sudah diusulkan"),
    "belum": _("Belum diusulkan"),
}
READINESS = {
    "wbbm": _("Memenuhi syarat WBBM"),
    "wbk": _("Memenuhi syarat WBK"),
    "belum": _("Belum memenuhi syarat WBK"),
}
SORTS = {
    "unit": _("Unit"),
    "nilai_unit": _("Nilai unit"),
    "nilai_tpi": _("Nilai asesor"),
    "pengungkit": _("Pengungkit"),
    "bukti": _("Kelengkapan bukti"),
    "terlambat": _("Butir terlambat"),
}


@dataclass
class RecapRow:
    unit: Unit
    plan: WorkPlan | None
    stored: StoredScore  # its columns; the figures are read for the rows shown
    side: str
    tally: PlanTally | None
    proposal: Proposal | None
    unit_figures: dict | None = None
    tpi_figures: dict | None = None

    @property
    def figures(self) -> dict:
        return self.tpi_figures if self.side == Side.TPI else self.unit_figures

    @property
    def areas(self) -> list[dict]:
        return [{"kode": code, **self.figures["area"][code]} for code in AREA_ORDER]

    @property
    def areas_text(self) -> str:
        """Each area's share of its weight, for the page ("MP 50,0 · TL 62,5 …")."""
        area = self.figures["area"]
        return " · ".join(f"{code} {number_format(area[code]['persen'], 1)}" for code in AREA_ORDER)

    @property
    def condition_marks(self) -> list[tuple[str, bool]]:
        return [(c["kode"], c["memenuhi"]) for c in self.wbk["syarat"]]

    def level(self, level: str) -> dict:
        return self.figures["kesiapan"][level]

    @property
    def wbk(self) -> dict:
        return self.level("WBK")

    @property
    def wbbm(self) -> dict:
        return self.level("WBBM")

    @property
    def readiness(self) -> str:
        """From the stored columns of the side shown (no figures needed)."""
        tpi = self.side == Side.TPI
        wbbm = self.stored.tpi_wbbm if tpi else self.stored.unit_wbbm
        wbk = self.stored.tpi_wbk if tpi else self.stored.unit_wbk
        return "wbbm" if wbbm else "wbk" if wbk else "belum"

    @property
    def status(self) -> str:
        return "diusulkan" if self.proposal else "belum"


@dataclass
class Recap:
    year: int
    master: LkeMaster | None
    rows: list[RecapRow]
    side: str

    def load(self, rows: list[RecapRow]) -> list[RecapRow]:
        """Read the figures of ``rows`` (one query): those of the page shown, or all
        of them for the API and the XLSX."""
        figures = figures_for(self.master, [r.unit.pk for r in rows if r.unit_figures is None])
        for row in rows:
            if row.unit.pk in figures:
                row.unit_figures = figures[row.unit.pk]["unit"]
                row.tpi_figures = figures[row.unit.pk]["tpi"]
        return rows

    @property
    def conditions(self) -> list[tuple[str, str]]:
        """(key, label) of the WBK conditions, in order (from a loaded row)."""
        loaded = next((r for r in self.rows if r.unit_figures is not None), None)
        if loaded is None:
            return []
        return [(c["kode"], condition_label(c["kode"])) for c in loaded.wbk["syarat"]]


def visible_units(user: Any):
    """The units whose recap row the reader sees: every unit for the ministry's
    administrator, the units assigned to an assessor (``restrict`` of a cross-unit
    action)."""
    return Unit.objects.restrict(user, Action.VIEW_RECAP).order_by("short_name", "code")


def recap(
    *,
    user: Any,
    year: int,
    side: str = Side.TPI,
    status: str = "",
    readiness: str = "",
    sort: str = "unit",
    descending: bool = False,
    today: date,
) -> Recap:
    """The recap's rows for ``year`` (filtered and sorted)."""
    master = LkeMaster.objects.filter(year=year).first()
    visible = visible_units(user)
    units = list(visible.only("pk", "code", "name", "short_name"))
    plans = {
        unit_id: SimpleNamespace(pk=pk, unit_id=unit_id, year=year, created_at=created_at)
        for pk, unit_id, created_at in WorkPlan.objects.filter(
            year=year, unit__in=visible.values("pk")
        ).values_list("pk", "unit_id", "created_at")
    }
    tallies = plan_tallies(plans.values(), today)
    proposals = {
        p.unit_id: p
        for p in Proposal.objects.filter(year=year, unit__in=visible.values("pk")).only(
            "pk", "unit_id", "category", "year"
        )
    }
    stored = scores_for(master, [u.pk for u in units]) if master else {}
    rows = [
        RecapRow(
            unit=u,
            plan=plans.get(u.pk),
            stored=stored[u.pk],
            side=side,
            tally=tallies.get(plans[u.pk].pk) if u.pk in plans else None,
            proposal=proposals.get(u.pk),
        )
        for u in units
        if u.pk in stored
    ]
    if status in STATUSES:
        rows = [r for r in rows if r.status == status]
    if readiness in READINESS:
        rows = [r for r in rows if r.readiness == readiness]
    rows.sort(key=_sort_key(sort), reverse=descending)
    return Recap(year, master, rows, side)


def _sort_key(sort: str):
    keys = {
        "nilai_unit": lambda r: r.stored.unit_total,
        "nilai_tpi": lambda r: r.stored.tpi_total,
        "pengungkit": lambda r: (
            r.stored.tpi_pengungkit if r.side == Side.TPI else r.stored.unit_pengungkit
        ),
        "bukti": lambda r: r.tally.percent if r.tally else -1,
        "terlambat": lambda r: r.tally.late if r.tally else -1,
    }
    return keys.get(sort, lambda r: (r.unit.short_name.lower(), r.unit.code))


def api_row(row: RecapRow) -> dict:
    """One unit of ``GET /api/v1/plans/{year}/recap/``."""

    def side(f: dict) -> dict:
        return {
            "total": f["total"],
            "pengungkit": f["pengungkit"],
            "area": {code: f["area"][code]["nilai"] for code in AREA_ORDER},
            "hasil": f["hasil"],
            "ipak": f["ipak"],
            "kinerja": f["kinerja"],
            "pelayanan_prima": f["prima"],
            "kesiapan": f["kesiapan"],
        }

    return {
        "kode": row.unit.code,
        "nama": row.unit.name,
        "nilai_unit": row.unit_figures["total"],
        "nilai_tpi": row.tpi_figures["total"],
        "unit": side(row.unit_figures),
        "tpi": side(row.tpi_figures),
        "bukti_dukung": {
            "jumlah": row.tally.total if row.tally else 0,
            "disetujui": row.tally.approved if row.tally else 0,
            "persen": row.tally.percent if row.tally else 0.0,
            "terlambat": row.tally.late if row.tally else 0,
        },
        "diusulkan": row.proposal.category if row.proposal else None,
    }
