"""The *Rekapitulasi*: every unit of a year that the reader may see, with its and its
assessors' LKE figures against Tabel 6, its evidence completion and its late items.

The figures come from ``lke.stored`` (computed when answers change, the same numbers as
the score endpoint), the completion from ``evidence.unit_tallies``: a recap of a
thousand units is a fixed number of queries (``tests/ministry/test_recap.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from evidence.unit_tallies import PlanTally, plan_tallies
from lke.models import LkeMaster, Proposal, Side
from lke.stored import scores_for
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
    unit_figures: dict
    tpi_figures: dict
    side: str
    tally: PlanTally | None
    proposal: Proposal | None

    @property
    def figures(self) -> dict:
        return self.tpi_figures if self.side == Side.TPI else self.unit_figures

    @property
    def areas(self) -> list[dict]:
        return [{"kode": code, **self.figures["area"][code]} for code in AREA_ORDER]

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
        if self.wbbm["memenuhi"]:
            return "wbbm"
        return "wbk" if self.wbk["memenuhi"] else "belum"

    @property
    def status(self) -> str:
        return "diusulkan" if self.proposal else "belum"


@dataclass
class Recap:
    year: int
    master: LkeMaster | None
    rows: list[RecapRow]
    side: str
    conditions: list[tuple[str, str]]  # (key, label) of the WBK conditions, in order


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
    units = list(visible_units(user))
    plans = {
        p.unit_id: p
        for p in WorkPlan.objects.filter(year=year, unit__in=[u.pk for u in units]).only(
            "pk", "unit_id", "year", "created_at"
        )
    }
    tallies = plan_tallies(plans.values(), today)
    proposals = {
        p.unit_id: p for p in Proposal.objects.filter(year=year, unit__in=[u.pk for u in units])
    }
    stored = scores_for(master, [u.pk for u in units]) if master else {}
    rows = [
        RecapRow(
            unit=u,
            plan=plans.get(u.pk),
            unit_figures=stored[u.pk].figures["unit"],
            tpi_figures=stored[u.pk].figures["tpi"],
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
    conditions = []
    if rows:
        conditions = [(c["kode"], condition_label(c["kode"])) for c in rows[0].wbk["syarat"]]
    return Recap(year, master, rows, side, conditions)


def _sort_key(sort: str):
    keys = {
        "nilai_unit": lambda r: r.unit_figures["total"],
        "nilai_tpi": lambda r: r.tpi_figures["total"],
        "pengungkit": lambda r: r.figures["pengungkit"],
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
