"""Answers to figures: item values, percentage items, sub-areas, areas, Pengungkit, Hasil,
the total, and the Tabel 6 readiness for Menuju WBK and Menuju WBBM."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .base import (
    AREA_CODES,
    BERSIH,
    CHOICE_TYPES,
    ONE,
    PEMENUHAN,
    PRIMA,
    REFORM,
    SURVEY,
    SURVEY_MAX,
    THRESHOLDS,
    ZERO,
    r2,
)
from .master import (
    Master,
    Node,
    PercentItem,
    Question,
)

__all__ = [
    "AreaScore",
    "Condition",
    "HalfScore",
    "ItemScore",
    "Readiness",
    "Score",
    "SubAreaScore",
    "as_dict",
    "item_value",
    "percent_value",
    "readiness",
    "score",
]


# ---------------------------------------------------------------------------------------
# Answers → values
# ---------------------------------------------------------------------------------------


def _number(raw: str | None) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def item_value(question: Question, answer: str | None) -> Decimal | None:
    """The value in [0, 1] of one scored question, or None when unanswered/unusable."""
    if answer is None or str(answer).strip() == "":
        return None
    if question.answer_type in CHOICE_TYPES:
        return question.multiplier(str(answer).strip())
    if question.answer_type == SURVEY:
        x = _number(answer)
        if x is None or not ZERO <= x <= SURVEY_MAX:
            return None
        return x / SURVEY_MAX
    return None


def percent_value(item: PercentItem, answers: Mapping[int, str | None]) -> Decimal | None:
    """A percentage item's value in [0, 1]; None while any of its counts is missing.
    A zero denominator scores 0 where it counts effort and 1 where it counts an
    obligation (``PercentItem.empty``, A2); a decrease from 0 to 0 scores 1 (A2b)."""
    counts = {sid: _number(answers.get(sid)) for sid in item.inputs}
    if any(v is None or v < 0 for v in counts.values()):
        return None
    if item.kind == "decrease":
        before, now = counts[item.numerator[0]], counts[item.numerator[1]]
        value = (ONE if now == 0 else ZERO) if before == 0 else (before - now) / before
    else:
        den = sum((counts[s] for s in item.denominator), ZERO)
        num = sum((counts[s] for s in item.numerator), ZERO)
        nothing_owed = ONE if item.empty == "due" else ZERO
        value = nothing_owed if den == 0 else num / den
    return max(ZERO, min(ONE, value))


# ---------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------


@dataclass
class ItemScore:
    key: str  # soal id as a string, or P1…P8
    value: Decimal | None

    @property
    def answered(self) -> bool:
        return self.value is not None


@dataclass
class SubAreaScore:
    node_id: int
    name: str
    weight: Decimal
    score: Decimal
    items: list[ItemScore] = field(default_factory=list)
    children: list[SubAreaScore] = field(default_factory=list)

    @property
    def all_items(self) -> list[ItemScore]:
        return self.items + [i for c in self.children for i in c.all_items]


@dataclass
class HalfScore:
    node_id: int
    part: str
    score: Decimal
    max: Decimal
    sub_areas: list[SubAreaScore]


@dataclass
class AreaScore:
    code: str
    name: str
    pemenuhan: HalfScore
    reform: HalfScore
    score: Decimal
    max: Decimal
    answered: int
    total: int

    @property
    def share(self) -> Decimal:
        return self.score / self.max if self.max else ZERO


@dataclass
class Condition:
    key: str  # total, pengungkit, area:MP …, bersih, ipak, kinerja, prima, predikat_wbk
    minimum: Decimal | None  # None for the predicate condition
    value: Decimal | None
    met: bool

    @property
    def gap(self) -> Decimal:
        if self.minimum is None or self.value is None or self.met:
            return ZERO
        return max(ZERO, r2(self.minimum - r2(self.value)))


@dataclass
class Readiness:
    level: str
    conditions: list[Condition]

    @property
    def met(self) -> bool:
        return all(c.met for c in self.conditions)


@dataclass
class Score:
    year: int
    areas: list[AreaScore]
    pengungkit: Decimal
    pengungkit_max: Decimal
    ipak: Decimal
    kinerja: Decimal
    bersih: Decimal
    bersih_max: Decimal
    prima: Decimal
    prima_max: Decimal
    hasil: Decimal
    hasil_max: Decimal
    total: Decimal
    answered: int
    total_items: int
    items: dict[str, Decimal | None]
    readiness: dict[str, Readiness]

    def area(self, code: str) -> AreaScore:
        return next(a for a in self.areas if a.code == code)


def _score_sub_area(node: Node, answers: Mapping[int, str | None]) -> SubAreaScore:
    if node.children:
        children = [_score_sub_area(c, answers) for c in node.children]
        return SubAreaScore(
            node.node_id,
            node.name,
            node.weight,
            sum((c.score for c in children), ZERO),
            children=children,
        )
    items = [
        ItemScore(str(q.soal_id), item_value(q, answers.get(q.soal_id)))
        for q in node.questions
        if q.scored
    ]
    items += [ItemScore(p.key, percent_value(p, answers)) for p in node.percent_items]
    if not items:
        return SubAreaScore(node.node_id, node.name, node.weight, ZERO)
    mean = sum((i.value or ZERO for i in items), ZERO) / len(items)
    return SubAreaScore(node.node_id, node.name, node.weight, mean * node.weight, items=items)


def _score_half(node: Node, answers: Mapping[int, str | None]) -> HalfScore:
    subs = [_score_sub_area(c, answers) for c in node.children]
    return HalfScore(node.node_id, node.part, sum((s.score for s in subs), ZERO), node.weight, subs)


def _hasil_points(node: Node | None, answers, *, types) -> tuple[Decimal, list[ItemScore]]:
    """Hasil questions score against their own weight: value × bobot_maksimal (§2.4)."""
    points, items = ZERO, []
    for q in node.questions if node else ():
        if q.answer_type in types:
            value = item_value(q, answers.get(q.soal_id))
            items.append(ItemScore(str(q.soal_id), value))
            points += (value or ZERO) * q.weight
    return points, items


def readiness(
    level: str,
    *,
    total,
    pengungkit,
    areas: list[AreaScore],
    bersih,
    ipak,
    kinerja,
    prima,
    wbk_predicate: bool,
) -> Readiness:
    t = THRESHOLDS[level]

    def at_least(key: str, value: Decimal, minimum: Decimal) -> Condition:
        return Condition(key, minimum, value, r2(value) >= minimum)

    conditions = [
        at_least("total", total, t["total"]),
        at_least("pengungkit", pengungkit, t["pengungkit"]),
    ]
    conditions += [at_least(f"area:{a.code}", a.score, r2(a.max * t["area_share"])) for a in areas]
    conditions += [
        at_least("bersih", bersih, t["bersih"]),
        at_least("ipak", ipak, t["ipak"]),
        at_least("kinerja", kinerja, t["kinerja"]),
        at_least("prima", prima, t["prima"]),
    ]
    if level == "WBBM":
        conditions.append(Condition("predikat_wbk", None, None, wbk_predicate))
    return Readiness(level, conditions)


def score(
    master: Master, answers: Mapping[int, str | None], *, wbk_predicate: bool = False
) -> Score:
    """Every figure of the LKE for one set of answers (the unit's or the TPI's).

    ``answers`` maps soal id → answer string as PortalRB carries it ("A", "Ya", "12",
    "3.60"); missing or unusable answers count 0 (A9). ``wbk_predicate``: the unit
    already holds the Menuju WBK predicate, a WBBM condition that is a fact, not a
    score (A6).
    """
    areas = []
    for code in AREA_CODES:
        halves = master.area_halves(code)
        pem, ref = _score_half(halves[PEMENUHAN], answers), _score_half(halves[REFORM], answers)
        items = [i for h in (pem, ref) for s in h.sub_areas for i in s.all_items]
        areas.append(
            AreaScore(
                code=code,
                name=halves[PEMENUHAN].name.split(". ", 1)[-1],
                pemenuhan=pem,
                reform=ref,
                score=pem.score + ref.score,
                max=pem.max + ref.max,
                answered=sum(i.answered for i in items),
                total=len(items),
            )
        )
    hasil_nodes = master.hasil_nodes()
    bersih_node, prima_node = hasil_nodes.get(BERSIH), hasil_nodes.get(PRIMA)
    ipak, ipak_items = _hasil_points(bersih_node, answers, types={SURVEY})
    kinerja, kinerja_items = _hasil_points(bersih_node, answers, types=CHOICE_TYPES)
    prima, prima_items = _hasil_points(prima_node, answers, types={SURVEY} | CHOICE_TYPES)
    pengungkit = sum((a.score for a in areas), ZERO)
    bersih = ipak + kinerja
    hasil = bersih + prima
    total = pengungkit + hasil
    all_items = (
        [
            i
            for a in areas
            for h in (a.pemenuhan, a.reform)
            for s in h.sub_areas
            for i in s.all_items
        ]
        + ipak_items
        + kinerja_items
        + prima_items
    )
    figures = {
        "total": total,
        "pengungkit": pengungkit,
        "areas": areas,
        "bersih": bersih,
        "ipak": ipak,
        "kinerja": kinerja,
        "prima": prima,
        "wbk_predicate": wbk_predicate,
    }
    pengungkit_root = next((r for r in master.roots if r.part == "pengungkit"), None)
    hasil_root = next((r for r in master.roots if r.part == "hasil"), None)
    return Score(
        year=master.year,
        areas=areas,
        pengungkit=pengungkit,
        pengungkit_max=pengungkit_root.weight if pengungkit_root else ZERO,
        ipak=ipak,
        kinerja=kinerja,
        bersih=bersih,
        bersih_max=bersih_node.weight if bersih_node else ZERO,
        prima=prima,
        prima_max=prima_node.weight if prima_node else ZERO,
        hasil=hasil,
        hasil_max=hasil_root.weight if hasil_root else ZERO,
        total=total,
        answered=sum(i.answered for i in all_items),
        total_items=len(all_items),
        items={i.key: i.value for i in all_items},
        readiness={level: readiness(level, **figures) for level in ("WBK", "WBBM")},
    )


def as_dict(result: Score) -> dict:
    """The figures as JSON-ready numbers rounded to 2 decimals (values of items to 4)."""

    def f(value: Decimal | None, places: str = "0.01") -> float | None:
        if value is None:
            return None
        return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))

    def sub(s: SubAreaScore) -> dict:
        return {
            "id": s.node_id,
            "nama": s.name,
            "bobot": f(s.weight),
            "nilai": f(s.score),
            "items": [{"key": i.key, "nilai": f(i.value, "0.0001")} for i in s.items],
            "children": [sub(c) for c in s.children],
        }

    def half(h: HalfScore) -> dict:
        return {"nilai": f(h.score), "maks": f(h.max), "sub_area": [sub(s) for s in h.sub_areas]}

    return {
        "tahun": result.year,
        "total": f(result.total),
        "pengungkit": {
            "nilai": f(result.pengungkit),
            "maks": f(result.pengungkit_max),
            "area": [
                {
                    "kode": a.code,
                    "nama": a.name,
                    "nilai": f(a.score),
                    "maks": f(a.max),
                    "persen": f(a.share * 100),
                    "pemenuhan": half(a.pemenuhan),
                    "reform": half(a.reform),
                    "terjawab": a.answered,
                    "jumlah_item": a.total,
                }
                for a in result.areas
            ],
        },
        "hasil": {
            "nilai": f(result.hasil),
            "maks": f(result.hasil_max),
            "birokrasi_bersih_akuntabel": {
                "nilai": f(result.bersih),
                "maks": f(result.bersih_max),
                "ipak": f(result.ipak),
                "kinerja": f(result.kinerja),
            },
            "pelayanan_publik_prima": {"nilai": f(result.prima), "maks": f(result.prima_max)},
        },
        "terjawab": result.answered,
        "jumlah_item": result.total_items,
        "kesiapan": {
            level: {
                "memenuhi": r.met,
                "syarat": [
                    {
                        "kode": c.key,
                        "minimum": f(c.minimum),
                        "nilai": f(c.value),
                        "memenuhi": c.met,
                        "kekurangan": f(c.gap),
                    }
                    for c in r.conditions
                ],
            }
            for level, r in result.readiness.items()
        },
    }
