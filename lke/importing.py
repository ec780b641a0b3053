"""Reading a ``jawaban-unit`` document back in (the Ketua Tim's import page and
``import_lke_answers``): the whole file is checked first, then what it would change is
worked out without writing (new, changed, cleared, per soal and side), then, when the
user confirms, written in one transaction: all answers or none.

Two modes, because a file that leaves soal out is ambiguous:

- ``replace``: the file is the unit's whole LKE; answers of soal not in the file are
  cleared, so the score after the import is the file's score.
- ``merge``: only the soal in the file change; the others keep their answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.models import EvidenceVersion
from workplan.models import EvidenceRequirement, Unit
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction

from . import scoring, stored
from .exchange import split_support
from .models import LkeAnswer, LkeAnswerChange, LkeMaster, LkeQuestion, Side
from .selectors import master_for_year, parsed_master
from .services import LkeRefused, answer_save, clean_value
from .validation import clean_text

MERGE, REPLACE = "merge", "replace"
MODES = (MERGE, REPLACE)
MODE_LABELS = {
    REPLACE: gettext_lazy("ganti semua jawaban"),
    MERGE: gettext_lazy("hanya soal yang ada di berkas"),
}
NEW, CHANGED, CLEARED = "new", "changed", "cleared"


@dataclass(frozen=True)
class Content:
    """One side's answer as it is stored: what an import compares and writes."""

    value: str = ""
    note: str = ""
    support: str = ""
    items: tuple[int, ...] = ()
    versions: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.value or self.note or self.support or self.items or self.versions)


@dataclass(frozen=True)
class Change:
    soal_id: int
    side: str
    kind: str  # NEW | CHANGED | CLEARED
    before: str
    after: str


@dataclass
class Plan:
    """What importing one file would do, in one mode."""

    mode: str
    changes: list[Change]
    kept: int  # soal answered before and not in the file (merge keeps them)
    score_before: dict[str, Decimal]  # side → total
    score_after: dict[str, Decimal]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in (NEW, CHANGED, CLEARED)}


@dataclass
class Parsed:
    unit: Unit
    year: int
    master: LkeMaster
    questions: dict[int, LkeQuestion]
    wanted: dict[tuple[int, str], Content]  # what the file says, per (soal, side)
    current: dict[tuple[int, str], Content]  # what is stored now
    items: dict[int, EvidenceRequirement] = field(repr=False)
    versions: dict[int, EvidenceVersion] = field(repr=False)


@dataclass
class ImportResult:
    unit: Unit
    year: int
    mode: str
    changed: int
    unchanged: int
    plan: Plan


def _field(entry: dict, key: str, index: int) -> str | None:
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise LkeRefused(
        _("Entri ke-%(n)s: %(k)s harus berupa teks atau null.") % {"n": index, "k": key}
    )


def _document(raw: bytes) -> dict:
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LkeRefused(_("Berkas bukan JSON yang sah: %(e)s") % {"e": exc}) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("answers"), list):
        raise LkeRefused(
            _(
                "Format tidak dikenal: diharapkan objek jawaban-unit PortalRB dengan unit_id, "
                "tahun dan daftar answers."
            )
        )
    return doc


def _unit_and_year(doc: dict, *, user: Any, year: int | None) -> tuple[Unit, int]:
    unit_id = doc.get("unit_id")
    units = Unit.objects.all() if user is None else Unit.objects.restrict(user, Action.MANAGE_LKE)
    unit = units.filter(code=str(unit_id)).first() if unit_id is not None else None
    if unit is None:
        raise LkeRefused(
            _("Unit “%(u)s” pada berkas tidak terdaftar di portal. Unit yang ada: %(all)s.")
            % {"u": unit_id, "all": ", ".join(units.values_list("code", flat=True))}
        )
    file_year = doc.get("tahun")
    if file_year is not None and (not isinstance(file_year, int) or isinstance(file_year, bool)):
        raise LkeRefused(_("Kolom tahun pada berkas harus bilangan bulat, mis. 2026."))
    year = year or file_year
    if not isinstance(year, int) or isinstance(year, bool):
        raise LkeRefused(_("Tahun tidak ada pada berkas; sebutkan dengan --year."))
    if file_year not in (None, year):
        raise LkeRefused(
            _("Berkas untuk tahun %(f)s, tetapi impor diminta untuk tahun %(y)s.")
            % {"f": file_year, "y": year}
        )
    return unit, year


def _stored(unit: Unit, master: LkeMaster) -> dict[tuple[int, str], Content]:
    rows = (
        LkeAnswer.objects.filter(unit=unit, question__master=master)
        .select_related("question")
        .prefetch_related("evidence_items", "evidence_versions")
    )
    return {
        (a.question.soal_id, a.side): Content(
            a.value,
            a.note,
            a.support,
            tuple(sorted(r.pk for r in a.evidence_items.all())),
            tuple(sorted(v.pk for v in a.evidence_versions.all())),
        )
        for a in rows
    }


