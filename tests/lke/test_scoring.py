"""LKE ZI scoring (``lke.scoring``) against the hand-worked figures of
``docs/lke-scoring.md``: the master list (§1), the rules (§2), Tabel 6 readiness (§3),
the readings A1-A14 (§4) and the worked examples (§5).

Pure arithmetic: no database, no request. Every figure is compared as a ``Decimal``
rounded to 2 decimals (``r2``), as the LKE prints it (A1); a few are compared unrounded
to show there is no float drift.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from lke.scoring import (
    CHOICE_TYPES,
    COUNT,
    SURVEY,
    MasterError,
    as_dict,
    item_value,
    parse_master,
    percent_value,
    r2,
    readiness,
    score,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "lke-zi-2026-master-soal.json"

D = Decimal
AREAS = ("MP", "TL", "SDM", "AK", "PW", "PP")

# §5.1: the counts of the all-best fixture. 116 = 3 and 120 = 3 (not 1: see the pitfall).
BEST_COUNTS = {
    88: 1, 89: 1, 90: 1, 91: 1,  # P1 1/1, P2 1/1
    102: 2, 103: 0, 104: 0,  # P3: 2 → 0 violations, 100 % decrease (104 informational)
    105: 1, 106: 1,  # P4 1/1
    110: 1, 111: 1, 112: 1,  # P5 112/110 = 1/1 (111 informational)
    113: 1, 114: 1, 115: 1, 116: 3,  # P6 3 / (1 + 1 + 1)
    117: 1, 118: 1, 119: 1, 120: 3,  # P7 3 / (1 + 1 + 1)
    122: 1, 123: 1,  # P8 1/1
}  # fmt: skip

# §5.2: the counts of the all-worst fixture: every numerator 0 over a non-zero
# denominator, and 3 → 3 violations (0 % decrease).
WORST_COUNTS = {
    88: 5, 89: 0, 90: 5, 91: 0,
    102: 3, 103: 3, 104: 0,
    105: 4, 106: 0,
    110: 5, 111: 0, 112: 0,
    113: 1, 114: 1, 115: 1, 116: 0,
    117: 1, 118: 1, 119: 1, 120: 0,
    122: 5, 123: 0,
}  # fmt: skip


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def load_raw() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw() -> dict:
    return load_raw()


@pytest.fixture(scope="module")
def master(raw):
    return parse_master(raw)


def key_with(question, multiplier: str) -> str:
    """The answer key of ``question`` whose multiplier is ``multiplier``."""
    return next(o.key for o in question.options if o.multiplier == D(multiplier))


def best_answers(master) -> dict[int, str]:
    """§5.1: every choice at multiplier 1, surveys 4.00, the counts of BEST_COUNTS."""
    answers = {}
    for sid, q in master.questions.items():
        if q.answer_type in CHOICE_TYPES:
            answers[sid] = key_with(q, "1")
        elif q.answer_type == SURVEY:
            answers[sid] = "4.00"
    answers.update({sid: str(n) for sid, n in BEST_COUNTS.items()})
    return answers


def worst_answers(master) -> dict[int, str]:
    """§5.2: every choice at multiplier 0 (its last key), surveys 0, WORST_COUNTS."""
    answers = {}
    for sid, q in master.questions.items():
        if q.answer_type in CHOICE_TYPES:
            answers[sid] = key_with(q, "0")
            assert answers[sid] == q.options[-1].key
        elif q.answer_type == SURVEY:
            answers[sid] = "0"
    answers.update({sid: str(n) for sid, n in WORST_COUNTS.items()})
    return answers


def node(master, node_id: int):
    return next(n for n in master.nodes() if n.node_id == node_id)


def soal_ids(master, node_id: int) -> tuple[int, ...]:
    return tuple(q.soal_id for q in node(master, node_id).questions)


def sub_area(result, node_id: int):
    """The SubAreaScore of ``node_id`` anywhere in the Pengungkit tree."""

    def walk(subs):
        for s in subs:
            yield s
            yield from walk(s.children)

    for area in result.areas:
        for s in walk(area.pemenuhan.sub_areas + area.reform.sub_areas):
            if s.node_id == node_id:
                return s
    raise LookupError(node_id)


def all_item_scores(result):
    return [
        i
        for a in result.areas
        for h in (a.pemenuhan, a.reform)
        for s in h.sub_areas
        for i in s.all_items
    ]


def area_scores(result) -> dict[str, Decimal]:
    return {a.code: r2(a.score) for a in result.areas}


def conditions(result, level: str) -> dict:
    return {c.key: c for c in result.readiness[level].conditions}


def gaps(result, level: str) -> dict[str, Decimal]:
    return {c.key: c.gap for c in result.readiness[level].conditions}


def failing(result, level: str) -> dict[str, Decimal]:
    """The conditions of ``level`` that are not met, with their gaps."""
    return {c.key: c.gap for c in result.readiness[level].conditions if not c.met}


def pct(master, key: str):
    return next(p for p in master.percent_items if p.key == key)


def decimals(mapping: dict) -> dict:
    return {k: D(v) for k, v in mapping.items()}


# ---------------------------------------------------------------------------------------
# 1. The master list
# ---------------------------------------------------------------------------------------


def test_master_parses_127_questions_with_documented_type_counts(master):
    assert master.year == 2026
    assert master.total_soal == 127
    assert sorted(master.questions) == list(range(1, 128))
    # §1.3: ABC 36, ABCD 33, YA_TIDAK 17, ABCDE 17, Jumlah 16 + jumlah 6, 0-4 2.
    assert Counter(q.answer_type for q in master.questions.values()) == {
        "abc": 36,
        "abcd": 33,
        "ya_tidak": 17,
        "abcde": 17,
        "jumlah": 22,
        "0-4": 2,
    }
    # A13: the original spelling is kept for export.
    raw_counts = Counter(q.raw_type for q in master.questions.values() if q.answer_type == COUNT)
    assert raw_counts == {"Jumlah": 16, "jumlah": 6}
    assert {sid for sid, q in master.questions.items() if q.raw_type == "jumlah"} == {
        117,
        118,
        119,
        120,
        122,
        123,
    }


def test_master_parts_and_areas(master):
    parts = Counter(q.part for q in master.questions.values())
    assert parts == {"pemenuhan": 87, "reform": 37, "bersih": 2, "prima": 1}
    per_area = Counter((q.area_code, q.part) for q in master.questions.values() if q.area_code)
    assert per_area == {
        ("MP", "pemenuhan"): 12,
        ("MP", "reform"): 6,
        ("TL", "pemenuhan"): 9,
        ("TL", "reform"): 6,
        ("SDM", "pemenuhan"): 18,
        ("SDM", "reform"): 5,
        ("AK", "pemenuhan"): 11,
        ("AK", "reform"): 4,
        ("PW", "pemenuhan"): 18,
        ("PW", "reform"): 12,
        ("PP", "pemenuhan"): 19,
        ("PP", "reform"): 4,
    }
    # All 22 counts are in Reform.
    assert {q.part for q in master.questions.values() if q.answer_type == COUNT} == {"reform"}
    # The documented multipliers, as the JSON writes them (0.67, not 2/3).
    assert [o.multiplier for o in master.questions[6].options] == [
        D("1"),
        D("0.67"),
        D("0.33"),
        D("0"),
    ]
    assert [o.multiplier for o in master.questions[14].options] == [
        D("1"),
        D("0.75"),
        D("0.5"),
        D("0.25"),
        D("0"),
    ]


def test_master_percent_items_cover_every_count(master):
    assert [p.key for p in master.percent_items] == [f"P{i}" for i in range(1, 9)]
    assert {p.key: p.node_id for p in master.percent_items} == {
        "P1": 36,
        "P2": 36,
        "P3": 46,
        "P4": 48,
        "P5": 53,
        "P6": 55,
        "P7": 56,
        "P8": 58,
    }
    counts = {sid for sid, q in master.questions.items() if q.answer_type == COUNT}
    covered = [sid for p in master.percent_items for sid in p.counts]
    assert set(covered) == counts
    assert len(covered) == len(counts) == 22  # each count in exactly one item
    # Every count sits in the sub_area of its item.
    for p in master.percent_items:
        for sid in p.counts:
            assert master.questions[sid].node_id == p.node_id
    # A3 / A14: 111 and 104 are collected but not part of the formula.
    assert pct(master, "P5").informational == (111,)
    assert pct(master, "P3").informational == (104,)
    assert pct(master, "P6").numerator == (116,)
    assert pct(master, "P6").denominator == (113, 114, 115)


def test_area_maxima_from_all_best(master):
    result = score(master, best_answers(master))
    assert {a.code: r2(a.max) for a in result.areas} == decimals(
        {"MP": "8.00", "TL": "7.00", "SDM": "10.00", "AK": "10.00", "PW": "15.00", "PP": "10.00"}
    )
    # At all best every area scores its maximum, each half its 4/3.5/5/5/7.5/5.
    for a in result.areas:
        assert a.score == a.max
        assert a.pemenuhan.score == a.pemenuhan.max == a.reform.score == a.reform.max
    assert r2(result.pengungkit_max) == D("60.00")
    assert r2(result.bersih_max) == D("22.50")
    assert r2(result.prima_max) == D("17.50")
    assert r2(result.hasil_max) == D("40.00")


def test_master_duplicate_soal_id_is_refused(raw):
    data = copy.deepcopy(raw)
    pemenuhan_mp_i = data["data"][0]["children"][0]["children"][0]["children"][0]
    assert pemenuhan_mp_i["id"] == 4
    pemenuhan_mp_i["soals"][1]["id"] = 1  # soal 2 now also claims id 1
    with pytest.raises(MasterError, match="soal 1 appears twice"):
        parse_master(data)


def test_master_total_soal_mismatch_is_refused(raw):
    data = copy.deepcopy(raw)
    data["total_soal"] = 128
    with pytest.raises(MasterError, match="total_soal says 128 but the list holds 127"):
        parse_master(data)


def test_master_unknown_answer_type_is_refused(raw):
    data = copy.deepcopy(raw)
    data["data"][0]["children"][0]["children"][0]["children"][0]["soals"][0]["jenis_jawaban"] = (
        "PILIHAN_GANDA"
    )
    with pytest.raises(MasterError, match="unknown jenis_jawaban 'PILIHAN_GANDA'"):
        parse_master(data)


def test_master_jumlah_soal_outside_every_formula_is_refused(raw):
    data = copy.deepcopy(raw)
    reform_mp_i = data["data"][0]["children"][1]["children"][0]["children"][0]
    assert reform_mp_i["id"] == 36
    extra = dict(reform_mp_i["soals"][0], id=128, teks_pertanyaan="Jumlah lain")
    reform_mp_i["soals"].append(extra)
    data["total_soal"] = 128
    with pytest.raises(MasterError, match=r"No percentage formula covers .*128"):
        parse_master(data)


def test_another_years_list_loads_and_scores_the_same(raw, master):
    data = copy.deepcopy(raw)
    data["tahun"] = 2027
    other = parse_master(data)
    assert other.year == 2027
    assert other.total_soal == 127
    assert other.percent_items == master.percent_items
    for answers in (best_answers(master), borderline_wbk(master), {}):
        a, b = score(master, answers), score(other, answers)
        assert b.year == 2027
        assert (b.pengungkit, b.hasil, b.total, b.items) == (
            a.pengungkit,
            a.hasil,
            a.total,
            a.items,
        )
        assert [(x.code, x.score) for x in b.areas] == [(x.code, x.score) for x in a.areas]
        assert gaps(b, "WBK") == gaps(a, "WBK")
        assert gaps(b, "WBBM") == gaps(a, "WBBM")
        da, db = as_dict(a), as_dict(b)
        assert (da.pop("tahun"), db.pop("tahun")) == (2026, 2027)
        assert da == db


# ---------------------------------------------------------------------------------------
# 2. All best (§5.1)
# ---------------------------------------------------------------------------------------


def test_all_best_scores_100(master):
    result = score(master, best_answers(master))
    assert r2(result.pengungkit) == D("60.00")
    assert r2(result.ipak) == D("17.50")
    assert r2(result.kinerja) == D("5.00")
    assert r2(result.bersih) == D("22.50")
    assert r2(result.prima) == D("17.50")
    assert r2(result.hasil) == D("40.00")
    assert r2(result.total) == D("100.00")
    assert result.total == D(100)  # exact, not merely after rounding
    assert all(v == 1 for v in result.items.values())
    assert result.answered == result.total_items == 113
    assert result.readiness["WBK"].met
    assert failing(result, "WBK") == {}
    assert set(gaps(result, "WBK").values()) == {D(0)}


def test_all_best_wbbm_needs_the_wbk_predicate(master):
    answers = best_answers(master)
    with_predicate = score(master, answers, wbk_predicate=True)
    assert with_predicate.readiness["WBBM"].met
    assert conditions(with_predicate, "WBBM")["predikat_wbk"].met

    without = score(master, answers)
    assert not without.readiness["WBBM"].met
    assert failing(without, "WBBM") == {"predikat_wbk": D(0)}  # the only failure (A6)
    predicate = conditions(without, "WBBM")["predikat_wbk"]
    assert predicate.minimum is None and predicate.value is None
    # WBK has no predicate condition.
    assert "predikat_wbk" not in conditions(without, "WBK")
    assert without.readiness["WBK"].met


def test_all_best_pitfall_lhk_counts_of_one(master):
    # §5.1 pitfall: 116 = 1 and 120 = 1 (over 1 + 1 + 1) give 1/3 on LHKPN and Non-LHKPN:
    # each of sub_areas 55 and 56 (weight 1) scores 1/3, PW = 15 - 2 × 2/3 = 13.67,
    # Pengungkit = 60 - 4/3 = 58.67.
    answers = best_answers(master) | {116: "1", 120: "1"}
    result = score(master, answers)
    assert r2(sub_area(result, 55).score) == D("0.33")
    assert r2(sub_area(result, 56).score) == D("0.33")
    assert r2(sub_area(result, 54).score) == D("0.67")  # nested: the sum of 55 and 56
    assert r2(result.area("PW").score) == D("13.67")
    assert r2(result.pengungkit) == D("58.67")
    assert r2(result.total) == D("98.67")
    # 13.67 still meets the WBBM 75 % share of PW (11.25).
    assert result.readiness["WBK"].met


def test_literally_every_count_one_also_zeroes_discipline(master):
    # Taken literally, "every count 1" also makes 102 = 103 = 1: a 0 % decrease (P3 = 0),
    # so SDM loses its 2-point sub_area 46 on top of the LHK loss:
    # 60 - 2 - 4/3 = 56.67.
    answers = best_answers(master) | dict.fromkeys(BEST_COUNTS, "1")
    result = score(master, answers)
    assert result.items["P3"] == 0
    assert r2(result.area("SDM").score) == D("8.00")
    assert r2(result.area("PW").score) == D("13.67")
    assert r2(result.pengungkit) == D("56.67")


# ---------------------------------------------------------------------------------------
# 3. All worst (§5.2)
# ---------------------------------------------------------------------------------------


def test_all_worst_scores_zero_with_full_gaps(master):
    result = score(master, worst_answers(master))
    for figure in (
        result.pengungkit,
        result.ipak,
        result.kinerja,
        result.bersih,
        result.prima,
        result.hasil,
        result.total,
    ):
        assert r2(figure) == D("0.00")
    assert area_scores(result) == dict.fromkeys(AREAS, D("0.00"))
    assert all(v == 0 for v in result.items.values())
    assert result.answered == result.total_items == 113  # answered, just badly
    assert not result.readiness["WBK"].met
    assert gaps(result, "WBK") == decimals(
        {
            "total": "75.00",
            "pengungkit": "40.00",
            "area:MP": "4.80",
            "area:TL": "4.20",
            "area:SDM": "6.00",
            "area:AK": "6.00",
            "area:PW": "9.00",
            "area:PP": "6.00",
            "bersih": "18.25",
            "ipak": "15.75",
            "kinerja": "2.50",
            "prima": "14.00",
        }
    )
    assert failing(result, "WBK") == gaps(result, "WBK")  # nothing met
    assert failing(result, "WBBM") == decimals(
        {
            "total": "85.00",
            "pengungkit": "48.00",
            "area:MP": "6.00",
            "area:TL": "5.25",
            "area:SDM": "7.50",
            "area:AK": "7.50",
            "area:PW": "11.25",
            "area:PP": "7.50",
            "bersih": "19.50",
            "ipak": "15.75",
            "kinerja": "3.75",
            "prima": "15.75",
            "predikat_wbk": "0",
        }
    )


# ---------------------------------------------------------------------------------------
# 4. No answers (A9)
# ---------------------------------------------------------------------------------------


def test_empty_answers_score_zero_and_nothing_answered(master):
    result = score(master, {})
    assert r2(result.total) == r2(result.pengungkit) == r2(result.hasil) == D("0.00")
    assert area_scores(result) == dict.fromkeys(AREAS, D("0.00"))
    # 102 scored Pengungkit soals (124 - 22 counts) + 8 percent items + 3 Hasil soals.
    assert result.total_items == 113
    assert result.answered == 0
    assert len(result.items) == 113
    assert all(v is None for v in result.items.values())
    items = all_item_scores(result)
    assert len(items) == 110
    assert not any(i.answered for i in items)
    # Per area: scored soals of both halves + that area's percent items.
    assert {a.code: (a.answered, a.total) for a in result.areas} == {
        "MP": (0, 16),  # 12 + 92, 93, P1, P2
        "TL": (0, 15),  # 9 + 6
        "SDM": (0, 21),  # 18 + 100, 101, P3
        "AK": (0, 14),  # 11 + P4, 107, 108
        "PW": (0, 22),  # 18 + 109, P5, P6, P7
        "PP": (0, 22),  # 19 + 121, P8, 124
    }
    assert not result.readiness["WBK"].met
    assert not result.readiness["WBBM"].met


def test_partly_answered_counts_and_divides_by_all_items(master):
    # A9: an unanswered item is 0 but still counts in the sub_area's mean.
    # Sub_area 4 (0.5) with only soal 1 = Ya: (1 + 0) / 2 × 0.5 = 0.25.
    result = score(master, {1: "Ya"})
    assert sub_area(result, 4).score == D("0.25")
    assert result.answered == 1
    assert result.area("MP").answered == 1
    assert result.items["1"] == 1 and result.items["2"] is None


def test_sub_area_example_ya_and_b(master):
    # §2.3: sub_area 4 with Ya and B: (1 + 0.5) / 2 × 0.5 = 0.375.
    result = score(master, {1: "Ya", 2: "B"})
    assert sub_area(result, 4).score == D("0.375")


# ---------------------------------------------------------------------------------------
# 5. Borderline at Menuju WBK (§5.3)
# ---------------------------------------------------------------------------------------


def borderline_wbk(master) -> dict[int, str]:
    """§5.3: all best with the listed changes. The soal ids per sub_area are read from
    the JSON (and checked against it here)."""
    q = master.questions
    answers = best_answers(master)
    # Pemenuhan SDM iv Penetapan Kinerja Individu (sub_area 16, 2): all 4 worst → -2.00.
    assert soal_ids(master, 16) == (34, 35, 36, 37)
    answers |= {sid: key_with(q[sid], "0") for sid in (34, 35, 36, 37)}
    # Reform SDM iii disiplin (46, 2): 10 → 10, a 0 % decrease → -2.00 (SDM 6.00).
    answers |= {102: "10", 103: "10"}
    # Reform PW i Mekanisme Pengendalian (52, 2.5): soal 109 E → -2.50.
    assert soal_ids(master, 52) == (109,)
    answers[109] = "E"
    # Reform PW ii pengaduan (53, 3): 0 of 10 settled → -3.00.
    answers |= {110: "10", 112: "0"}
    # LHKPN (55, 1): 1 of 1 + 1 + 0 → 50 % → -0.50 (PW 9.00).
    answers |= {113: "1", 114: "1", 115: "0", 116: "1"}
    # Reform AK i sasaran (48, 2): 0 of 4 → -2.00.
    answers |= {105: "4", 106: "0"}
    # Reform AK ii reward (49, 1.5): soal 107 D → -1.50 (AK 6.50).
    assert soal_ids(master, 49) == (107,)
    answers[107] = "D"
    # Reform PP i (58, 2.5): soal 121 D and 0 of 4 → -2.50 (PP 7.50).
    assert soal_ids(master, 58) == (121, 122, 123)
    answers |= {121: "D", 122: "4", 123: "0"}
    # Reform TL ii SPBE (41, 1): both items C → -1.00 (TL 6.00).
    assert soal_ids(master, 41) == (95, 96)
    answers |= {95: "C", 96: "C"}
    # Soal 2 (Pemenuhan MP i, sub_area 4, 0.5): C → (1 + 0) / 2 × 0.5 = 0.25, -0.25.
    assert soal_ids(master, 4) == (1, 2)
    answers[2] = "C"
    # Hasil: IPAK 3.60 → 15.75, Kinerja C → 2.50, IPKP 3.20 → 14.00.
    answers |= {125: "3.60", 126: "C", 127: "3.20"}
    return answers


def test_borderline_wbk_figures(master):
    result = score(master, borderline_wbk(master))
    # 60 - (2 + 2 + 2.5 + 3 + 0.5 + 2 + 1.5 + 2.5 + 1 + 0.25) = 60 - 17.25 = 42.75.
    assert r2(result.pengungkit) == D("42.75")
    assert area_scores(result) == decimals(
        {"MP": "7.75", "TL": "6.00", "SDM": "6.00", "AK": "6.50", "PW": "9.00", "PP": "7.50"}
    )
    assert r2(result.ipak) == D("15.75")
    assert r2(result.kinerja) == D("2.50")
    assert r2(result.bersih) == D("18.25")
    assert r2(result.prima) == D("14.00")
    assert r2(result.hasil) == D("32.25")
    assert r2(result.total) == D("75.00")
    assert result.total == D("75")  # exactly, before rounding
    assert result.items["P3"] == 0
    assert result.items["P6"] == D("0.5")


def test_borderline_wbk_is_met_with_zero_gaps_at_equality(master):
    result = score(master, borderline_wbk(master))
    assert result.readiness["WBK"].met
    wbk = conditions(result, "WBK")
    for key in ("total", "area:SDM", "area:PW", "bersih", "ipak", "kinerja", "prima"):
        assert wbk[key].met
        assert r2(wbk[key].value) == wbk[key].minimum  # exactly at the minimum
        assert wbk[key].gap == 0
    assert set(gaps(result, "WBK").values()) == {D(0)}


def test_borderline_wbk_is_not_wbbm(master):
    result = score(master, borderline_wbk(master), wbk_predicate=True)
    assert not result.readiness["WBBM"].met
    assert failing(result, "WBBM") == decimals(
        {
            "total": "10.00",
            "pengungkit": "5.25",
            "area:SDM": "1.50",
            "area:AK": "1.00",
            "area:PW": "2.25",
            "bersih": "1.25",
            "kinerja": "1.25",
            "prima": "1.75",
        }
    )
    # TL 6.00 ≥ 5.25, MP 7.75 ≥ 6.00, PP 7.50 ≥ 7.50 (at equality), IPAK 15.75.
    wbbm = conditions(result, "WBBM")
    for key in ("area:MP", "area:TL", "area:PP", "ipak", "predikat_wbk"):
        assert wbbm[key].met
    assert wbbm["area:PP"].gap == 0


def test_borderline_wbk_ipkp_3_19_fails_total_and_prima(master):
    # Prima = 3.19 / 4 × 17.5 = 13.95625 → 13.96; total 74.95625 → 74.96.
    result = score(master, borderline_wbk(master) | {127: "3.19"})
    assert result.prima == D("13.95625")
    assert r2(result.prima) == D("13.96")
    assert r2(result.total) == D("74.96")
    assert not result.readiness["WBK"].met
    assert failing(result, "WBK") == {"total": D("0.04"), "prima": D("0.04")}


def test_borderline_wbk_soal_1_tidak_fails_total_only(master):
    # Sub_area 4: (0 + 0) / 2 × 0.5 = 0, another -0.25: MP 7.50, Pengungkit 42.50,
    # total 74.75.
    result = score(master, borderline_wbk(master) | {1: "Tidak"})
    assert r2(result.area("MP").score) == D("7.50")
    assert r2(result.pengungkit) == D("42.50")
    assert r2(result.total) == D("74.75")
    assert failing(result, "WBK") == {"total": D("0.25")}
    assert conditions(result, "WBK")["pengungkit"].met  # 42.50 ≥ 40


# ---------------------------------------------------------------------------------------
# 6. Borderline at Menuju WBBM (worked out here)
# ---------------------------------------------------------------------------------------


def borderline_wbbm(master) -> dict[int, str]:
    """Exactly 85.00 with SDM, AK, PW, Bersih, IPAK, Kinerja and Prima at the WBBM
    minimum.

    Hasil: IPAK 3.60 → 3.60 / 4 × 17.5 = 15.75; Kinerja B → 0.75 × 5 = 3.75;
    Bersih 19.50; IPKP 3.60 → 15.75. Hasil = 35.25, so Pengungkit must be
    85 - 35.25 = 49.75, i.e. 10.25 below 60:

    - SDM (max 10, minimum 7.50): Reform SDM ii Assessment (45, 1.5) soal 101 C → -1.50;
      Reform SDM iii disiplin (46, 2) 2 → 1 violations = 50 % → 0.5 × 2 = 1, -1.00.
      SDM = 10 - 2.50 = 7.50.
    - AK (max 10, minimum 7.50): Reform AK i (48, 2) 1 of 2 = 50 % → -1.00;
      Reform AK ii (49, 1.5) soal 107 D → -1.50. AK = 10 - 2.50 = 7.50.
    - PW (max 15, minimum 11.25): Reform PW i (52, 2.5) soal 109 C → 0.5 × 2.5, -1.25;
      Reform PW ii (53, 3) 2 of 4 settled = 50 % → -1.50;
      LHKPN (55, 1) 0 of 1 + 1 + 1 → -1.00. PW = 15 - 3.75 = 11.25.
    - TL (max 7, minimum 5.25): Reform TL ii SPBE (41, 1) 95 C, 96 B → (0 + 0.5) / 2 × 1
      = 0.25, -0.75. TL = 6.25.
    - MP (max 8, minimum 6.00): Reform MP i (36, 2) P1 1 of 2 = 0.5, P2 1 of 1 = 1 →
      (0.5 + 1) / 2 × 2 = 1.5, -0.50. MP = 7.50.
    - PP (max 10, minimum 7.50): Pemenuhan PP i Standar Pelayanan (29, 1) soal 72 Tidak →
      (1 + 1 + 1 + 0) / 4 × 1 = 0.75, -0.25. PP = 9.75.

    Losses 2.50 + 2.50 + 3.75 + 0.75 + 0.50 + 0.25 = 10.25 → Pengungkit 49.75 (≥ 48),
    total 49.75 + 35.25 = 85.00.
    """
    q = master.questions
    answers = best_answers(master)
    assert soal_ids(master, 45) == (101,)
    answers[101] = "C"
    answers |= {102: "2", 103: "1"}
    answers |= {105: "2", 106: "1"}
    assert soal_ids(master, 49) == (107,)
    answers[107] = "D"
    assert soal_ids(master, 52) == (109,)
    answers[109] = "C"
    answers |= {110: "4", 112: "2"}
    answers |= {113: "1", 114: "1", 115: "1", 116: "0"}
    assert soal_ids(master, 41) == (95, 96)
    answers |= {95: "C", 96: "B"}
    answers |= {88: "2", 89: "1", 90: "1", 91: "1"}
    assert soal_ids(master, 29) == (69, 70, 71, 72)
    answers[72] = key_with(q[72], "0")
    answers |= {125: "3.60", 126: "B", 127: "3.60"}
    return answers


def test_borderline_wbbm_figures_and_readiness(master):
    result = score(master, borderline_wbbm(master), wbk_predicate=True)
    assert area_scores(result) == decimals(
        {"MP": "7.50", "TL": "6.25", "SDM": "7.50", "AK": "7.50", "PW": "11.25", "PP": "9.75"}
    )
    assert r2(result.pengungkit) == D("49.75")
    assert r2(result.ipak) == D("15.75")
    assert r2(result.kinerja) == D("3.75")
    assert r2(result.bersih) == D("19.50")
    assert r2(result.prima) == D("15.75")
    assert r2(result.hasil) == D("35.25")
    assert r2(result.total) == D("85.00")
    assert result.total == D(85)
    assert result.readiness["WBBM"].met
    assert result.readiness["WBK"].met
    wbbm = conditions(result, "WBBM")
    for key in ("total", "area:SDM", "area:AK", "area:PW", "bersih", "ipak", "kinerja", "prima"):
        assert r2(wbbm[key].value) == wbbm[key].minimum
        assert wbbm[key].met and wbbm[key].gap == 0
    # Without the predicate only R13 fails.
    without = score(master, borderline_wbbm(master))
    assert failing(without, "WBBM") == {"predikat_wbk": D(0)}


def test_borderline_wbbm_one_answer_worse_fails_total(master):
    # Soal 121 (Reform PP i, sub_area 58, 2.5, items 121 and P8) A → B:
    # (0.67 + 1) / 2 × 2.5 = 2.0875, -0.4125. PP 9.3375 (still ≥ 7.50),
    # Pengungkit 49.3375 (≥ 48), total 84.5875 → 84.59, gap 85 - 84.59 = 0.41.
    result = score(master, borderline_wbbm(master) | {121: "B"}, wbk_predicate=True)
    assert sub_area(result, 58).score == D("2.0875")
    assert result.total == D("84.5875")
    assert r2(result.total) == D("84.59")
    assert r2(result.pengungkit) == D("49.34")
    assert not result.readiness["WBBM"].met
    assert failing(result, "WBBM") == {"total": D("0.41")}
    assert result.readiness["WBK"].met


def test_borderline_wbbm_ipak_3_59_fails_three_conditions(master):
    # IPAK 3.59 / 4 × 17.5 = 15.70625 → 15.71 (gap 0.04); Bersih 19.45625 → 19.46
    # (gap 0.04); total 84.95625 → 84.96 (gap 0.04).
    result = score(master, borderline_wbbm(master) | {125: "3.59"}, wbk_predicate=True)
    assert result.ipak == D("15.70625")
    assert failing(result, "WBBM") == {
        "total": D("0.04"),
        "bersih": D("0.04"),
        "ipak": D("0.04"),
    }
    # WBK needs IPAK 15.75 too.
    assert failing(result, "WBK") == {"ipak": D("0.04")}


def test_borderline_wbbm_kinerja_c_fails_kinerja_and_bersih(master):
    # Kinerja C → 2.50 (gap 1.25); Bersih 18.25 (gap 1.25); total 83.75 (gap 1.25).
    result = score(master, borderline_wbbm(master) | {126: "C"}, wbk_predicate=True)
    assert failing(result, "WBBM") == {
        "total": D("1.25"),
        "bersih": D("1.25"),
        "kinerja": D("1.25"),
    }
    assert result.readiness["WBK"].met  # 2.50 and 18.25 are the WBK minimums


# ---------------------------------------------------------------------------------------
# 7. Percentage items (§2.2, A2, A2b, A3, A14)
# ---------------------------------------------------------------------------------------


EFFORT_ITEMS = ("P1", "P2", "P4", "P8")  # changes, integrations, targets, services
DUE_ITEMS = ("P5", "P6", "P7")  # complaints to settle, reports to file


def zero_counts(item) -> dict[int, str]:
    return dict.fromkeys(item.inputs, "0")


def test_percent_zero_denominator_reading_per_item(master):
    # A2: 0 of 0 effort is nothing done (0); 0 of 0 obligation is nothing owed (1).
    for key in EFFORT_ITEMS:
        item = pct(master, key)
        assert item.empty == "effort"
        assert percent_value(item, zero_counts(item)) == 0, key
    for key in DUE_ITEMS:
        item = pct(master, key)
        assert item.empty == "due"
        assert percent_value(item, zero_counts(item)) == 1, key
    # Every percentage item is classified; none is left to a default by accident.
    assert {i.key for i in master.percent_items} == {*EFFORT_ITEMS, *DUE_ITEMS, "P3"}
    # In a full score: best answers but no complaints at all → P5 still 1, PW 15.
    result = score(master, best_answers(master) | {110: "0", 111: "0", 112: "0"})
    assert result.items["P5"] == 1
    assert r2(result.area("PW").score) == D("15.00")


def test_all_worst_with_no_agents_of_change_scores_zero_not_one(master):
    # The hand-worked case of issue 17: every answer at its worst, and the unit has no
    # agents of change (88 = 0, so 89, 90, 91 are 0 too). 0/0 used to give MP Reform
    # 100 % on P1 and the LKE 1.00; it is 0.00.
    answers = worst_answers(master) | {88: "0", 89: "0", 90: "0", 91: "0"}
    result = score(master, answers)
    assert result.items["P1"] == result.items["P2"] == 0
    assert r2(result.area("MP").score) == D("0.00")
    assert r2(result.total) == D("0.00")
    # No targets and no registered services either: still 0.00.
    answers |= {105: "0", 106: "0", 122: "0", 123: "0"}
    assert r2(score(master, answers).total) == D("0.00")


def test_no_agents_of_change_costs_mp_reform_its_sub_area(master):
    # All best except no agents of change: sub-area 36 (weight 2) is scored only by
    # P1 and P2, both 0 of 0 → 0, so the LKE loses exactly those 2 points.
    answers = best_answers(master) | {88: "0", 89: "0", 90: "0", 91: "0"}
    result = score(master, answers)
    assert [i.key for i in sub_area(result, 36).items] == ["P1", "P2"]
    assert sub_area(result, 36).score == 0
    assert r2(result.total) == D("98.00")
    # The issue's figure: worst answers, 0 agents but 5 changes counted for P2's
    # denominator. Before the fix P1 was 100 % and the total 1.00.
    case = worst_answers(master) | {88: "0", 89: "0"}
    assert r2(score(master, case).total) == D("0.00")


def test_percent_decrease_rules(master):
    p3 = pct(master, "P3")
    assert percent_value(p3, {102: "0", 103: "0"}) == 1  # 0 → 0
    assert percent_value(p3, {102: "0", 103: "4"}) == 0  # 0 → n
    assert percent_value(p3, {102: "2", 103: "5"}) == 0  # rise: -150 % clamped to 0
    assert percent_value(p3, {102: "4", 103: "1"}) == D("0.75")  # (4 - 1) / 4
    assert percent_value(p3, {102: "3", 103: "3"}) == 0
    # 104 (disanksi) is informational (A14): not needed, and ignored when present.
    assert percent_value(p3, {102: "4", 103: "1", 104: "99"}) == D("0.75")


def test_percent_capped_at_100_percent(master):
    assert percent_value(pct(master, "P1"), {88: "2", 89: "5"}) == 1
    assert percent_value(pct(master, "P7"), {117: "1", 118: "1", 119: "1", 120: "7"}) == 1


def test_percent_missing_input_is_unanswered(master):
    p1 = pct(master, "P1")
    assert percent_value(p1, {88: "3"}) is None
    assert percent_value(p1, {88: "3", 89: None}) is None
    assert percent_value(p1, {88: "3", 89: "  "}) is None
    assert percent_value(pct(master, "P6"), {113: "1", 114: "1", 116: "2"}) is None
    # In a score the item is unanswered and worth 0 (A9): sub_area 36 (2) with
    # P1 missing and P2 = 1 → (0 + 1) / 2 × 2 = 1.
    answers = best_answers(master)
    del answers[89]
    result = score(master, answers)
    assert result.items["P1"] is None
    assert sub_area(result, 36).score == 1
    assert result.answered == 112
    # P5's informational count 111 is not an input: P5 is answered without it (A3).
    answers = best_answers(master)
    del answers[111]
    assert score(master, answers).items["P5"] == 1


def test_percent_negative_or_non_numeric_count_is_unanswered(master):
    p1 = pct(master, "P1")
    assert percent_value(p1, {88: "3", 89: "-1"}) is None
    assert percent_value(p1, {88: "-3", 89: "1"}) is None
    assert percent_value(p1, {88: "3", 89: "dua"}) is None
    assert percent_value(p1, {88: "3", 89: "NaN"}) is None
    assert percent_value(p1, {88: "Infinity", 89: "1"}) is None


def test_percent_p6_is_116_over_113_114_115(master):
    p6 = pct(master, "P6")
    # 2 / (1 + 2 + 1) = 0.5
    assert percent_value(p6, {113: "1", 114: "2", 115: "1", 116: "2"}) == D("0.5")
    # 3 / (2 + 2 + 0) = 0.75
    assert percent_value(p6, {113: "2", 114: "2", 115: "0", 116: "3"}) == D("0.75")
    result = score(master, best_answers(master) | {113: "2", 114: "2", 115: "0", 116: "3"})
    assert sub_area(result, 55).score == D("0.75")
    assert r2(result.area("PW").score) == D("14.75")


def test_percent_ratio_of_two_counts(master):
    # P4: 3 of 4 targets → 0.75; with P2 2 of 3.
    assert percent_value(pct(master, "P4"), {105: "4", 106: "3"}) == D("0.75")
    assert r2(percent_value(pct(master, "P2"), {90: "3", 91: "2"})) == D("0.67")


# ---------------------------------------------------------------------------------------
# 8. Item values (§2.1, A1, A7)
# ---------------------------------------------------------------------------------------


def test_item_values_per_type(master):
    q = master.questions
    assert item_value(q[1], "Ya") == 1 and item_value(q[1], "Tidak") == 0
    assert item_value(q[2], "B") == D("0.5")
    assert item_value(q[6], "B") == D("0.67")  # exactly, not 2/3
    assert item_value(q[6], "C") == D("0.33")
    assert item_value(q[14], "D") == D("0.25")
    assert item_value(q[126], "E") == 0  # A11: the JSON's option e
    # Surrounding blanks are tolerated.
    assert item_value(q[6], " B ") == D("0.67")
    # Counts are not scored by themselves.
    assert item_value(q[88], "5") is None


def test_item_value_unknown_key_or_blank_is_none(master):
    q = master.questions
    assert item_value(q[6], "E") is None  # ABCD has no E
    assert item_value(q[2], "D") is None
    assert item_value(q[1], "Mungkin") is None
    assert item_value(q[1], "") is None
    assert item_value(q[1], None) is None
    result = score(master, best_answers(master) | {6: "Z"})
    assert result.items["6"] is None
    # Sub_area 6 (1): (0 + 1 + 1) / 3 × 1
    assert r2(sub_area(result, 6).score) == D("0.67")


def test_three_abcd_b_sum_without_float_drift(raw, master):
    # On the real list: sub_area 6 (1) with 6, 7, 8 = B → (3 × 0.67) / 3 × 1 = 0.67,
    # MP = 8 - 0.33 = 7.67.
    assert soal_ids(master, 6) == (6, 7, 8)
    result = score(master, best_answers(master) | {6: "B", 7: "B", 8: "B"})
    assert sub_area(result, 6).score == D("0.67")
    assert result.area("MP").score == D("7.67")
    # A1: the same three answers on a 1.5 sub_area give exactly 1.005
    # (floats give 1.0050000000000001). Sub_area 6's weight raised to 1.5 in a copy.
    data = copy.deepcopy(raw)
    node6 = data["data"][0]["children"][0]["children"][0]["children"][2]
    assert node6["id"] == 6
    node6["bobot_maksimal"] = 1.5
    heavier = parse_master(data)
    result = score(heavier, best_answers(heavier) | {6: "B", 7: "B", 8: "B"})
    assert sub_area(result, 6).score == D("1.005")
    assert r2(sub_area(result, 6).score) == D("1.01")  # half up


def test_survey_values(master):
    q = master.questions
    assert item_value(q[125], "3,6") == D("0.9")  # decimal comma accepted
    assert item_value(q[125], "3.60") == D("0.9")
    assert item_value(q[127], "4") == 1
    assert item_value(q[127], "0") == 0
    assert item_value(q[125], "4.5") is None
    assert item_value(q[125], "4.01") is None
    assert item_value(q[125], "-0.1") is None
    assert item_value(q[125], "tiga") is None
    # In a score: IPAK "3,6" → 15.75 like "3.60".
    result = score(master, best_answers(master) | {125: "3,6", 127: "4.5"})
    assert result.ipak == D("15.75")
    assert result.items["127"] is None
    assert result.prima == 0


def test_survey_thresholds(master):
    # A7: IPAK 3.60 → 15.75, IPKP 3.20 → 14.00, Kinerja B/C/D → 3.75/2.50/1.25.
    base = best_answers(master)
    assert score(master, base | {125: "3.60"}).ipak == D("15.75")
    assert score(master, base | {127: "3.20"}).prima == D("14.00")
    assert [score(master, base | {126: k}).kinerja for k in "ABCDE"] == [
        D("5"),
        D("3.75"),
        D("2.50"),
        D("1.25"),
        D("0"),
    ]


# ---------------------------------------------------------------------------------------
# 9. Rounding at the threshold (A1)
# ---------------------------------------------------------------------------------------


def test_total_74_995_rounds_to_75_and_meets_wbk(master):
    # Borderline WBK (75.00) with P1 = 199 of 200: sub_area 36 (2) = (0.995 + 1) / 2 × 2
    # = 1.995, -0.005. Pengungkit 42.745, total 74.995 → 75.00 (half up): R1 met.
    result = score(master, borderline_wbk(master) | {88: "200", 89: "199"})
    assert result.items["P1"] == D("0.995")
    assert result.pengungkit == D("42.745")
    assert result.total == D("74.995")
    assert r2(result.total) == D("75.00")
    assert conditions(result, "WBK")["total"].met
    assert conditions(result, "WBK")["total"].gap == 0
    assert result.readiness["WBK"].met


def test_total_74_994_rounds_to_74_99_and_fails_wbk(master):
    # P1 = 994 of 1000: -0.006, total 74.994 → 74.99: R1 fails by 0.01.
    result = score(master, borderline_wbk(master) | {88: "1000", 89: "994"})
    assert result.total == D("74.994")
    assert r2(result.total) == D("74.99")
    assert failing(result, "WBK") == {"total": D("0.01")}


def test_readiness_rounds_before_comparing(master):
    areas = score(master, best_answers(master)).areas

    def wbk(total):
        return readiness(
            "WBK",
            total=total,
            pengungkit=D("60"),
            areas=areas,
            bersih=D("22.5"),
            ipak=D("17.5"),
            kinerja=D("5"),
            prima=D("17.5"),
            wbk_predicate=False,
        )

    met = wbk(D("74.995"))
    assert met.met
    assert met.conditions[0].key == "total" and met.conditions[0].gap == 0
    short = wbk(D("74.994"))
    assert not short.met
    assert [(c.key, c.gap) for c in short.conditions if not c.met] == [("total", D("0.01"))]
    # Area minimums are the rounded shares: 60 % of 7 = 4.20, 75 % of 15 = 11.25.
    assert {c.key: c.minimum for c in met.conditions if c.key.startswith("area:")} == decimals(
        {
            "area:MP": "4.80",
            "area:TL": "4.20",
            "area:SDM": "6.00",
            "area:AK": "6.00",
            "area:PW": "9.00",
            "area:PP": "6.00",
        }
    )


# ---------------------------------------------------------------------------------------
# 10. as_dict
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["best", "worst", "empty", "borderline", "rounding", "abcd"])
def test_as_dict_is_json_and_matches_rounded_figures(master, case):
    answers = {
        "best": best_answers(master),
        "worst": worst_answers(master),
        "empty": {},
        "borderline": borderline_wbk(master),
        "rounding": borderline_wbk(master) | {88: "200", 89: "199", 127: "3.19"},
        "abcd": best_answers(master) | {6: "B", 7: "C", 12: "B", 64: "B", 121: "B"},
    }[case]
    result = score(master, answers, wbk_predicate=True)
    data = as_dict(result)
    data = json.loads(json.dumps(data))  # JSON-serialisable, and survives a round trip

    def same(number, figure):
        return number is not None and D(str(number)) == r2(figure)

    assert data["tahun"] == 2026
    assert same(data["total"], result.total)
    assert same(data["pengungkit"]["nilai"], result.pengungkit)
    assert same(data["pengungkit"]["maks"], result.pengungkit_max)
    assert same(data["hasil"]["nilai"], result.hasil)
    assert same(data["hasil"]["maks"], result.hasil_max)
    bersih = data["hasil"]["birokrasi_bersih_akuntabel"]
    assert same(bersih["nilai"], result.bersih)
    assert same(bersih["maks"], result.bersih_max)
    assert same(bersih["ipak"], result.ipak)
    assert same(bersih["kinerja"], result.kinerja)
    assert same(data["hasil"]["pelayanan_publik_prima"]["nilai"], result.prima)
    assert data["terjawab"] == result.answered
    assert data["jumlah_item"] == result.total_items
    assert [a["kode"] for a in data["pengungkit"]["area"]] == list(AREAS)
    for a, area in zip(data["pengungkit"]["area"], result.areas, strict=True):
        assert same(a["nilai"], area.score)
        assert same(a["maks"], area.max)
        assert same(a["persen"], area.share * 100)
        assert same(a["pemenuhan"]["nilai"], area.pemenuhan.score)
        assert same(a["reform"]["nilai"], area.reform.score)
        assert (a["terjawab"], a["jumlah_item"]) == (area.answered, area.total)
        for half, h in ((a["pemenuhan"], area.pemenuhan), (a["reform"], area.reform)):
            for s, sub in zip(half["sub_area"], h.sub_areas, strict=True):
                assert s["id"] == sub.node_id
                assert same(s["nilai"], sub.score)
                assert same(s["bobot"], sub.weight)
    for level, r in result.readiness.items():
        assert data["kesiapan"][level]["memenuhi"] is r.met
        for c, cond in zip(data["kesiapan"][level]["syarat"], r.conditions, strict=True):
            assert c["kode"] == cond.key
            assert c["memenuhi"] is cond.met
            assert same(c["kekurangan"], cond.gap)
            if cond.minimum is None:
                assert c["minimum"] is None and c["nilai"] is None
            else:
                assert same(c["minimum"], cond.minimum)
                assert same(c["nilai"], cond.value)


def test_as_dict_rounded_figures_of_the_rounding_case(master):
    # Borderline WBK with P1 199/200 (-0.005) and IPKP 3.19 (-0.04375):
    # total 74.95125 → 74.95, Prima 13.95625 → 13.96, Pengungkit 42.745 → 42.75.
    result = score(master, borderline_wbk(master) | {88: "200", 89: "199", 127: "3.19"})
    assert result.total == D("74.95125")
    data = json.loads(json.dumps(as_dict(result)))
    assert data["total"] == 74.95
    assert data["pengungkit"]["nilai"] == 42.75
    assert data["hasil"]["pelayanan_publik_prima"]["nilai"] == 13.96
    kesiapan = {c["kode"]: c for c in data["kesiapan"]["WBK"]["syarat"]}
    assert kesiapan["total"]["kekurangan"] == 0.05
    assert kesiapan["prima"]["kekurangan"] == 0.04
    assert data["kesiapan"]["WBK"]["memenuhi"] is False
    # Item values to 4 decimals: P1 = 199 / 200 = 0.995.
    items = {
        i["key"]: i["nilai"]
        for a in data["pengungkit"]["area"]
        for s in a["reform"]["sub_area"]
        for i in s["items"]
    }
    assert items["P1"] == 0.995
