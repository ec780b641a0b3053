"""The recap of the units of a year: its figures are the LKE score endpoint's for every
unit, kept when answers change, computed again under new rules; the reader sees the
units assigned to them and only those; a constant number of queries."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from lke import scoring, selectors, services
from lke.models import Predicate, Side, StoredScore
from tests.ministry.conftest import YEAR, signed_in
from tests.multiunit import UNIT_B
from workplan.choices import AREA_ORDER
from workplan.documents import plan_document
from workplan.models import Unit
from workplan.services import plan_import

pytestmark = pytest.mark.django_db


_client = signed_in


def _conditions(figures: dict, level: str) -> list[tuple]:
    return [(c["kode"], c["memenuhi"], c["nilai"]) for c in figures["kesiapan"][level]["syarat"]]


def test_recap_figures_equal_the_score_endpoint_for_every_unit(two_units):
    client = _client("inspektorat@example.org")
    recap = client.get(f"/api/v1/plans/{YEAR}/recap/").json()
    assert {row["kode"] for row in recap["unit"]} == {two_units["a"].code, UNIT_B}
    for row in recap["unit"]:
        unit = Unit.objects.get(code=row["kode"])
        assert client.post("/unit/pindah/", {"unit": unit.pk}).status_code == 302
        for side in ("unit", "tpi"):
            score = client.get(f"/api/v1/plans/{YEAR}/lke/score/?by={side}").json()
            mine = row[side]
            assert mine["total"] == score["total"]
            assert mine["pengungkit"] == score["pengungkit"]["nilai"]
            assert mine["area"] == {a["kode"]: a["nilai"] for a in score["pengungkit"]["area"]}
            assert mine["hasil"] == score["hasil"]["nilai"]
            assert mine["ipak"] == score["hasil"]["birokrasi_bersih_akuntabel"]["ipak"]
            assert mine["pelayanan_prima"] == score["hasil"]["pelayanan_publik_prima"]["nilai"]
            for level in ("WBK", "WBBM"):
                assert mine["kesiapan"][level]["memenuhi"] == score["kesiapan"][level]["memenuhi"]
                assert _conditions(mine, level) == _conditions(score, level)
    # Unit B's assessors have not answered: its TPI total is the empty LKE's.
    b = next(r for r in recap["unit"] if r["kode"] == UNIT_B)
    assert b["nilai_tpi"] == 0.0 and b["nilai_unit"] > 0


def test_the_stored_score_follows_answers_predicates_and_rules(two_units, monkeypatch):
    master, unit = two_units["master"], two_units["a"]
    row = StoredScore.objects.get(unit=unit, master=master)
    assert float(row.unit_total) == float(
        scoring.r2(selectors.unit_score(unit=unit, master=master, side=Side.UNIT).total)
    )
    # An answer changed through the form's service moves the stored figure at once.
    tree = selectors.parsed_master(master)
    sid = next(s for s, q in tree.questions.items() if q.answer_type in scoring.CHOICE_TYPES)
    question = master.questions.get(soal_id=sid)
    for option in tree.questions[sid].options:
        services.answer_save(
            unit=unit, question=question, side=Side.UNIT, user=None, value=option.key
        )
        row.refresh_from_db()
        assert float(row.unit_total) == float(
            scoring.r2(selectors.unit_score(unit=unit, master=master, side=Side.UNIT).total)
        )
    # A predicate (the WBBM condition) recomputes the unit's row, from the admin too.
    Predicate.objects.create(unit=unit, kind=Predicate.Kind.WBK, year=YEAR - 1)
    row.refresh_from_db()
    wbbm = {c["kode"]: c["memenuhi"] for c in row.figures["unit"]["kesiapan"]["WBBM"]["syarat"]}
    assert wbbm["predikat_wbk"] is True
    # Rows made under other rules are computed again when read, not shown.
    StoredScore.objects.filter(unit=unit).update(unit_total=0, figures={"stale": True})
    monkeypatch.setattr(scoring, "RULES_VERSION", scoring.RULES_VERSION + 1)
    recap = _client("inspektorat@example.org").get(f"/api/v1/plans/{YEAR}/recap/").json()
    a = next(r for r in recap["unit"] if r["kode"] == unit.code)
    assert a["nilai_unit"] == float(row.unit_total) and a["nilai_unit"] > 0
    assert StoredScore.objects.get(unit=unit).rules_version == scoring.RULES_VERSION


def test_each_reader_sees_the_units_assigned_to_them(two_units):
    third = Unit.objects.create(code="UNIT-C", name="Unit C", short_name="Unit C")
    admin = _client("admin.kementerian@example.org").get(f"/api/v1/plans/{YEAR}/recap/").json()
    assert {r["kode"] for r in admin["unit"]} >= {two_units["a"].code, UNIT_B, third.code}
    # The demo unit's own TPI sees their unit; unit B's Ketua has no recap.
    own = _client("tpi@example.org").get(f"/api/v1/plans/{YEAR}/recap/").json()
    assert [r["kode"] for r in own["unit"]] == [two_units["a"].code]
    refused = _client("ketua@unit-b.test").get(f"/kementerian/rekap/{YEAR}/")
    assert refused.status_code == 403
    assert "Rekapitulasi unit hanya untuk" in refused.content.decode()
    page = _client("inspektorat@example.org").get(f"/kementerian/rekap/{YEAR}/").content.decode()
    assert 'data-unit="UNIT-UJI-B"' in page and 'data-unit="UNIT-C"' not in page


def test_recap_filters_sorts_and_downloads(two_units):
    client = _client("inspektorat@example.org")
    by_unit = client.get(f"/api/v1/plans/{YEAR}/recap/?oleh=unit&urut=nilai_unit&arah=turun").json()
    totals = [r["nilai_unit"] for r in by_unit["unit"]]
    assert totals == sorted(totals, reverse=True)
    proposed = client.get(f"/api/v1/plans/{YEAR}/recap/?status=diusulkan").json()
    assert [r["kode"] for r in proposed["unit"]] == [two_units["a"].code]  # seeded proposal
    response = client.get(f"/kementerian/rekap/{YEAR}/xlsx/?oleh=unit")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    rows = {
        r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    api = {r["kode"]: r for r in by_unit["unit"]}
    for code, row in rows.items():
        assert row["Nilai unit"] == api[code]["nilai_unit"]
        assert row["Nilai asesor"] == api[code]["nilai_tpi"]
        assert row["Pengungkit"] == api[code]["unit"]["pengungkit"]
        assert row["Butir bukti"] == api[code]["bukti_dukung"]["jumlah"] > 0
    assert {f"{code} (%)" for code in AREA_ORDER} <= set(header)


def test_recap_queries_do_not_grow_with_units(two_units):
    client = _client("admin.kementerian@example.org")

    def queries() -> int:
        client.get(f"/kementerian/rekap/{YEAR}/")  # warm: scores stored, tallies cached
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/kementerian/rekap/{YEAR}/").status_code == 200
        return len(captured)

    before = queries()
    for n in range(3):  # units with a plan (a copy of the demo's) and without
        unit = Unit.objects.create(code=f"UNIT-X{n}", name=f"Unit X{n}", short_name=f"Unit X{n}")
        plan_import(data=plan_document(two_units["plan"], unit=unit, year=YEAR))
        Unit.objects.create(code=f"UNIT-Y{n}", name=f"Unit Y{n}", short_name=f"Unit Y{n}")
    assert queries() == before
