"""LKE data in and out: PortalRB's jawaban-unit JSON imported and exported (command and
page), every import refusal leaving nothing written, the master-list loader, the score
API agreeing with the scoring module, and the XLSX laid out by the master's Excel map."""

from __future__ import annotations

import copy
import io
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils.html import escape
from openpyxl import load_workbook

from lke import exchange, importing, scoring, selectors, services
from lke.models import (
    Category,
    LkeAnswer,
    LkeAnswerChange,
    LkeMaster,
    LkeQuestion,
    Proposal,
    Side,
)
from workplan.models import ChangeArea, CommitmentCell, EvidenceRequirement, Quarter, Unit, WorkPlan

pytestmark = pytest.mark.django_db

SITE = "https://zi.example.go.id"
KEYS = (
    "soal_id",
    "jawaban_unit",
    "jawaban_tpi",
    "catatan_unit",
    "bukti_dukung_unit",
    "catatan_tpi",
)


def master_json() -> dict:
    return json.loads(services.MASTER_FILE.read_bytes())


def master_soals(data: dict | None = None) -> dict[int, dict]:
    """soal id → the soal's object in the master JSON (document order)."""
    data = data or master_json()
    found: dict[int, dict] = {}

    def walk(node):
        for soal in node.get("soals", []):
            found[soal["id"]] = soal
        for child in node.get("children", []):
            walk(child)

    for root in data["data"]:
        walk(root)
    return found


def empty(soal_id: int) -> dict:
    return {**dict.fromkeys(KEYS), "soal_id": soal_id}


@pytest.fixture
def lke(demo, settings):
    """The demo plan with the 2026 master loaded and the unit proposed (``seed_demo``
    already does both; ``master_ensure`` is a no-op then)."""
    settings.ZI_SITE_URL = SITE
    master = services.master_ensure()
    Proposal.objects.get_or_create(
        unit=demo["plan"].unit, year=2026, defaults={"category": Category.WBK}
    )
    items = list(EvidenceRequirement.objects.filter(cell__quarter__plan=demo["plan"])[:3])
    return {**demo, "master": master, "unit": demo["plan"].unit, "items": items}


@pytest.fixture
def ketua(lke):
    client = Client()
    client.force_login(lke["users"]["ketua"])
    return client


def link(item) -> str:
    return f"{SITE}/butir/{item.pk}/"


def write(tmp_path, doc, name="jawaban.json"):
    path = tmp_path / name
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    else:
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def import_file(path, *args) -> str:
    out = StringIO()
    call_command("import_lke_answers", str(path), *args, stdout=out)
    return out.getvalue()


def doc_of(unit, answers, tahun=2026) -> dict:
    return {"unit_id": unit.code, "nama_unit": unit.name, "tahun": tahun, "answers": answers}


def mixed_answers(items) -> list[dict]:
    """A mix of every kind of answer, in the canonical form the export writes."""
    return [
        {
            "soal_id": 1,  # YA_TIDAK, both sides, every field
            "jawaban_unit": "Ya",
            "jawaban_tpi": "Tidak",
            "catatan_unit": "Tim ZI dibentuk dengan SK Kepala Pusat.",
            "bukti_dukung_unit": f"{link(items[0])}\nhttps://drive.example.org/sk-tim-zi",
            "catatan_tpi": "SK belum ditandatangani.",
        },
        {**empty(2), "jawaban_unit": "B"},  # ABC, unit only
        {
            **empty(6),  # ABCD, a multi-line note
            "jawaban_unit": "D",
            "jawaban_tpi": "C",
            "catatan_unit": "Baris satu.\nBaris dua.",
        },
        {
            **empty(14),  # ABCDE, two portal items
            "jawaban_unit": "E",
            "jawaban_tpi": "E",
            "bukti_dukung_unit": f"{link(items[0])}\n{link(items[1])}",
        },
        {**empty(88), "jawaban_unit": "12", "jawaban_tpi": "10"},  # Jumlah
        {**empty(89), "jawaban_unit": "0"},  # Jumlah zero
        {**empty(117), "jawaban_unit": "5", "catatan_unit": "Lima pegawai wajib lapor."},
        {**empty(125), "jawaban_unit": "3.60", "jawaban_tpi": "3.25"},  # survey 0-4
        {**empty(127), "jawaban_unit": "4.00"},
        {**empty(30), "catatan_tpi": "Perlu bukti tambahan."},  # TPI note only
        {**empty(40), "bukti_dukung_unit": "https://example.org/laporan.pdf"},  # support only
        {**empty(60), "catatan_unit": "Sedang disusun."},  # unit note only
        empty(50),  # all null
    ]


