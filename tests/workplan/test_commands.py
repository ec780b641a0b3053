"""Management commands as an operator runs them: seed_demo, load_plan, export_plan."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.conftest import DEMO_PASSWORD, DEMO_UNIT, PLAN_FILE
from workplan.models import CommitmentCell, EvidenceRequirement, WorkPlan
from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import user_roles


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def test_seed_demo_is_idempotent(no_demo, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "rahasia-demo-1")
    first = run("seed_demo")
    assert "Demo accounts: 9 created" in first
    assert "24 cells linked" in first
    second = run("seed_demo")
    assert "Plan already present" in second
    assert "0 created, 9 already present" in second
    assert WorkPlan.objects.count() == 1
    assert EvidenceRequirement.objects.count() == 77
    assert User.objects.count() == 11  # and the ministry's administrator and assessor
    pw = User.objects.get(email="pic.pw@example.org")
    admin = User.objects.get(email="admin.kementerian@example.org")
    assert admin.unit is None and user_roles(admin) == {"admin"}
    assessor = User.objects.get(email="inspektorat@example.org")
    assert user_roles(assessor) == {"tpi"} and assessor.unit.code == pw.unit.code
    assert list(assessor.memberships.values_list("role", flat=True)) == ["tpi"]
    assert pw.name == "Irene Septine"
    assert pw.check_password("rahasia-demo-1")
    assert user_roles(pw) == {"pic"}
    assert CommitmentCell.objects.filter(pic=pw).count() == 4
    assert CommitmentCell.objects.filter(pic__isnull=True).count() == 0
    assert user_roles(User.objects.get(email="kepala@example.org")) == {"kepala"}
    assert User.objects.get(email="ketua@example.org").is_staff


@pytest.mark.django_db
def test_seed_demo_keeps_a_changed_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    run("seed_demo")
    user = User.objects.get(email="tpi@example.org")
    user.set_password("kata-sandi-baru-123")
    user.save()
    run("seed_demo")
    user.refresh_from_db()
    assert user.check_password("kata-sandi-baru-123")


def test_load_plan_refuses_a_broken_file_and_leaves_nothing(no_demo, tmp_path):
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    del data["cells"][5]["evidence_items"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="not valid"):
        run("load_plan", str(broken))
    assert WorkPlan.objects.count() == 0
    assert CommitmentCell.objects.count() == 0
    (tmp_path / "garbage.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Cannot read plan file"):
        run("load_plan", str(tmp_path / "garbage.json"))


def _break_activity_number(data: dict) -> None:
    first, second = [a for a in data["activities"] if a["area"] == "MP"][:2]
    second["number"] = first["number"]


BREAKAGES = {
    # Refused by a database constraint (the rows are inserted in bulk).
    "two MP activities numbered alike": _break_activity_number,
    # Refused by full_clean of a value the file provides.
    "month 13": lambda data: data["activities"][0].update(months=[1, 13]),
    "a 151-character focus": lambda data: data["quarters"][0].update(focus="x" * 151),
}


@pytest.mark.django_db
@pytest.mark.parametrize("breakage", BREAKAGES)
def test_load_plan_refuses_bad_rows_and_leaves_nothing(tmp_path, breakage):
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    data["plan"]["year"] = 2027
    BREAKAGES[breakage](data)
    path = tmp_path / "plan-2027.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="not valid"):
        run("load_plan", str(path))
    assert not WorkPlan.objects.filter(year=2027).exists()
    assert not CommitmentCell.objects.filter(quarter__plan__year=2027).exists()


@pytest.mark.django_db
def test_load_another_year_is_new_rows(tmp_path):
    run("load_plan", str(PLAN_FILE))
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    data["plan"]["year"] = 2027
    data["plan"]["title"] = "Program Kerja Pembangunan Zona Integritas Tahun 2027"
    path = tmp_path / "plan-2027.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "Loaded" in run("load_plan", str(path))
    assert WorkPlan.objects.filter(unit__code=DEMO_UNIT).count() == 2
    assert CommitmentCell.objects.filter(quarter__plan__year=2027).count() == 24
    assert (
        CommitmentCell.objects.get(
            quarter__plan__year=2027, quarter__number=4, area__code="PP"
        ).quarter.due_date.isoformat()
        == "2027-12-31"
    )


def test_export_commitments_csv(plan, capsys):
    call_command(
        "export_plan", "2026", "--unit", DEMO_UNIT, "--table", "commitments", "--format", "csv"
    )
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out)))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["quarter", "area", "focus", "pic", "outputs", "evidence_item"]
    assert len(body) == 77
    first = dict(zip(header, body[0], strict=True))
    assert first["quarter"] == "TW I"
    assert first["area"] == "MP"
    assert first["focus"] == "Perencanaan & Komitmen"
    assert first["pic"] == "Annisa Nurul Aini Firdaus"
    assert first["outputs"] == (
        "SK Tim Internal Pembangunan ZI; Rencana Kerja Pembangunan ZI; Agen Perubahan"
    )
    assert first["evidence_item"] == "Dokumen SK Tim Internal Pembangunan ZI"
    last = dict(zip(header, body[-1], strict=True))
    assert (last["quarter"], last["area"], last["evidence_item"]) == (
        "TW IV",
        "PP",
        "Narasi dampak dalam LKE ZI",
    )
    monitoring = next(
        dict(zip(header, r, strict=True))
        for r in body
        if r[header.index("evidence_item")] == "Laporan monitoring:"
    )
    assert monitoring["evidence_sub_points"] == (
        "Pengendalian gratifikasi; Pengelolaan dumas (helpdesk); Penanganan WBS; Penanganan BK"
    )
    per_quarter = {
        q: sum(1 for r in body if r[0] == q) for q in ["TW I", "TW II", "TW III", "TW IV"]
    }
    assert per_quarter == {"TW I": 20, "TW II": 21, "TW III": 11, "TW IV": 25}


def test_export_activities_csv(plan, capsys):
    call_command(
        "export_plan", "2026", "--unit", DEMO_UNIT, "--table", "activities", "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    header = rows[0]
    assert header[:5] == ["area", "number", "activity", "output", "months"]
    assert len(rows) == 1 + 35
    mp2 = dict(zip(header, rows[2], strict=True))
    assert (mp2["area"], mp2["number"], mp2["activity"], mp2["output"]) == (
        "MP",
        "2",
        "Pembentukan SK Tim ZI",
        "Dokumen SK Tim ZI",
    )
    assert mp2["months"] == "Jan"


def test_export_xlsx_to_file(plan, tmp_path):
    target = tmp_path / "plan.xlsx"
    call_command(
        "export_plan",
        "2026",
        "--unit",
        DEMO_UNIT,
        "--format",
        "xlsx",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    wb = load_workbook(target)
    assert wb.sheetnames == ["Matriks Komitmen", "Rencana Kerja"]
    matrix = wb["Matriks Komitmen"]
    assert matrix.max_row == 78
    assert matrix["A1"].value == "Triwulan"
    assert matrix["A2"].value == "TW I"


def test_export_errors(plan):
    with pytest.raises(CommandError, match="No plan for 2031"):
        call_command("export_plan", "2031")
    with pytest.raises(CommandError, match="Several units have a plan for 2026"):
        call_command("export_plan", "2026")
    with pytest.raises(CommandError, match="needs --output"):
        call_command("export_plan", "2026", "--unit", DEMO_UNIT, "--format", "xlsx")
