"""The question sets the surveys ship with (``surveys/questions/*.json``): SKM's nine
unsur in the regulation's order, IPAK's five aspects, and every question answered on
the 1–4 scale with a label per answer."""

import json
from pathlib import Path

import pytest

from surveys import scoring

QUESTIONS = Path(__file__).resolve().parents[2] / "surveys" / "questions"


def question_set(kind: str) -> dict:
    return json.loads((QUESTIONS / f"{kind}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["skm", "ipkp", "ipak", "internal"])
def test_every_question_has_four_labelled_answers_and_a_unique_code(kind):
    data = question_set(kind)
    assert data["kind"] == kind and data["source"]
    codes = [q["code"] for q in data["questions"]]
    assert len(codes) == len(set(codes))
    for q in data["questions"]:
        assert q["text"].strip() and q["unsur"].strip()
        assert len(q["options"]) == scoring.SCALE_MAX - scoring.SCALE_MIN + 1
        assert all(label.strip() for label in q["options"])


def test_skm_has_the_nine_unsur_of_permenpan_rb_14_2017_in_order():
    unsur = [q["unsur"] for q in question_set("skm")["questions"]]
    assert len(unsur) == scoring.SKM_UNSUR
    assert unsur[0] == "Persyaratan" and unsur[-1] == "Sarana dan prasarana"
    assert "Penanganan pengaduan, saran dan masukan" in unsur


def test_ipak_asks_about_the_five_practices_of_permenpan_rb_90_2021():
    aspects = {q["unsur"] for q in question_set("ipak")["questions"]}
    assert aspects == {
        "Diskriminasi pelayanan",
        "Kecurangan pelayanan",
        "Imbalan di luar ketentuan",
        "Pungutan liar",
        "Percaloan",
    }
