"""The LKE summary as pages and reports show it: both sides' scores and the Tabel 6
readiness checklist with labels (the summary page and the annual monev report)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from workplan.choices import AreaCode

from . import scoring, selectors

CONDITION_LABELS = {
    "total": _("Nilai total"),
    "pengungkit": _("Total komponen pengungkit"),
    "bersih": _("Birokrasi yang bersih dan akuntabel"),
    "ipak": _("Survei persepsi anti korupsi (IPAK)"),
    "kinerja": _("Capaian kinerja lebih baik"),
    "prima": _("Pelayanan publik yang prima (IPKP)"),
    "predikat_wbk": _("Telah memperoleh predikat Menuju WBK"),
}


def area_name(code: str) -> str:
    """The change area's name as the portal writes it (the master list shouts)."""
    return AreaCode(code).label if code in AreaCode.values else code


def condition_label(key: str) -> str:
    if key.startswith("area:"):
        code = key.split(":", 1)[1]
        return _("Area %(code)s · %(name)s") % {"code": code, "name": area_name(code)}
    return str(CONDITION_LABELS[key])


@dataclass
class ReadinessRow:
    key: str
    label: str
    minimum: object
    unit: scoring.Condition
    tpi: scoring.Condition


def readiness_rows(unit_score: scoring.Score, tpi_score: scoring.Score, level: str):
    pairs = zip(
        unit_score.readiness[level].conditions, tpi_score.readiness[level].conditions, strict=True
    )
    return [ReadinessRow(u.key, condition_label(u.key), u.minimum, u, t) for u, t in pairs]


def summary_context(lke: selectors.PlanLke | None) -> dict:
    """What the summary page and the annual monev report show."""
    if lke is None:
        return {"lke": None}
    u, t = lke.unit_score, lke.tpi_score
    areas = [
        {
            "unit": ua,
            "tpi": ta,
            "name": area_name(ua.code),
            "wbk_min": scoring.r2(ua.max * scoring.THRESHOLDS["WBK"]["area_share"]),
        }
        for ua, ta in zip(u.areas, t.areas, strict=True)
    ]
    return {
        "lke": lke,
        "u": u,
        "t": t,
        "areas": areas,
        "pengungkit_share": u.pengungkit / u.pengungkit_max if u.pengungkit_max else None,
        "levels": [
            {
                "level": level,
                "unit_met": u.readiness[level].met,
                "tpi_met": t.readiness[level].met,
                "rows": readiness_rows(u, t, level),
                "unmet": sum(not c.met for c in u.readiness[level].conditions),
            }
            for level in ("WBK", "WBBM")
        ],
    }
