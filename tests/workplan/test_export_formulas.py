"""Formula injection through the plan: a plan document loaded with ``load_plan`` whose
texts start like formulas, downloaded as a signed-in user does (XLSX and both CSV
tables) and exported with ``export_plan``: every such text arrives as text behind a
single quote, no cell is a formula, and the numbers stay numbers."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PLAN_FILE
from tests.spreadsheets import PAYLOADS, assert_csv_inert, assert_xlsx_inert

YEAR = 2027


@pytest.fixture
def hostile_plan(demo, tmp_path):
    """The demo unit's 2027 plan, loaded from a file whose texts are the payloads: the
    six evidence items of the first cell, six activities (name and output), and the
    first quarter's focus, PIC, output and sub-points."""
    doc = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    doc["plan"]["year"] = YEAR
    doc["plan"]["title"] = f"Program Kerja Pembangunan Zona Integritas Tahun {YEAR}"
    doc["quarters"][0]["focus"] = PAYLOADS[0]
    cell = doc["cells"][0]
    cell["pic"] = PAYLOADS[3]
    cell["outputs"][0] = {"text": PAYLOADS[1], "sub_points": [PAYLOADS[2]]}
    for item, payload in zip(cell["evidence_items"], PAYLOADS, strict=True):
        item["text"] = payload
    cell["evidence_items"][0]["sub_points"] = [PAYLOADS[4], PAYLOADS[5]]
    for activity, payload in zip(doc["activities"], PAYLOADS, strict=False):
        activity["activity"] = payload
        activity["output"] = payload
    path = tmp_path / f"plan-{YEAR}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("load_plan", str(path), stdout=out)
    assert "Loaded" in out.getvalue()
    return demo


@pytest.fixture
def ketua(client, hostile_plan):
    client.force_login(hostile_plan["users"]["ketua"])
    return client


def test_plan_xlsx_download_holds_text_never_formulas(ketua):
    response = ketua.get(reverse("workplan:export", args=[YEAR, "xlsx"]))
    assert response.status_code == 200
    book = assert_xlsx_inert(response.content)
    matrix = book["Matriks Komitmen"]
    header = [c.value for c in matrix[1]]
    number = header.index("No. Evidence") + 1
    assert all(
        matrix.cell(row=r, column=number).data_type == "n" for r in range(2, matrix.max_row + 1)
    )
    assert matrix["A2"].value == "TW I" and matrix["C2"].value == "'" + PAYLOADS[0]
    activities = book["Rencana Kerja"]
    assert activities["B2"].value == 1 and activities["B2"].data_type == "n"


@pytest.mark.parametrize("table", ["commitments", "activities"])
def test_plan_csv_download_holds_text_never_formulas(ketua, table):
    response = ketua.get(reverse("workplan:export", args=[YEAR, "csv"]), {"tabel": table})
    assert response.status_code == 200
    rows = assert_csv_inert(response.content.decode("utf-8"))
    header = rows[0]
    column = "evidence_no" if table == "commitments" else "number"
    assert [r[header.index(column)] for r in rows[1:7]] == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize("table", ["commitments", "activities"])
def test_export_plan_csv_holds_text_never_formulas(hostile_plan, capsys, table):
    call_command("export_plan", str(YEAR), "--table", table, "--format", "csv")
    assert_csv_inert(capsys.readouterr().out)


def test_export_plan_xlsx_holds_text_never_formulas(hostile_plan, tmp_path):
    target = tmp_path / "plan.xlsx"
    call_command("export_plan", str(YEAR), "--format", "xlsx", "--output", str(target))
    assert_xlsx_inert(target.read_bytes())
