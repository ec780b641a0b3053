"""PortalRB's ``jawaban-unit`` document built from the answers (the JSON download, the
XLSX, PortalRB's endpoint), and its evidence links read back (``split_support``). The
import itself is ``importing.py``."""

from __future__ import annotations

import re

from django.conf import settings

from workplan.models import Unit
from zi_portal.core.links import absolute_url

from .models import LkeAnswer, LkeMaster, Side
from .selectors import answers_of, parsed_master

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


def split_support(text: str | None) -> tuple[list[int], list[int], str]:
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