# ---------------------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------------------


def assert_same_answers(exported: dict, sent: list[dict]) -> None:
    by_id = {a["soal_id"]: a for a in sent}
    assert [a["soal_id"] for a in exported["answers"]] == list(master_soals())
    for entry in exported["answers"]:
        assert entry == by_id.get(entry["soal_id"], empty(entry["soal_id"])), entry["soal_id"]


def test_import_then_export_gives_back_the_same_answers(lke, ketua, tmp_path):
    unit = lke["unit"]
    sent = mixed_answers(lke["items"])
    path = write(tmp_path, doc_of(unit, sent))
    out = import_file(path)
    sides = sum(
        bool(a["jawaban_unit"] or a["catatan_unit"] or a["bukti_dukung_unit"])
        + bool(a["jawaban_tpi"] or a["catatan_tpi"])
        for a in sent
    )
    assert out.strip().startswith(
        f"{unit.code} 2026, mode merge (0 soal not in the file kept their answers): "
        f"{sides} answers changed ({sides} new, 0 changed, 0 cleared), 0 unchanged."
    )
    assert LkeAnswer.objects.filter(unit=unit).count() == sides
    assert set(LkeAnswerChange.objects.values_list("source", flat=True)) == {"import"}

    response = ketua.get("/lke/2026/unduh.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert f"lke-zi-2026-{unit.code}.json" in response["Content-Disposition"]
    web = json.loads(response.content)
    assert {k: web[k] for k in ("unit_id", "nama_unit", "tahun")} == {
        "unit_id": unit.code,
        "nama_unit": unit.name,
        "tahun": 2026,
    }
    assert_same_answers(web, sent)

    target = tmp_path / "keluar.json"
    out = StringIO()
    call_command(
        "export_lke_answers", unit.code, "--year", "2026", "--output", str(target), stdout=out
    )
    assert f"Wrote {target}." in out.getvalue()
    cli = json.loads(target.read_text(encoding="utf-8"))
    assert cli == web
    assert_same_answers(cli, sent)

    # The evidence links became real links to the items, the rest stayed free text.
    one = LkeAnswer.objects.get(unit=unit, question__soal_id=1, side=Side.UNIT)
    assert list(one.evidence_items.all()) == [lke["items"][0]]
    assert one.support == "https://drive.example.org/sk-tim-zi"


def test_reimport_is_idempotent(lke, tmp_path):
    unit = lke["unit"]
    path = write(tmp_path, doc_of(unit, mixed_answers(lke["items"])))
    import_file(path)
    answers, changes = LkeAnswer.objects.count(), LkeAnswerChange.objects.count()
    revisions = dict(LkeAnswer.objects.values_list("pk", "revision"))
    out = import_file(path)
    assert f"{unit.code} 2026, mode merge" in out
    assert f": 0 answers changed (0 new, 0 changed, 0 cleared), {answers} unchanged." in out
    assert LkeAnswer.objects.count() == answers
    assert LkeAnswerChange.objects.count() == changes
    assert dict(LkeAnswer.objects.values_list("pk", "revision")) == revisions

    # Its own export, imported again, changes nothing either.
    exported = tmp_path / "keluar.json"
    call_command(
        "export_lke_answers", unit.code, "--year", "2026", "--output", str(exported),
        stdout=StringIO(),
    )  # fmt: skip
    assert "0 answers changed" in import_file(exported)
    assert LkeAnswerChange.objects.count() == changes


def test_import_takes_numbers_and_lenient_spellings(lke, tmp_path):
    unit = lke["unit"]
    doc = doc_of(
        unit,
        [
            {"soal_id": 2, "jawaban_unit": "b", "jawaban_tpi": " a "},
            {"soal_id": 88, "jawaban_unit": 12},
            {"soal_id": 125, "jawaban_unit": 3.6, "jawaban_tpi": "3,25"},
        ],
    )
    import_file(write(tmp_path, doc))
    by_id = {
        a["soal_id"]: a for a in exchange.jawaban_unit(unit=unit, master=lke["master"])["answers"]
    }
    assert (by_id[2]["jawaban_unit"], by_id[2]["jawaban_tpi"]) == ("B", "A")
    assert by_id[88]["jawaban_unit"] == "12"
    assert (by_id[125]["jawaban_unit"], by_id[125]["jawaban_tpi"]) == ("3.60", "3.25")


def test_web_import(lke, ketua):
    unit = lke["unit"]
    raw = json.dumps(doc_of(unit, mixed_answers(lke["items"]))).encode()
    response = ketua.post(
        "/lke/2026/impor/", {"file": SimpleUploadedFile("jawaban.json", raw, "application/json")}
    )
    assert response.status_code == 200  # the preview: nothing written yet
    assert not LkeAnswerChange.objects.exists()
    token = response.context["token"]
    response = ketua.post("/lke/2026/impor/", {"pratinjau": token, "mode": "replace"})
    assert response.status_code == 302
    assert response["Location"] == "/lke/2026/"
    change = LkeAnswerChange.objects.filter(answer__question__soal_id=1).first()
    assert change.source == "import" and change.changed_by == lke["users"]["ketua"]
    assert_same_answers(
        json.loads(ketua.get("/lke/2026/unduh.json").content), mixed_answers(lke["items"])
    )


# ---------------------------------------------------------------------------------------
# Refusals: nothing written
# ---------------------------------------------------------------------------------------


@pytest.fixture
def foreign_item(lke):
    """An evidence item of another unit's plan."""
    unit = Unit.objects.create(code="BALAI-LAIN", name="Balai Lain", short_name="Balai Lain")
    plan = WorkPlan.objects.create(unit=unit, year=2026, title="Program Kerja ZI 2026")
    quarter = Quarter.objects.create(plan=plan, number=1, focus="Persiapan", due_date="2026-03-31")
    cell = CommitmentCell.objects.create(quarter=quarter, area=ChangeArea.objects.get(code="MP"))
    return EvidenceRequirement.objects.create(cell=cell, order=1, text="SK Tim ZI")


GOOD = {"soal_id": 2, "jawaban_unit": "A", "jawaban_tpi": "B", "catatan_unit": "Lengkap."}


def refusal_cases():
    """(id, build(lke, foreign_item) → (file bytes, CLI args), expected message, exact?)"""

    def doc(answers, unit_id=None, tahun=2026, args=()):
        def build(lke, foreign):
            body = doc_of(lke["unit"], answers(lke, foreign), tahun=tahun)
            if unit_id:
                body["unit_id"] = unit_id
            return json.dumps(body).encode(), list(args)

        return build

    def const(entries):
        return lambda lke, foreign: [GOOD, *entries]

    return [
        (
            "invalid-json",
            lambda lke, foreign: (b'{"unit_id": "x", "answers": [', []),
            "Berkas bukan JSON yang sah: ",
            False,
        ),
        (
            "not-jawaban-unit",
            lambda lke, foreign: (b'[{"soal_id": 1}]', []),
            "Format tidak dikenal: diharapkan objek jawaban-unit PortalRB",
            False,
        ),
        (
            "unknown-unit",
            doc(const([]), unit_id="UNIT-TIDAK-ADA"),
            "Unit “UNIT-TIDAK-ADA” pada berkas tidak terdaftar di portal. Unit yang ada: ",
            False,
        ),
        (
            "unknown-soal",
            doc(const([{"soal_id": 999, "jawaban_unit": "A"}])),
            "Entri ke-2: soal_id 999 tidak ada di master soal 2026.",
            True,
        ),
        (
            "soal-id-not-int",
            doc(const([{"soal_id": "3", "jawaban_unit": "Ya"}])),
            "Entri ke-2 tidak memiliki soal_id bilangan bulat.",
            True,
        ),
        (
            "duplicate-soal",
            doc(const([{"soal_id": 2, "jawaban_unit": "C"}])),
            "soal_id 2 muncul dua kali.",
            True,
        ),
        (
            "choice-F",
            doc(const([{"soal_id": 4, "jawaban_unit": "F"}])),
            "Jawaban “F” tidak dikenal untuk soal 4. Pilihan yang diterima: A / B / C.",
            True,
        ),
        (
            "tpi-choice-Maybe",
            doc(const([{"soal_id": 3, "jawaban_unit": "Ya", "jawaban_tpi": "Mungkin"}])),
            "Jawaban “Mungkin” tidak dikenal untuk soal 3. Pilihan yang diterima: Ya / Tidak.",
            True,
        ),
        (
            "count-1.5",
            doc(const([{"soal_id": 88, "jawaban_unit": "1.5"}])),
            "Soal 88 meminta jumlah: isi bilangan bulat 0 atau lebih tanpa titik atau koma "
            "(bukan “1.5”).",
            True,
        ),
        (
            "survey-4.5",
            doc(const([{"soal_id": 125, "jawaban_unit": "4.5"}])),
            "Soal 125 meminta nilai survei 0 sampai 4 dengan paling banyak dua angka desimal, "
            "misalnya 3,60 (bukan “4.5”).",
            True,
        ),
        (
            "bool-value",
            doc(const([{"soal_id": 3, "jawaban_unit": True}])),
            "Entri ke-2: jawaban_unit harus berupa teks atau null.",
            True,
        ),
        (
            "year-mismatch",
            doc(const([]), tahun=2027, args=["--year", "2026"]),  # the page's year is 2026
            "Berkas untuk tahun 2027, tetapi impor diminta untuk tahun 2026.",
            True,
        ),
        (
            "foreign-evidence",
            doc(
                lambda lke, foreign: [
                    GOOD,
                    {"soal_id": 1, "jawaban_unit": "Ya", "bukti_dukung_unit": link(foreign)},
                ]
            ),
            None,  # built from the item's id below
            True,
        ),
    ]


CASES = refusal_cases()


def expected_message(case_id, message, foreign) -> str:
    if case_id == "foreign-evidence":
        return f"Soal 1: tautan bukti dukung {foreign.pk} bukan butir bukti dukung unit ini."
    return message


def counts():
    return LkeAnswer.objects.count(), LkeAnswerChange.objects.count()


@pytest.fixture
def answered(lke):
    """One existing answer, so that a refused import must also leave it alone."""
    question = LkeQuestion.objects.get(master=lke["master"], soal_id=2)
    services.answer_save(unit=lke["unit"], question=question, side=Side.UNIT, user=None, value="C")
    return question


@pytest.mark.parametrize(("case_id", "build", "message", "exact"), CASES, ids=[c[0] for c in CASES])
def test_cli_import_refusal_writes_nothing(
    lke, answered, foreign_item, tmp_path, case_id, build, message, exact
):
    raw, args = build(lke, foreign_item)
    message = expected_message(case_id, message, foreign_item)
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        import_file(write(tmp_path, raw), *args)
    text = str(excinfo.value)
    assert text == message if exact else text.startswith(message), text
    assert counts() == before
    assert LkeAnswer.objects.get(question=answered, side=Side.UNIT).value == "C"


@pytest.mark.parametrize(("case_id", "build", "message", "exact"), CASES, ids=[c[0] for c in CASES])
def test_web_import_refusal_is_400_and_writes_nothing(
    lke, ketua, answered, foreign_item, case_id, build, message, exact
):
    raw, _args = build(lke, foreign_item)
    message = expected_message(case_id, message, foreign_item)
    before = counts()
    response = ketua.post(
        "/lke/2026/impor/", {"file": SimpleUploadedFile("jawaban.json", raw, "application/json")}
    )
    assert response.status_code == 400
    error = response.context["error"]
    assert error == message if exact else error.startswith(message), error
    assert escape(error) in response.content.decode()
    assert counts() == before
    assert LkeAnswer.objects.get(question=answered, side=Side.UNIT).value == "C"


def test_cli_year_option_against_the_file(lke, tmp_path):
    path = write(tmp_path, doc_of(lke["unit"], [GOOD]))
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        import_file(path, "--year", "2027")
    assert str(excinfo.value) == "Berkas untuk tahun 2026, tetapi impor diminta untuk tahun 2027."
    assert counts() == before
    assert ": 2 answers changed (2 new, 0 changed, 0 cleared), 0 unchanged." in import_file(
        path, "--year", "2026"
    )
    assert LkeAnswer.objects.filter(question__soal_id=2).count() == 2


def test_web_import_is_ketua_only(lke):
    raw = json.dumps(doc_of(lke["unit"], [GOOD])).encode()
    for who in ("pic.pw", "tpi", "kepala"):
        client = Client()
        client.force_login(lke["users"][who])
        response = client.post(
            "/lke/2026/impor/", {"file": SimpleUploadedFile("j.json", raw, "application/json")}
        )
        assert response.status_code == 403
    assert counts() == (0, 0)


# ---------------------------------------------------------------------------------------
# load_lke_master
# ---------------------------------------------------------------------------------------


def load(path) -> str:
    out = StringIO()
    call_command("load_lke_master", str(path), stdout=out)
    return out.getvalue().strip()


def test_load_master_twice(no_demo):
    assert load(services.MASTER_FILE) == "LKE ZI 2026: 127 soal, created."
    assert load(services.MASTER_FILE) == "LKE ZI 2026: 127 soal, unchanged."
    master = LkeMaster.objects.get()
    assert master.year == 2026 and master.total_soal == 127
    assert master.source_name == services.MASTER_FILE.name
    assert LkeQuestion.objects.filter(master=master).count() == 127
    assert sorted(LkeQuestion.objects.values_list("soal_id", flat=True)) == sorted(master_soals())


def test_load_master_broken_files(no_demo, tmp_path):
    bad = tmp_path / "rusak.json"
    bad.write_text('{"tahun": 2026, "data": [', encoding="utf-8")
    with pytest.raises(CommandError, match="^Berkas master soal bukan JSON yang sah"):
        load(bad)
    no_data = tmp_path / "tanpa-data.json"
    no_data.write_text(json.dumps({"tahun": 2026, "total_soal": 0}), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        load(no_data)
    assert str(excinfo.value).startswith("Master soal tidak dapat dipakai: ")
    assert "data" in str(excinfo.value)
    with pytest.raises(CommandError, match="Cannot read"):
        load(tmp_path / "tidak-ada.json")
    assert LkeMaster.objects.count() == 0 and LkeQuestion.objects.count() == 0


def without_soal(data: dict, soal_id: int) -> dict:
    data = copy.deepcopy(data)

    def walk(node):
        node["soals"] = [s for s in node.get("soals", []) if s["id"] != soal_id]
        for child in node.get("children", []):
            walk(child)

    for root in data["data"]:
        walk(root)
    data["total_soal"] -= 1
    return data


def test_load_master_refuses_to_drop_an_answered_soal(lke, tmp_path):
    master = lke["master"]
    services.answer_save(
        unit=lke["unit"],
        question=LkeQuestion.objects.get(master=master, soal_id=1),
        side=Side.TPI,
        user=lke["users"]["tpi"],
        value="Ya",
    )
    sha = master.sha256
    path = tmp_path / "master-baru.json"
    path.write_text(json.dumps(without_soal(master_json(), 1)), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        load(path)
    assert str(excinfo.value).startswith(
        "Master soal baru tidak memuat soal yang sudah dijawab (1)"
    )
    master.refresh_from_db()
    assert master.sha256 == sha and master.total_soal == 127
    assert LkeQuestion.objects.filter(master=master).count() == 127

    # Dropping a soal nobody answered is an update.
    path.write_text(json.dumps(without_soal(master_json(), 3)), encoding="utf-8")
    assert load(path) == "LKE ZI 2026: 126 soal, updated."
    assert not LkeQuestion.objects.filter(master=master, soal_id=3).exists()
    assert LkeAnswer.objects.filter(question__soal_id=1).count() == 1


def test_load_master_of_another_year(lke, tmp_path):
    data = master_json()
    data["tahun"] = 2027
    path = tmp_path / "master-2027.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load(path) == "LKE ZI 2027: 127 soal, created."
    assert sorted(LkeMaster.objects.values_list("year", flat=True)) == [2026, 2027]
    m2027 = selectors.master_for_year(2027)
    assert m2027.pk != lke["master"].pk
    assert LkeQuestion.objects.filter(master=m2027).count() == 127
    assert LkeQuestion.objects.filter(master=lke["master"]).count() == 127
    assert selectors.master_for_year(2026).sha256 == lke["master"].sha256


# ---------------------------------------------------------------------------------------
# Score API
# ---------------------------------------------------------------------------------------

COUNTS = {
    88: "10", 89: "7", 90: "4", 91: "3",
    102: "2", 103: "1", 104: "0",
    105: "8", 106: "6",
    110: "20", 111: "2", 112: "15",
    113: "10", 114: "10", 115: "10", 116: "25",
    117: "5", 118: "5", 119: "5", 120: "12",
    122: "9", 123: "4",
}  # fmt: skip


def scored_answers(tree: scoring.Master) -> dict[str, dict[int, str]]:
    """Unit: the first option of every choice question; TPI: the second, on every other
    question. Counts and surveys on both sides, the TPI's lower."""
    unit, tpi = {}, {}
    for n, (soal_id, q) in enumerate(tree.questions.items()):
        if q.answer_type in scoring.CHOICE_TYPES:
            unit[soal_id] = q.options[0].key
            if n % 2:
                tpi[soal_id] = q.options[1].key
        elif q.answer_type == scoring.COUNT:
            unit[soal_id] = COUNTS[soal_id]
            tpi[soal_id] = str(max(0, int(COUNTS[soal_id]) - 1))
        else:
            unit[soal_id], tpi[soal_id] = "3.60", "3.25"
    return {Side.UNIT: unit, Side.TPI: tpi}


@pytest.fixture
def scored(lke):
    tree = scoring.parse_master(master_json())
    answers = scored_answers(tree)
    questions = {q.soal_id: q for q in LkeQuestion.objects.filter(master=lke["master"])}
    for side, values in answers.items():
        for soal_id, value in values.items():
            services.answer_save(
                unit=lke["unit"], question=questions[soal_id], side=side, user=None, value=value
            )
    return {"tree": tree, "answers": answers}


@pytest.mark.parametrize("by", [Side.UNIT, Side.TPI])
def test_score_api_agrees_with_the_scoring_module(lke, ketua, scored, by):
    response = ketua.get("/api/v1/plans/2026/lke/score/", {"by": by})
    assert response.status_code == 200
    body = response.json()
    assert body.pop("unit") == lke["unit"].code
    assert body.pop("oleh") == by
    expected = scoring.as_dict(scoring.score(scored["tree"], scored["answers"][by]))
    assert body == json.loads(json.dumps(expected))
    assert body["tahun"] == 2026
    assert body["total"] > 0


def test_score_api_default_side_and_sides_differ(lke, ketua, scored):
    unit = ketua.get("/api/v1/plans/2026/lke/score/").json()
    assert unit["oleh"] == "unit"
    assert unit == ketua.get("/api/v1/plans/2026/lke/score/", {"by": "unit"}).json()
    tpi = ketua.get("/api/v1/plans/2026/lke/score/", {"by": "tpi"}).json()
    assert tpi["total"] < unit["total"]


def test_score_api_refusals(lke, ketua):
    bad = ketua.get("/api/v1/plans/2026/lke/score/", {"by": "foo"})
    assert bad.status_code == 400
    body = bad.json()
    assert set(body) == {"error"}
    assert set(body["error"]) >= {"code", "message"}
    assert body["error"]["code"] == "invalid_parameter"
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]

    anonymous = Client().get("/api/v1/plans/2026/lke/score/", {"by": "unit"})
    assert anonymous.status_code in (401, 403)
    assert anonymous["Content-Type"].startswith("application/json")
    assert set(anonymous.json()) == {"error"}
    assert {"code", "message"} <= set(anonymous.json()["error"])


# ---------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------


def test_xlsx_cells_follow_the_master_mapping(lke, ketua, tmp_path):
    unit = lke["unit"]
    sent = mixed_answers(lke["items"])
    import_file(write(tmp_path, doc_of(unit, sent)))
    response = ketua.get("/lke/2026/unduh.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert "Jawaban" in book.sheetnames and "Nilai" in book.sheetnames
    soals = master_soals()
    columns = {
        "jawaban_unit": "excel_kolom_jawaban_unit",
        "jawaban_tpi": "excel_kolom_jawaban_tpi",
        "catatan_unit": "excel_kolom_catatan_unit",
        "bukti_dukung_unit": "excel_kolom_bukti_dukung_unit",
        "catatan_tpi": "excel_kolom_catatan_tpi",
    }
    by_id = {a["soal_id"]: a for a in sent}
    for soal_id in (1, 2, 14, 30, 88, 125):
        soal = soals[soal_id]
        ws = book[soal["excel_sheet"]]
        row = soal["excel_baris"]
        assert ws[f"A{row}"].value == soal_id
        for field, key in columns.items():
            cell = ws[f"{soal[key]}{row}"]
            expected = by_id[soal_id][field]
            if field.startswith("jawaban_") and expected is not None:
                kind = soal["jenis_jawaban"].lower()
                expected = {"jumlah": int, "0-4": float}.get(kind, str)(expected)
            assert cell.value == expected, (soal_id, field)
    # An unanswered soal has empty answer cells.
    soal = soals[3]
    assert ws[f"{soal['excel_kolom_jawaban_unit']}{soal['excel_baris']}"].value is None

    nilai = book["Nilai"]
    rows = {r[0]: r for r in nilai.iter_rows(values_only=True) if r and r[0]}
    tree = selectors.parsed_master(lke["master"])
    values = {
        side: {a["soal_id"]: a[f"jawaban_{side}"] for a in sent if a[f"jawaban_{side}"]}
        for side in ("unit", "tpi")
    }
    total_u = float(scoring.r2(scoring.score(tree, values["unit"]).total))
    total_t = float(scoring.r2(scoring.score(tree, values["tpi"]).total))
    total_row = rows["NILAI EVALUASI ZONA INTEGRITAS"]
    assert total_row[2] == total_u and total_row[3] == total_t
    assert total_u > 0


def test_xlsx_export_command(lke, tmp_path):
    target = tmp_path / "lke.xlsx"
    out = StringIO()
    call_command(
        "export_lke_answers", lke["unit"].code, "--year", "2026", "--xlsx", "--output",
        str(target), stdout=out,
    )  # fmt: skip
    assert f"Wrote {target}." in out.getvalue()
    book = load_workbook(target)
    assert book.sheetnames == ["Jawaban", "Nilai"]
    with pytest.raises(CommandError, match="--xlsx needs --output"):
        call_command("export_lke_answers", lke["unit"].code, "--year", "2026", "--xlsx")


def note_answer(lke, note: str) -> None:
    question = LkeQuestion.objects.select_related("master").get(master=lke["master"], soal_id=2)
    services.answer_save(
        unit=lke["unit"], question=question, side=Side.UNIT, user=None, value="A", note=note
    )


def test_xlsx_export_survives_control_characters_in_a_note(lke, ketua):
    note_answer(lke, "Baris satu\vBaris dua")
    response = ketua.get("/lke/2026/unduh.xlsx")
    assert response.status_code == 200
    load_workbook(io.BytesIO(response.content))


def test_xlsx_writes_notes_as_text_not_formulas(lke, ketua):
    note_answer(lke, '=HYPERLINK("https://evil.example/","Bukti")')
    book = load_workbook(io.BytesIO(ketua.get("/lke/2026/unduh.xlsx").content))
    soal = master_soals()[2]
    cell = book[soal["excel_sheet"]][f"{soal['excel_kolom_catatan_unit']}{soal['excel_baris']}"]
    assert cell.data_type == "s"


def test_negative_zero_survey_value_is_normalised(lke, tmp_path):
    import_file(write(tmp_path, doc_of(lke["unit"], [{"soal_id": 125, "jawaban_unit": "-0"}])))
    answers = exchange.jawaban_unit(unit=lke["unit"], master=lke["master"])["answers"]
    assert next(a for a in answers if a["soal_id"] == 125)["jawaban_unit"] == "0.00"


def test_import_refuses_a_nul_character(lke):
    client = Client(raise_request_exception=False)
    client.force_login(lke["users"]["ketua"])
    entry = {"soal_id": 2, "jawaban_unit": "A", "catatan_unit": "awal\u0000akhir"}
    raw = json.dumps(doc_of(lke["unit"], [entry])).encode()
    response = client.post(
        "/lke/2026/impor/", {"file": SimpleUploadedFile("j.json", raw, "application/json")}
    )
    assert response.status_code == 400
    assert counts() == (0, 0)


def test_score_api_on_the_hand_worked_borderline_wbk_case(lke, ketua):
    """docs/lke-scoring.md §5.3, imported as the unit's answers through jawaban-unit JSON:
    the endpoint reports the hand-computed 42.75 + 32.25 = 75.00, WBK met with no gap,
    WBBM not met with the listed gaps."""
    from tests.lke.test_scoring import borderline_wbk

    tree = selectors.parsed_master(lke["master"])
    answers = borderline_wbk(tree)
    doc = {
        "unit_id": lke["unit"].code,
        "tahun": 2026,
        "answers": [{"soal_id": sid, "jawaban_unit": value} for sid, value in answers.items()],
    }
    importing.import_jawaban_unit(json.dumps(doc).encode())
    body = ketua.get("/api/v1/plans/2026/lke/score/", {"by": "unit"}).json()
    assert body["total"] == 75.0
    assert body["pengungkit"]["nilai"] == 42.75
    assert body["hasil"]["nilai"] == 32.25
    assert body["hasil"]["birokrasi_bersih_akuntabel"] == {
        "nilai": 18.25, "maks": 22.5, "ipak": 15.75, "kinerja": 2.5
    }  # fmt: skip
    wbk = body["kesiapan"]["WBK"]
    assert wbk["memenuhi"] is True
    assert all(c["kekurangan"] == 0.0 for c in wbk["syarat"])
    wbbm = {
        c["kode"]: c["kekurangan"] for c in body["kesiapan"]["WBBM"]["syarat"] if c["kekurangan"]
    }
    assert wbbm == {
        "total": 10.0, "pengungkit": 5.25, "area:SDM": 1.5, "area:AK": 1.0, "area:PW": 2.25,
        "bersih": 1.25, "kinerja": 1.25, "prima": 1.75,
    }  # fmt: skip
    assert body["kesiapan"]["WBBM"]["memenuhi"] is False


def test_xlsx_writes_counts_and_surveys_as_numbers(lke, ketua):
    master = lke["master"]
    for soal_id, value in ((110, "12"), (125, "3.60")):
        question = LkeQuestion.objects.select_related("master").get(master=master, soal_id=soal_id)
        services.answer_save(
            unit=lke["unit"], question=question, side=Side.UNIT, user=None, value=value
        )
    book = load_workbook(io.BytesIO(ketua.get("/lke/2026/unduh.xlsx").content))
    soals = master_soals()
    for soal_id, expected in ((110, 12), (125, 3.6)):
        soal = soals[soal_id]
        cell = book[soal["excel_sheet"]][f"{soal['excel_kolom_jawaban_unit']}{soal['excel_baris']}"]
        assert cell.value == expected and cell.data_type == "n"


def test_version_links_go_to_portalrb_and_come_back_on_import(lke, tmp_path):
    from evidence import services as evidence_services
    from tests.evidence import samples

    item = lke["items"][0]
    version = evidence_services.evidence_upload_file(
        requirement=item,
        upload=samples.upload("bukti.pdf", samples.pdf("bukti")),
        user=lke["users"]["ketua"],
    )
    question = LkeQuestion.objects.select_related("master").get(master=lke["master"], soal_id=2)
    services.answer_save(
        unit=lke["unit"], question=question, side=Side.UNIT, user=None, value="A",
        evidence_items=[item], evidence_versions=[version], support="Notulen rapat",
    )  # fmt: skip
    doc = exchange.jawaban_unit(unit=lke["unit"], master=lke["master"])
    entry = next(a for a in doc["answers"] if a["soal_id"] == 2)
    assert entry["bukti_dukung_unit"] == (
        f"{SITE}/butir/{item.pk}/\n{SITE}/versi/{version.pk}/unduh/\nNotulen rapat"
    )
    # Clear the links, then import the exported document: they come back.
    services.answer_save(unit=lke["unit"], question=question, side=Side.UNIT, user=None, value="A")
    import_file(write(tmp_path, doc))
    answer = LkeAnswer.objects.get(question=question, side=Side.UNIT)
    assert list(answer.evidence_items.all()) == [item]
    assert list(answer.evidence_versions.all()) == [version]
    assert answer.support == "Notulen rapat"
    again = exchange.jawaban_unit(unit=lke["unit"], master=lke["master"])
    assert again["answers"] == doc["answers"]
