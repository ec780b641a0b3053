"""The road to PMPZI: a unit's proposal prerequisites (PermenPAN-RB 5/2024, Tabel 5, for
a ministry), the year's proposal deadline (31 May unless the TPN sets another), and the
proposal itself, refused while a prerequisite or a Tabel 6 condition (the assessors'
figures) is missing unless a reason is given, which is audited. A proposed unit is an
``lke.Proposal``, which PortalRB's endpoints list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from lke import selectors as lke_selectors
from lke.models import Category, Proposal
from lke.stored import figures_for, scores_for
from lke.summary import condition_label
from workplan.models import Unit
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction

from .choices import GRADES, Prerequisite
from .models import PmpziDeadline, PmpziProposal, PrerequisiteValue
from .services import EvaluationRefused

DEFAULT_DEADLINE = (5, 31)  # 31 May (PermenPAN-RB 5/2024, Bab II A)
REMINDER_DAYS = (30, 14, 3)
GRADED = {Prerequisite.SAKIP, Prerequisite.INDEKS_RB, Prerequisite.SAKIP_UNIT}
PERCENT = {Prerequisite.TLHP, Prerequisite.LHKPN}
YES_NO = {Prerequisite.CORE_SERVICE, Prerequisite.IMPACT}


def deadline_of(year: int) -> date:
    row = PmpziDeadline.objects.filter(year=year).first()
    return row.deadline if row else date(year, *DEFAULT_DEADLINE)


def _grade_at_least(value: str, minimum: str) -> bool:
    value = value.strip().upper()
    return value in GRADES and GRADES.index(value) <= GRADES.index(minimum)


def _number(value: str) -> float | None:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return None


def required(key: str, level: str) -> str:
    """What Tabel 5 asks of ``key`` for ``level`` (WBK or WBBM), in words."""
    high = level == "WBBM"
    return {
        Prerequisite.BPK_OPINION: "WTP",
        Prerequisite.SAKIP: _("minimal %(g)s") % {"g": "BB" if high else "B"},
        Prerequisite.INDEKS_RB: _("minimal %(g)s") % {"g": "BB" if high else "B"},
        Prerequisite.SPIP: _("minimal level 3"),
        Prerequisite.CORE_SERVICE: _("ya"),
        Prerequisite.IMPACT: _("ya"),
        Prerequisite.TLHP: "100 %",
        Prerequisite.LHKPN: "100 %",
        Prerequisite.ZI_SINCE: _("paling lambat satu tahun sebelum batas pengusulan"),
        Prerequisite.SAKIP_UNIT: _("minimal %(g)s") % {"g": "BB" if high else "B"},
    }[key]


def meets(key: str, value: str, level: str, deadline: date) -> bool:
    """Does ``value`` meet Tabel 5 for ``key`` at ``level``?"""
    value = (value or "").strip()
    if not value:
        return False
    minimum = "BB" if level == "WBBM" else "B"
    if key == Prerequisite.BPK_OPINION:
        return value.upper() == "WTP"
    if key in GRADED:
        return _grade_at_least(value, minimum)
    if key == Prerequisite.SPIP:
        number = _number(value)
        return number is not None and number >= 3
    if key in YES_NO:
        return value.lower() == "ya"
    if key in PERCENT:
        number = _number(value.rstrip("%").strip())
        return number is not None and number >= 100
    if key == Prerequisite.ZI_SINCE:
        since = parse_date(value)
        return since is not None and since <= deadline.replace(year=deadline.year - 1)
    return False


@dataclass
class Item:
    key: str
    label: str
    value: str
    evidence_url: str
    required: str
    met: bool  # the value meets Tabel 5 and its evidence is linked


def _items(rows: dict[str, PrerequisiteValue], level: str, deadline: date) -> list[Item]:
    items = []
    for key, label in Prerequisite.choices:
        row = rows.get(key)
        value, url = (row.value, row.evidence_url) if row else ("", "")
        items.append(
            Item(key, label, value, url, required(key, level),
                 meets(key, value, level, deadline) and bool(url))
        )  # fmt: skip
    return items


def checklist(unit: Unit, year: int, level: str) -> list[Item]:
    """Every prerequisite of the unit's year for ``level``, met or not (one query)."""
    rows = {r.key: r for r in PrerequisiteValue.objects.filter(unit=unit, year=year)}
    return _items(rows, level, deadline_of(year))


