"""The import page's preview: the checked file kept in the cache between "see what it
changes" and "apply" (keyed by the person and a random token, 30 minutes), and what the
preview page shows: every change the file makes, the answers replacing would clear
besides, and each side's LKE total now and after either mode."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import importing
from .models import Side
from .selectors import parsed_master

PREVIEW_TIMEOUT = 30 * 60
BADGES = {
    importing.NEW: "badge-ok",
    importing.CHANGED: "badge-warn",
    importing.CLEARED: "badge-bad",
}
KIND_LABELS = {
    importing.NEW: gettext_lazy("baru"),
    importing.CHANGED: gettext_lazy("berubah"),
    importing.CLEARED: gettext_lazy("dikosongkan"),
}


def _key(user: Any, token: str) -> str:
    return f"lke-import:{user.pk}:{token}"


def store(user: Any, raw: bytes) -> str:
    token = secrets.token_urlsafe(16)
    cache.set(_key(user, token), raw, PREVIEW_TIMEOUT)
    return token


def load(user: Any, token: str) -> bytes | None:
    if not token or len(token) > 64:
        return None
    return cache.get(_key(user, token))


def drop(user: Any, token: str) -> None:
    cache.delete(_key(user, token))


def _rows(parsed: importing.Parsed, changes: list[importing.Change]) -> list[dict]:
    tree = parsed_master(parsed.master)
    return [
        {
            "soal_id": c.soal_id,
            "text": tree.questions[c.soal_id].text,
            "side": Side(c.side).label,
            "kind": c.kind,
            "kind_label": KIND_LABELS[c.kind],
            "badge": BADGES[c.kind],
            "before": c.before,
            "after": c.after,
        }
        for c in changes
    ]


def context(raw: bytes, *, user: Any, year: int, token: str | None = None) -> dict:
    """The preview page's context; LkeRefused (nothing stored) when the file is refused."""
    parsed = importing.parse(raw, user=user, year=year)
    merge, replace = (importing.plan(parsed, mode) for mode in (importing.MERGE, importing.REPLACE))
    in_merge = {(c.soal_id, c.side) for c in merge.changes}
    only_replace = [c for c in replace.changes if (c.soal_id, c.side) not in in_merge]
    return {
        "token": token or store(user, raw),
        "unit": parsed.unit,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "soal_in_file": len({soal for soal, _side in parsed.wanted}),
        "merge": merge,
        "replace": replace,
        "rows": _rows(parsed, merge.changes),
        "cleared_rows": _rows(parsed, only_replace),
        "sides": [
            {
                "label": Side(side).label,
                "now": merge.score_before[side],
                "merge": merge.score_after[side],
                "replace": replace.score_after[side],
            }
            for side in (Side.UNIT, Side.TPI)
        ],
    }


def done_message(result: importing.ImportResult) -> str:
    counts = result.plan.counts
    return _(
        "Impor selesai untuk %(unit)s (%(mode)s): %(new)s jawaban baru, %(changed)s "
        "berubah, %(cleared)s dikosongkan, %(same)s tetap. Nilai LKE unit kini %(total)s."
    ) % {
        "unit": result.unit,
        "mode": importing.MODE_LABELS[result.mode],
        "new": counts[importing.NEW],
        "changed": counts[importing.CHANGED],
        "cleared": counts[importing.CLEARED],
        "same": result.unchanged,
        "total": number_format(result.plan.score_after[Side.UNIT], 2),
    }
