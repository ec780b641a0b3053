"""Formula injection through the LKE workbook: the unit's notes and other support and
the TPI's notes, answered on the LKE pages, and a unit name (from the plan document)
that start like formulas, downloaded signed in and exported with
``export_lke_answers --xlsx``: every such text arrives as text behind a single quote, no
cell is a formula, and counts and scores stay numbers."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from lke.models import LkeAnswer, Side
from tests.spreadsheets import PAYLOADS, assert_xlsx_inert

VALUES = {1: "Ya", 2: "A", 3: "Ya", 4: "A", 5: "B", 6: "C"}  # soal id → a valid answer
COUNT_SOAL = 110  # a Jumlah question: its answer is a number in the sheet
UNIT_NAME = PAYLOADS[2]


@pytest.fixture
def hostile(demo, client):
    users = demo["users"]
    unit = demo["plan"].unit
    unit.name = UNIT_NAME
    unit.save(update_fields=["name"])
    for who, side in (("ketua", Side.UNIT), ("tpi", Side.TPI)):
        client.force_login(users[who])
        for (soal_id, value), payload in zip(VALUES.items(), PAYLOADS, strict=True):
            data = {"side": side, "value": value, "note": payload}
            if side == Side.UNIT:
                data["support"] = payload
            response = client.post(reverse("lke:answer", args=[2026, soal_id]), data)
            assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(users["ketua"])
    response = client.post(
        reverse("lke:answer", args=[2026, COUNT_SOAL]), {"side": Side.UNIT, "value": "12"}
    )
    assert response.status_code == 302
    assert LkeAnswer.objects.filter(unit=unit, note__in=[p.strip() for p in PAYLOADS]).count()
    client.logout()
    return demo


def _check(data: bytes) -> None:
    book = assert_xlsx_inert(data, payloads=[*PAYLOADS, UNIT_NAME])
    answers = book["Jawaban"]
    assert answers["A2"].value == "'" + UNIT_NAME
    # Soal 1 is row 6: unit answer K, note L, support M, TPI note Q (the master's map).
    assert answers["K6"].value == "Ya"
    assert answers["L6"].value == answers["M6"].value == answers["Q6"].value == "'" + PAYLOADS[0]
    count = next(
        row[10]
        for row in answers.iter_rows(min_row=6)
        if row[0].value == COUNT_SOAL and row[10].value is not None
    )
    assert (count.value, count.data_type) == (12, "n")
    scores = book["Nilai"]
    numbers = [c for row in scores.iter_rows(min_row=4, min_col=2) for c in row if c.value]
    assert numbers and all(c.data_type == "n" for c in numbers if not isinstance(c.value, str))
    assert scores["B1"].value == "'" + UNIT_NAME


def test_lke_xlsx_download_holds_text_never_formulas(client, hostile):
    client.force_login(hostile["users"]["tpi"])
    response = client.get(reverse("lke:export", args=[2026, "xlsx"]))
    assert response.status_code == 200
    _check(response.content)


def test_export_lke_answers_xlsx_holds_text_never_formulas(hostile, tmp_path):
    target = tmp_path / "lke.xlsx"
    out = io.StringIO()
    call_command(
        "export_lke_answers",
        hostile["plan"].unit.code,
        "--year",
        "2026",
        "--xlsx",
        "--output",
        str(target),
        stdout=out,
    )
    _check(target.read_bytes())
