"""Each unit's LKE figures kept in ``StoredScore``, so that a recap of a thousand units
reads rows instead of scoring each unit per request.

The row is written inside the transaction that changes what the score is made of: an
answer (``answer_save``), a predicate (its receiver below). An import, which saves many
answers, scores once at its end (``scores_deferred``). A row made under other rules
(``scoring.RULES_VERSION``) or another master list (its SHA-256) is stale; ``scores_for``
computes stale and missing rows when it reads them, so a rule change or a new master
never shows old figures."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import scoring
from .models import LkeAnswer, LkeMaster, Predicate, Side, StoredScore
from .selectors import parsed_master

_deferred = threading.local()


def figures(result: scoring.Score) -> dict[str, Any]:
    """The recap's figures of one side, with the numbers exactly as the score endpoint
    (``scoring.as_dict``) gives them: total, Pengungkit, each area's score, maximum
    and share, each Hasil component, and every Tabel 6 condition."""
    full = scoring.as_dict(result)
    hasil = full["hasil"]
    return {
        "total": full["total"],
        "pengungkit": full["pengungkit"]["nilai"],
        "pengungkit_maks": full["pengungkit"]["maks"],
        "area": {
            a["kode"]: {"nilai": a["nilai"], "maks": a["maks"], "persen": a["persen"]}
            for a in full["pengungkit"]["area"]
        },
        "hasil": hasil["nilai"],
        "ipak": hasil["birokrasi_bersih_akuntabel"]["ipak"],
        "kinerja": hasil["birokrasi_bersih_akuntabel"]["kinerja"],
        "bersih": hasil["birokrasi_bersih_akuntabel"]["nilai"],
        "prima": hasil["pelayanan_publik_prima"]["nilai"],
        "terjawab": full["terjawab"],
        "jumlah_item": full["jumlah_item"],
        "kesiapan": {
            level: {
                "memenuhi": r["memenuhi"],
                "syarat": [
                    {k: c[k] for k in ("kode", "minimum", "nilai", "memenuhi")} for c in r["syarat"]
                ],
            }
            for level, r in full["kesiapan"].items()
        },
    }


def _values(master: LkeMaster, unit_ids: list[int]) -> dict[tuple[int, str], dict[int, str]]:
    """Both sides' answer values of ``unit_ids`` (one query)."""
    values: dict[tuple[int, str], dict[int, str]] = {}
    rows = (
        LkeAnswer.objects.filter(unit_id__in=unit_ids, question__master=master)
        .exclude(value="")
        .values_list("unit_id", "side", "question__soal_id", "value")
    )
    for unit_id, side, soal_id, value in rows:
        values.setdefault((unit_id, side), {})[soal_id] = value
    return values


def scores_compute(master: LkeMaster, unit_ids: Iterable[int]) -> dict[int, StoredScore]:
    """Score ``unit_ids`` for ``master`` and store the rows (three queries and one
    upsert, whatever the number of units)."""
    unit_ids = sorted(set(unit_ids))
    if not unit_ids:
        return {}
    tree = parsed_master(master)
    values = _values(master, unit_ids)
    holders = set(
        Predicate.objects.filter(
            unit_id__in=unit_ids,
            kind__in=[Predicate.Kind.WBK, Predicate.Kind.WBBM],
            year__lt=master.year,
        ).values_list("unit_id", flat=True)
    )
    rows = []
    for unit_id in unit_ids:
        sides = {
            side: scoring.score(
                tree, values.get((unit_id, side), {}), wbk_predicate=unit_id in holders
            )
            for side in (Side.UNIT, Side.TPI)
        }
        u, t = sides[Side.UNIT], sides[Side.TPI]
        rows.append(
            StoredScore(
                unit_id=unit_id,
                master=master,
                rules_version=scoring.RULES_VERSION,
                master_sha256=master.sha256,
                unit_total=scoring.r2(u.total),
                tpi_total=scoring.r2(t.total),
                unit_pengungkit=scoring.r2(u.pengungkit),
                tpi_pengungkit=scoring.r2(t.pengungkit),
                unit_wbk=u.readiness["WBK"].met,
                unit_wbbm=u.readiness["WBBM"].met,
                tpi_wbk=t.readiness["WBK"].met,
                tpi_wbbm=t.readiness["WBBM"].met,
                figures={"unit": figures(u), "tpi": figures(t)},
            )
        )
    fields = [
        "rules_version", "master_sha256", "unit_total", "tpi_total", "unit_pengungkit",
        "tpi_pengungkit", "unit_wbk", "unit_wbbm", "tpi_wbk", "tpi_wbbm", "figures",
        "computed_at",
    ]  # fmt: skip
    StoredScore.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["unit", "master"],
        update_fields=fields,
    )
    return {row.unit_id: row for row in rows}


def _fresh(row: StoredScore, master: LkeMaster) -> bool:
    return row.rules_version == scoring.RULES_VERSION and row.master_sha256 == master.sha256


def scores_for(master: LkeMaster, unit_ids: Iterable[int]) -> dict[int, StoredScore]:
    """The stored rows of ``unit_ids`` without their figures (the columns sort and
    filter a recap); missing or stale ones are computed now. One query when all are
    fresh; ``figures_for`` then reads the figures of the rows a page shows."""
    unit_ids = set(unit_ids)
    rows = {
        row.unit_id: row
        for row in StoredScore.objects.filter(master=master, unit_id__in=unit_ids).defer("figures")
    }
    stale = {pk for pk in unit_ids if pk not in rows or not _fresh(rows[pk], master)}
    if stale:
        with transaction.atomic():
            rows.update(scores_compute(master, stale))
    return rows


def figures_for(master: LkeMaster, unit_ids: Iterable[int]) -> dict[int, dict]:
    """``{"unit": …, "tpi": …}`` figures of ``unit_ids`` (one query; read after
    ``scores_for``, which made them fresh)."""
    return dict(
        StoredScore.objects.filter(master=master, unit_id__in=list(unit_ids)).values_list(
            "unit_id", "figures"
        )
    )


def score_changed(unit_id: int, master: LkeMaster) -> None:
    """The unit's answers or predicates changed: store its score now, or at the end of
    the enclosing ``scores_deferred`` block."""
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending.setdefault(master.pk, (master, set()))[1].add(unit_id)
        return
    scores_compute(master, [unit_id])


@receiver([post_save, post_delete], sender=Predicate, dispatch_uid="stored_scores_predicate")
def predicate_changed(sender, instance: Predicate, raw: bool = False, **kwargs) -> None:
    """A predicate of the unit changed (the portal's form or the admin): every year's
    score may move, since the WBBM readiness reads it (A6)."""
    if raw:
        return
    for master in LkeMaster.objects.all():  # the year may have moved either way
        score_changed(instance.unit_id, master)


@contextmanager
def scores_deferred() -> Iterator[None]:
    """Score each changed unit once, when the block ends without an error (inside the
    caller's transaction), instead of at every answer."""
    outer = getattr(_deferred, "pending", None) is not None
    if outer:
        yield
        return
    _deferred.pending = {}
    try:
        yield
        pending = _deferred.pending
    finally:
        _deferred.pending = None
    for master, unit_ids in pending.values():
        scores_compute(master, unit_ids)
