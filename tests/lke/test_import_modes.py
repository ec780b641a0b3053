"""Importing a jawaban-unit file that leaves soal out (issue 17): the preview names what
is new, changed and cleared, and the score after either mode; "replace" makes the
score the file's own, "merge" keeps the soal the file leaves out. The command takes
--replace / --merge / --dry-run and says which it did."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from lke import scoring, selectors, services
from lke.models import LkeAnswer, LkeAnswerChange, Side
from tests.lke.test_scoring import BEST_COUNTS
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db

YEAR = 2026
URL = f"/lke/{YEAR}/impor/"


@pytest.fixture
def unit_with_answers(demo):
    """The demo unit with every scored soal answered at its best (unit side), through
    the same service the form uses."""
    master = services.master_ensure()
    tree = selectors.parsed_master(master)
    unit = demo["plan"].unit
    LkeAnswer.objects.filter(unit=unit).delete()
    questions = {q.soal_id: q for q in master.questions.all()}
    answers = {}
    for sid, q in tree.questions.items():
        if q.answer_type in scoring.CHOICE_TYPES:
            answers[sid] = q.options[0].key
        elif q.answer_type == scoring.SURVEY:
            answers[sid] = "4"
    answers.update({sid: str(n) for sid, n in BEST_COUNTS.items()})
    for sid, value in answers.items():
        services.answer_save(
            unit=unit, question=questions[sid], side=Side.UNIT, user=None, value=value
        )
    return {**demo, "master": master, "tree": tree, "unit": unit, "answers": answers}


def file_leaving_out(ctx, left_out: set[int], worse: dict[int, str]) -> dict:
    """The unit's answers as a file, without ``left_out``, with ``worse`` changed."""
    answers = [
        {"soal_id": sid, "jawaban_unit": worse.get(sid, value)}
        for sid, value in ctx["answers"].items()
        if sid not in left_out
    ]
    return {"unit_id": ctx["unit"].code, "tahun": YEAR, "answers": answers}


def file_score(ctx, doc) -> scoring.Score:
    values = {a["soal_id"]: a["jawaban_unit"] for a in doc["answers"] if a["jawaban_unit"]}
    return scoring.score(ctx["tree"], values)


def stored_total(ctx) -> str:
    result = selectors.unit_score(unit=ctx["unit"], master=ctx["master"], side=Side.UNIT)
    return str(scoring.r2(result.total))


def choice_soal(ctx, area: str, n: int) -> list[int]:
    return [
        sid
        for sid, q in ctx["tree"].questions.items()
        if q.area_code == area and q.answer_type in scoring.CHOICE_TYPES
    ][:n]


@pytest.fixture
def case(unit_with_answers):
    """Leave out three PW soal and make two MP soal worse: merge keeps 100 points on
    the PW soal, replace loses them."""
    ctx = unit_with_answers
    left_out = set(choice_soal(ctx, "PW", 3))
    worse = {sid: ctx["tree"].questions[sid].options[-1].key for sid in choice_soal(ctx, "MP", 2)}
    doc = file_leaving_out(ctx, left_out, worse)
    return {**ctx, "doc": doc, "left_out": left_out, "worse": worse}


@pytest.fixture
def ketua(client, demo):
    client.force_login(demo["users"]["ketua"])
    return client


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_lke_answers", str(path), *args, stdout=out)
    return out.getvalue()


def test_replace_scores_the_file_and_merge_keeps_the_left_out_soal(case, tmp_path):
    assert stored_total(case) == "100.00"
    path = tmp_path / "jawaban.json"
    path.write_text(json.dumps(case["doc"]))
    expected = str(scoring.r2(file_score(case, case["doc"]).total))
    assert expected != "100.00"

    out = run(path, "--merge")
    assert "mode merge (3 soal not in the file kept their answers)" in out
    assert "(0 new, 2 changed, 0 cleared)" in out
    merged = stored_total(case)
    assert merged != expected  # the left-out soal still count: not the file's score
    kept = LkeAnswer.objects.filter(
        unit=case["unit"], side=Side.UNIT, question__soal_id__in=case["left_out"]
    )
    assert {a.question.soal_id: a.value for a in kept} == {
        sid: case["answers"][sid] for sid in case["left_out"]
    }

    out = run(path, "--replace")
    assert "mode replace (soal not in the file were cleared)" in out
    assert "(0 new, 0 changed, 3 cleared)" in out
    assert f"Unit total {merged} -> {expected}" in out
    assert stored_total(case) == expected
    assert not any(a.value for a in kept.all())
    # Every clearing is a revision in the answer's history, from the import.
    for answer in kept.all():
        last = answer.changes.order_by("-revision").first()
        assert (last.value, last.source) == ("", LkeAnswerChange.Source.IMPORT)