def parse(raw: bytes, *, user: Any = None, year: int | None = None) -> Parsed:
    """Check the whole file (LkeRefused in Indonesian on the first fault); write nothing."""
    if user is not None:
        require(user, Action.MANAGE_LKE)
    doc = _document(raw)
    unit, year = _unit_and_year(doc, user=user, year=year)
    master = master_for_year(year)
    if master is None:
        raise LkeRefused(
            _("Master soal LKE tahun %(y)s belum dimuat (load_lke_master).") % {"y": year}
        )
    tree = parsed_master(master)
    questions = {q.soal_id: q for q in LkeQuestion.objects.filter(master=master)}
    items = {r.pk: r for r in EvidenceRequirement.objects.filter(cell__quarter__plan__unit=unit)}
    versions = {
        v.pk: v for v in EvidenceVersion.objects.filter(requirement__cell__quarter__plan__unit=unit)
    }
    wanted: dict[tuple[int, str], Content] = {}
    for index, entry in enumerate(doc["answers"], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("soal_id"), int):
            raise LkeRefused(
                _("Entri ke-%(n)s tidak memiliki soal_id bilangan bulat.") % {"n": index}
            )
        soal_id = entry["soal_id"]
        if soal_id not in questions:
            raise LkeRefused(
                _("Entri ke-%(n)s: soal_id %(id)s tidak ada di master soal %(y)s.")
                % {"n": index, "id": soal_id, "y": year}
            )
        if (soal_id, Side.UNIT) in wanted:
            raise LkeRefused(_("soal_id %(id)s muncul dua kali.") % {"id": soal_id})
        ids, version_ids, support = split_support(_field(entry, "bukti_dukung_unit", index))
        unknown = [i for i in ids if i not in items] + [i for i in version_ids if i not in versions]
        if unknown:
            raise LkeRefused(
                _("Soal %(id)s: tautan bukti dukung %(ids)s bukan butir bukti dukung unit ini.")
                % {"id": soal_id, "ids": ", ".join(map(str, unknown))}
            )
        question = tree.questions[soal_id]
        for side, value_key, note_key in (
            (Side.UNIT, "jawaban_unit", "catatan_unit"),
            (Side.TPI, "jawaban_tpi", "catatan_tpi"),
        ):
            unit_side = side == Side.UNIT
            wanted[soal_id, side] = Content(
                clean_value(question, _field(entry, value_key, index)),
                clean_text(_field(entry, note_key, index), soal_id=soal_id),
                clean_text(support, soal_id=soal_id) if unit_side else "",
                tuple(sorted(set(ids))) if unit_side else (),
                tuple(sorted(set(version_ids))) if unit_side else (),
            )
    return Parsed(unit, year, master, questions, wanted, _stored(unit, master), items, versions)


def _targets(parsed: Parsed, mode: str) -> dict[tuple[int, str], Content]:
    """What every (soal, side) is to become: the file's; in replace mode, empty for the
    stored answers the file leaves out."""
    targets = dict(parsed.wanted)
    if mode == REPLACE:
        for key in parsed.current:
            targets.setdefault(key, Content())
    return targets


def _totals(parsed: Parsed, contents: dict[tuple[int, str], Content]) -> dict[str, Decimal]:
    """Each side's LKE total (the predicate only matters to readiness, not the total)."""
    tree = parsed_master(parsed.master)
    totals = {}
    for side in (Side.UNIT, Side.TPI):
        values = {s: c.value for (s, sd), c in contents.items() if sd == side and c.value}
        totals[side] = scoring.r2(scoring.score(tree, values).total)
    return totals


def unchanged(parsed: Parsed, mode: str) -> int:
    """Answers the file (or, replacing, the clearing) leaves as they are."""
    return sum(1 for k, t in _targets(parsed, mode).items() if t and t == parsed.current.get(k))


def plan(parsed: Parsed, mode: str) -> Plan:
    if mode not in MODES:
        raise LkeRefused(_("Pilih cara impor: ganti semua jawaban atau hanya soal di berkas."))
    changes = []
    after = dict(parsed.current)
    for key, target in sorted(_targets(parsed, mode).items()):
        before = parsed.current.get(key, Content())
        if target == before:
            continue
        kind = NEW if not before else CLEARED if not target else CHANGED
        changes.append(Change(key[0], key[1], kind, before.value, target.value))
        after[key] = target
    in_file = {soal for soal, _side in parsed.wanted}
    kept = len({soal for (soal, _side), c in parsed.current.items() if c and soal not in in_file})
    return Plan(
        mode,
        changes,
        kept if mode == MERGE else 0,
        _totals(parsed, parsed.current),
        _totals(parsed, after),
    )


def _apply(parsed: Parsed, change: Change, targets: dict, *, user: Any, ip: str | None) -> bool:
    """Save one planned change; did it change the answer?"""
    target = targets[change.soal_id, change.side]
    _answer, did = answer_save(
        unit=parsed.unit,
        question=parsed.questions[change.soal_id],
        side=change.side,
        user=user,
        value=target.value,
        note=target.note,
        support=target.support,
        evidence_items=[parsed.items[i] for i in target.items],
        evidence_versions=[parsed.versions[i] for i in target.versions],
        source=LkeAnswerChange.Source.IMPORT,
        ip=ip,
    )
    return did


@transaction.atomic
def import_jawaban_unit(
    raw: bytes,
    *,
    user: Any = None,
    year: int | None = None,
    ip: str | None = None,
    mode: str = MERGE,
) -> ImportResult:
    """Import a ``jawaban-unit`` document in ``mode``: all of it or nothing. In the portal
    the file's unit must be the importing person's own; the command line is the
    operator's."""
    parsed = parse(raw, user=user, year=year)
    the_plan = plan(parsed, mode)
    targets = _targets(parsed, mode)
    unchanged_count = unchanged(parsed, mode)
    with stored.scores_deferred():  # the unit is scored once, at the end
        changed = sum(
            _apply(parsed, change, targets, user=user, ip=ip) for change in the_plan.changes
        )
    counts = the_plan.counts
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.LKE_IMPORT,
        obj=parsed.master,
        summary=f"Impor jawaban LKE {parsed.year} {parsed.unit.code} ({mode}): "
        f"{counts[NEW]} baru, {counts[CHANGED]} berubah, {counts[CLEARED]} dikosongkan",
        after={"unit": parsed.unit.code, "mode": mode, **counts, "unchanged": unchanged_count},
    )
    return ImportResult(parsed.unit, parsed.year, mode, changed, unchanged_count, the_plan)
