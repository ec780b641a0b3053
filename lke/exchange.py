"""PortalRB's ``jawaban-unit`` document, both ways: built from the answers (the JSON
download, the XLSX, PortalRB's endpoint) and read back (the Ketua Tim's import and
``import_lke_answers``), all answers or none."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from evidence.models import EvidenceVersion
from workplan.models import EvidenceRequirement, Unit
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction
from zi_portal.core.links import absolute_url

from .models import LkeAnswer, LkeAnswerChange, LkeMaster, LkeQuestion, Side
from .selectors import answers_of, master_for_year, parsed_master
from .services import LkeRefused, answer_save, clean_value

_ITEM_URL_RE = re.compile(r"/butir/(\d+)/?$")
_VERSION_URL_RE = re.compile(r"/versi/(\d+)/unduh/?$")


def bukti_dukung(answer: LkeAnswer | None) -> str | None:
    """Links to the evidence in the portal, then the other support, one per line."""
    if answer is None:
        return None
    lines = [absolute_url("evidence:item", r.pk) for r in answer.evidence_items.all()]
    lines += [absolute_url("evidence:download", v.pk) for v in answer.evidence_versions.all()]
    if answer.support:
        lines.append(answer.support)
    return "\n".join(lines) or None


def jawaban_unit(*, unit: Unit, master: LkeMaster) -> dict:
    """The ``GET /lke/jawaban-unit/{unit_id}`` document: one entry per master soal."""
    tree = parsed_master(master)
    mine = answers_of(unit=unit, master=master, side=Side.UNIT)
    tpi = answers_of(unit=unit, master=master, side=Side.TPI)

    def text(value: str | None) -> str | None:
        return value or None

    answers = []
    for soal_id in tree.questions:
        u, t = mine.get(soal_id), tpi.get(soal_id)
        answers.append(
            {
                "soal_id": soal_id,
                "jawaban_unit": text(u.value) if u else None,
                "jawaban_tpi": text(t.value) if t else None,
                "catatan_unit": text(u.note) if u else None,
                "bukti_dukung_unit": bukti_dukung(u),
                "catatan_tpi": text(t.note) if t else None,
            }
        )
    return {
        "unit_id": unit.code,
        "nama_unit": unit.name,
        "tahun": master.year,
        "answers": answers,
    }


def _split_support(text: str | None) -> tuple[list[int], list[int], str]:
    """Portal links back to item and version ids; everything else stays free text."""
    item_ids, version_ids, rest = [], [], []
    prefix = settings.ZI_SITE_URL.rstrip("/") + "/"
    for line in (text or "").splitlines():
        line = line.strip()
        item = _ITEM_URL_RE.search(line)
        version = _VERSION_URL_RE.search(line)
        if item and line.startswith(prefix):
            item_ids.append(int(item.group(1)))
        elif version and line.startswith(prefix):
            version_ids.append(int(version.group(1)))
        elif line:
            rest.append(line)
    return item_ids, version_ids, "\n".join(rest)


@dataclass
class ImportResult:
    unit: Unit
    year: int
    changed: int
    unchanged: int


def _field(entry: dict, key: str, index: int) -> str | None:
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise LkeRefused(
        _("Entri ke-%(n)s: %(k)s harus berupa teks atau null.") % {"n": index, "k": key}
    )


@transaction.atomic
def import_jawaban_unit(
    raw: bytes, *, user: Any = None, year: int | None = None, ip: str | None = None
) -> ImportResult:
    """Import a ``jawaban-unit`` document: all answers or none. In the portal the file's
    unit must be the importing person's own; the command line is the operator's."""
    if user is not None:
        require(user, Action.MANAGE_LKE)
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
    master = master_for_year(year)
    if master is None:
        raise LkeRefused(
            _("Master soal LKE tahun %(y)s belum dimuat (load_lke_master).") % {"y": year}
        )
    tree = parsed_master(master)
    questions = {q.soal_id: q for q in LkeQuestion.objects.filter(master=master)}
    items = {r.pk: r for r in EvidenceRequirement.objects.filter(cell__quarter__plan__unit=unit)}
    versions = {
        v.pk: v
        for v in EvidenceVersion.objects.filter(
            requirement__cell__quarter__plan__unit=unit
        ).select_related("requirement__cell__quarter")
    }
    changed = unchanged = 0
    seen = set()
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
        if soal_id in seen:
            raise LkeRefused(_("soal_id %(id)s muncul dua kali.") % {"id": soal_id})
        seen.add(soal_id)
        ids, version_ids, support = _split_support(_field(entry, "bukti_dukung_unit", index))
        unknown = [i for i in ids if i not in items] + [i for i in version_ids if i not in versions]
        if unknown:
            raise LkeRefused(
                _("Soal %(id)s: tautan bukti dukung %(ids)s bukan butir bukti dukung unit ini.")
                % {"id": soal_id, "ids": ", ".join(map(str, unknown))}
            )
        picked = [versions[i] for i in version_ids]
        sides = [
            (Side.UNIT, "jawaban_unit", "catatan_unit", [items[i] for i in ids], support),
            (Side.TPI, "jawaban_tpi", "catatan_tpi", [], ""),
        ]
        for side, value_key, note_key, evidence, other in sides:
            side_versions = picked if side == Side.UNIT else []
            value, note = _field(entry, value_key, index), _field(entry, note_key, index)
            exists = LkeAnswer.objects.filter(
                unit=unit, question=questions[soal_id], side=side
            ).exists()
            if not exists and not (value or note or evidence or side_versions or other):
                continue
            clean_value(tree.questions[soal_id], value)  # refuse before writing anything
            _answer, did = answer_save(
                unit=unit,
                question=questions[soal_id],
                side=side,
                user=user,
                value=value,
                note=note or "",
                support=other,
                evidence_items=evidence,
                evidence_versions=side_versions,
                source=LkeAnswerChange.Source.IMPORT,
                ip=ip,
            )
            changed += did
            unchanged += not did
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.LKE_IMPORT,
        obj=master,
        summary=f"Impor jawaban LKE {year} {unit.code}: {changed} berubah, {unchanged} tetap",
        after={"unit": unit.code, "changed": changed, "unchanged": unchanged},
    )
    return ImportResult(unit=unit, year=year, changed=changed, unchanged=unchanged)