@transaction.atomic
def prerequisites_save(
    *, admin: Any, unit: Unit, year: int, values: dict[str, tuple[str, str]], ip: str | None = None
) -> None:
    """Record the prerequisites (key -> (value, evidence link)); audited with what changed."""
    require(admin, Action.MANAGE_UNITS)
    before = {
        r.key: [r.value, r.evidence_url]
        for r in PrerequisiteValue.objects.filter(unit=unit, year=year)
    }
    for key, (value, url) in values.items():
        if key not in Prerequisite.values:
            continue
        PrerequisiteValue.objects.update_or_create(
            unit=unit,
            year=year,
            key=key,
            defaults={
                "value": value.strip()[:32],
                "evidence_url": url.strip(),
                "updated_by": admin,
            },
        )
    audit_record(
        actor=admin,
        action=AuditAction.PMPZI_PREREQUISITES,
        obj=unit,
        summary=f"Syarat pengusulan {unit.short_name} {year} diperbarui",
        ip=ip,
        before=before,
        after={k: list(v) for k, v in values.items()},
        unit=unit,
    )


@transaction.atomic
def deadline_set(*, admin: Any, year: int, deadline: date, ip: str | None = None) -> PmpziDeadline:
    require(admin, Action.MANAGE_UNITS)
    if deadline.year != year:
        raise EvaluationRefused(
            _("Batas pengusulan %(year)s harus jatuh pada tahun %(year)s.") % {"year": year}
        )
    row, _created = PmpziDeadline.objects.update_or_create(
        year=year, defaults={"deadline": deadline, "set_by": admin}
    )
    audit_record(
        actor=admin,
        action=AuditAction.PMPZI_DEADLINE,
        obj=row,
        summary=f"Batas pengusulan PMPZI {year}: {deadline.isoformat()}",
        ip=ip,
        after={"year": year, "deadline": deadline.isoformat()},
    )
    return row


def missing_for(unit: Unit, year: int, level: str) -> list[str]:
    """What keeps the unit from being proposed for ``level`` (see ``missing_of``)."""
    return missing_of([unit.pk], year, level)[unit.pk]


def missing_of(unit_ids: list[int], year: int, level: str) -> dict[int, list[str]]:
    """Per unit: each prerequisite not met (or without evidence) and each Tabel 6
    condition the assessors' stored figures (``lke.stored``) miss. A fixed number of
    queries for any number of units (the reminders ask for all at once)."""
    deadline = deadline_of(year)
    rows: dict[int, dict[str, PrerequisiteValue]] = defaultdict(dict)
    for row in PrerequisiteValue.objects.filter(unit_id__in=unit_ids, year=year):
        rows[row.unit_id][row.key] = row
    master = lke_selectors.master_or_404(year)
    scores_for(master, unit_ids)  # fresh rows before their figures are read
    figures = figures_for(master, unit_ids)
    result = {}
    for unit_id in unit_ids:
        items = _items(rows[unit_id], level, deadline)
        missing = [f"{i.label} ({i.required})" for i in items if not i.met]
        conditions = figures[unit_id]["tpi"]["kesiapan"][level]["syarat"]
        missing += [
            _("Tabel 6: %(c)s") % {"c": condition_label(c["kode"])}
            for c in conditions
            if not c["memenuhi"]
        ]
        result[unit_id] = missing
    return result


@transaction.atomic
def propose(
    *,
    admin: Any,
    unit: Unit,
    year: int,
    category: str,
    reason: str = "",
    ip: str | None = None,
) -> PmpziProposal:
    """Propose the unit to the TPN for ``category``; refused while anything is missing,
    unless ``reason`` says why it goes anyway (kept and audited)."""
    require(admin, Action.MANAGE_UNITS)
    if category not in (Category.WBK, Category.WBBM):
        raise EvaluationRefused(_("Pilih kategori usulan: WBK atau WBBM."))
    missing = missing_for(unit, year, category)
    reason = reason.strip()
    if missing and not reason:
        raise EvaluationRefused(
            _(
                "%(unit)s belum dapat diusulkan %(cat)s: %(missing)s. Lengkapi syaratnya, "
                "atau tulis alasan untuk tetap mengusulkan."
            )
            % {"unit": unit.short_name, "cat": category, "missing": "; ".join(missing)}
        )
    row, _created = PmpziProposal.objects.update_or_create(
        unit=unit,
        year=year,
        defaults={
            "category": category,
            "missing": missing,
            "override_reason": reason if missing else "",
            "proposed_by": admin,
        },
    )
    Proposal.objects.update_or_create(unit=unit, year=year, defaults={"category": category})
    audit_record(
        actor=admin,
        action=AuditAction.PMPZI_PROPOSE,
        obj=row,
        summary=f"{unit.short_name} diusulkan {category} {year}"
        + (" meskipun syarat belum lengkap" if missing else ""),
        ip=ip,
        after={"category": category, "missing": missing, "reason": reason if missing else ""},
        unit=unit,
    )
    return row