def test_dry_run_writes_nothing_and_lists_every_change(case, tmp_path):
    path = tmp_path / "jawaban.json"
    path.write_text(json.dumps(case["doc"]))
    before = LkeAnswerChange.objects.count(), AuditEvent.objects.count()
    out = run(path, "--replace", "--dry-run")
    assert "5 answers would change (0 new, 2 changed, 3 cleared)" in out
    for sid in case["left_out"]:
        assert f"soal {sid} unit: cleared" in out
    for sid, key in case["worse"].items():
        assert f"soal {sid} unit: changed {case['answers'][sid]} -> {key}" in out
    assert (LkeAnswerChange.objects.count(), AuditEvent.objects.count()) == before
    assert stored_total(case) == "100.00"


def test_replace_and_merge_are_exclusive(case, tmp_path):
    path = tmp_path / "jawaban.json"
    path.write_text(json.dumps(case["doc"]))
    with pytest.raises(CommandError):
        run(path, "--replace", "--merge")
    assert stored_total(case) == "100.00"


def preview(client, doc):
    raw = json.dumps(doc).encode()
    return client.post(URL, {"file": SimpleUploadedFile("jawaban.json", raw, "application/json")})


def test_web_preview_shows_the_changes_and_both_scores_then_replace(case, ketua):
    changes_before = LkeAnswerChange.objects.count()
    response = preview(ketua, case["doc"])
    assert response.status_code == 200
    assert LkeAnswerChange.objects.count() == changes_before  # nothing written yet
    page = response.content.decode()
    assert "Pratinjau impor jawaban LKE" in page
    assert "0 baru · 2 berubah · 0 dikosongkan" in page
    expected = scoring.r2(file_score(case, case["doc"]).total)
    as_shown = f"{expected:.2f}".replace(".", ",")
    sides = response.context["sides"]
    assert sides[0]["replace"] == expected and sides[0]["now"] == 100
    assert as_shown in page
    assert {r["soal_id"] for r in response.context["cleared_rows"]} == case["left_out"]
    assert {r["soal_id"] for r in response.context["rows"]} == set(case["worse"])
    for sid in case["left_out"]:
        assert f'data-soal="{sid}" data-kind="cleared"' in page

    # No mode chosen: refused in Indonesian, the preview is shown again, nothing written.
    token = response.context["token"]
    response = ketua.post(URL, {"pratinjau": token})
    assert response.status_code == 400
    assert "Pilih cara impor" in response.content.decode()
    assert "Perubahan dari berkas" in response.content.decode()
    assert LkeAnswerChange.objects.count() == changes_before

    response = ketua.post(URL, {"pratinjau": token, "mode": "replace"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/lke/{YEAR}/"
    text = response.content.decode()
    assert "ganti semua jawaban" in text and "3 dikosongkan" in text and as_shown in text
    assert stored_total(case) == f"{expected:.2f}"

    # The token is spent: applying it again asks for the file again and changes nothing.
    count = LkeAnswerChange.objects.count()
    response = ketua.post(URL, {"pratinjau": token, "mode": "replace"})
    assert response.status_code == 400
    assert "unggah ulang berkasnya" in response.content.decode()
    assert LkeAnswerChange.objects.count() == count


def test_web_merge_keeps_the_left_out_soal(case, ketua):
    token = preview(ketua, case["doc"]).context["token"]
    response = ketua.post(URL, {"pratinjau": token, "mode": "merge"}, follow=True)
    assert "hanya soal yang ada di berkas" in response.content.decode()
    kept = LkeAnswer.objects.filter(
        unit=case["unit"], side=Side.UNIT, question__soal_id__in=case["left_out"]
    )
    assert {a.question.soal_id: a.value for a in kept} == {
        sid: case["answers"][sid] for sid in case["left_out"]
    }
    assert stored_total(case) != f"{scoring.r2(file_score(case, case['doc']).total):.2f}"
