"""LKE ZI scoring: a pure function of the master question list and a set of answers.

No database, no Django: ``parse_master`` turns PortalRB's master JSON into a frozen tree,
``score`` turns that tree plus ``{soal_id: answer string}`` into every figure of
PermenPAN-RB 90/2021 (item values, sub-areas, areas, Pengungkit, Hasil, total) and the
Tabel 6 readiness for Menuju WBK and Menuju WBBM. The rules and every reading of an
ambiguous rule are written down in ``docs/lke-scoring.md``; the section numbers quoted
below (§2.2, A2 …) refer to it.

All arithmetic is ``Decimal`` with the multipliers exactly as the master list gives them
(0.67, not 2/3). Figures are kept unrounded; a figure is compared with its threshold
after rounding to 2 decimals, as the LKE prints it (A1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
SURVEY_MAX = Decimal(4)

AREA_CODES = ("MP", "TL", "SDM", "AK", "PW", "PP")

# Normalised answer types (the master list spells ``Jumlah`` and ``jumlah``, A13).
YA_TIDAK, ABC, ABCD, ABCDE, COUNT, SURVEY = "ya_tidak", "abc", "abcd", "abcde", "jumlah", "0-4"
CHOICE_TYPES = frozenset({YA_TIDAK, ABC, ABCD, ABCDE})
_TYPE_BY_RAW = {
    "ya_tidak": YA_TIDAK,
    "abc": ABC,
    "abcd": ABCD,
    "abcde": ABCDE,
    "jumlah": COUNT,
    "0-4": SURVEY,
}

# Parts of the LKE a question belongs to.
PEMENUHAN, REFORM, BERSIH, PRIMA = "pemenuhan", "reform", "bersih", "prima"

# Tabel 6 (P90 l. 2063-2085): the minimums of each level.
THRESHOLDS = {
    "WBK": {
        "total": Decimal("75.00"),
        "pengungkit": Decimal("40.00"),
        "area_share": Decimal("0.60"),
        "bersih": Decimal("18.25"),
        "ipak": Decimal("15.75"),
        "kinerja": Decimal("2.50"),
        "prima": Decimal("14.00"),
    },
    "WBBM": {
        "total": Decimal("85.00"),
        "pengungkit": Decimal("48.00"),
        "area_share": Decimal("0.75"),
        "bersih": Decimal("19.50"),
        "ipak": Decimal("15.75"),
        "kinerja": Decimal("3.75"),
        "prima": Decimal("15.75"),
    },
}


class MasterError(ValueError):
    """The master list cannot be used; the message says where and why."""


def dec(value) -> Decimal:
    """A JSON number (int or float) as the Decimal it was written as."""
    return Decimal(str(value))


def r2(value: Decimal) -> Decimal:
    """Round half up to 2 decimals, as the LKE prints its figures."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------
# The master list
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    multiplier: Decimal


@dataclass(frozen=True)
class Question:
    soal_id: int
    text: str
    criteria: str
    raw_type: str  # as the master list spells it, kept for export
    answer_type: str  # normalised
    weight: Decimal  # the soal's own bobot_maksimal (only used in Hasil, A12)
    options: tuple[Option, ...]
    excel: Mapping[str, object]
    node_id: int  # the sub_area (or Hasil sub_komponen) holding it
    part: str
    area_code: str  # "" for Hasil

    @property
    def scored(self) -> bool:
        return self.answer_type != COUNT

    def multiplier(self, key: str) -> Decimal | None:
        for option in self.options:
            if option.key == key:
                return option.multiplier
        return None


@dataclass(frozen=True)
class PercentItem:
    """A derived percentage row of the LKE built from ``Jumlah`` counts (§2.2, A10)."""

    key: str
    node_id: int
    label: str
    kind: str  # "ratio": sum(numerator) / sum(denominator); "decrease": (a - b) / a
    numerator: tuple[int, ...]
    denominator: tuple[int, ...]
    # Counts the LKE collects beside the formula but does not score (A3, A14).
    informational: tuple[int, ...] = ()

    @property
    def inputs(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(self.numerator + self.denominator))

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(self.inputs + self.informational))


@dataclass(frozen=True)
class Node:
    node_id: int
    name: str
    level: str
    weight: Decimal
    order: int
    part: str
    area_code: str
    children: tuple[Node, ...]
    questions: tuple[Question, ...]
    percent_items: tuple[PercentItem, ...] = ()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Master:
    year: int
    total_soal: int
    generated_at: str
    roots: tuple[Node, ...]
    questions: Mapping[int, Question]
    percent_items: tuple[PercentItem, ...]

    def nodes(self):
        for root in self.roots:
            yield from root.walk()

    def area_halves(self, code: str) -> dict[str, Node]:
        return {
            n.part: n for n in self.nodes() if n.level == "area_perubahan" and n.area_code == code
        }

    def hasil_nodes(self) -> dict[str, Node]:
        return {
            n.part: n
            for n in self.nodes()
            if n.level == "sub_komponen"
            and n.part
            in (
                BERSIH,
                PRIMA,
            )
        }


# The percentage rows of the 2026 LKE (P90 Lampiran III; soal ids of the 2026 list).
# Key, sub_area id, label, kind, numerator soal ids, denominator soal ids.
PERCENT_ITEMS_BY_YEAR: dict[int, tuple[PercentItem, ...]] = {
    2026: (
        PercentItem(
            "P1", 36, "Persentase perubahan yang dibuat agen perubahan", "ratio", (89,), (88,)
        ),
        PercentItem(
            "P2",
            36,
            "Persentase perubahan yang diintegrasikan ke sistem manajemen",
            "ratio",
            (91,),
            (90,),
        ),
        PercentItem(
            "P3",
            46,
            "Persentase penurunan pelanggaran disiplin pegawai",
            "decrease",
            (102, 103),
            (102,),
            (104,),
        ),
        PercentItem(
            "P4", 48, "Persentase sasaran kinerja yang mencapai target", "ratio", (106,), (105,)
        ),
        PercentItem(
            "P5",
            53,
            "Persentase pengaduan masyarakat yang diselesaikan",
            "ratio",
            (112,),
            (110,),
            (111,),
        ),
        PercentItem("P6", 55, "Persentase penyampaian LHKPN", "ratio", (116,), (113, 114, 115)),
        PercentItem(
            "P7",
            56,
            "Persentase penyampaian laporan harta kekayaan non-LHKPN",
            "ratio",
            (120,),
            (117, 118, 119),
        ),
        PercentItem(
            "P8", 58, "Persentase perijinan/pelayanan yang dipermudah", "ratio", (123,), (122,)
        ),
    ),
}


def _percent_items_for(year: int, questions: Mapping[int, Question]) -> tuple[PercentItem, ...]:
    """The year's own formulas; else the newest year's whose soal ids and sub-areas all fit
    this list (a new year that keeps PortalRB's ids loads unchanged)."""
    candidates = [year] if year in PERCENT_ITEMS_BY_YEAR else []
    candidates += sorted((y for y in PERCENT_ITEMS_BY_YEAR if y != year), reverse=True)
    counts = {sid for sid, q in questions.items() if q.answer_type == COUNT}
    for candidate in candidates:
        items = PERCENT_ITEMS_BY_YEAR[candidate]
        used = {sid for item in items for sid in item.counts}
        fits = all(
            sid in questions
            and questions[sid].answer_type == COUNT
            and questions[sid].node_id == item.node_id
            for item in items
            for sid in item.counts
        )
        if fits and used >= counts:
            return items
    if not counts:
        return ()
    raise MasterError(
        f"No percentage formula covers the Jumlah questions {sorted(counts)} of {year}: "
        "add the year's formulas to PERCENT_ITEMS_BY_YEAR in lke/scoring.py."
    )


def _require(node: Mapping, key: str, kind, where: str):
    if key not in node:
        raise MasterError(f"{where}: field '{key}' is missing.")
    value = node[key]
    if kind is not None and not isinstance(value, kind) or isinstance(value, bool):
        raise MasterError(f"{where}: field '{key}' has the wrong type ({type(value).__name__}).")
    return value


def _parse_question(raw: Mapping, *, node_id: int, part: str, area_code: str) -> Question:
    where = f"soal {raw.get('id', '?')}"
    soal_id = _require(raw, "id", int, where)
    raw_type = _require(raw, "jenis_jawaban", str, where)
    answer_type = _TYPE_BY_RAW.get(raw_type.strip().lower())
    if answer_type is None:
        raise MasterError(f"{where}: unknown jenis_jawaban '{raw_type}'.")
    options = tuple(
        Option(str(o["key"]), str(o.get("label") or o["key"]), dec(o["multiplier"]))
        for o in (raw.get("skema_penilaian") or [])
    )
    if answer_type in CHOICE_TYPES:
        if not options:
            raise MasterError(f"{where}: a {raw_type} question needs skema_penilaian.")
        for o in options:
            if not ZERO <= o.multiplier <= ONE:
                raise MasterError(f"{where}: multiplier {o.multiplier} is outside 0..1.")
    return Question(
        soal_id=soal_id,
        text=str(_require(raw, "teks_pertanyaan", str, where)),
        criteria=str(raw.get("kriteria_nilai") or ""),
        raw_type=raw_type,
        answer_type=answer_type,
        weight=dec(_require(raw, "bobot_maksimal", int | float, where)),
        options=options,
        excel={k: v for k, v in raw.items() if k.startswith("excel_")},
        node_id=node_id,
        part=part,
        area_code=area_code,
    )


def _parse_node(raw: Mapping, *, part: str, area_code: str, depth: int) -> Node:
    where = f"node {raw.get('id', '?')}"
    node_id = _require(raw, "id", int, where)
    level = _require(raw, "level", str, where)
    order = _require(raw, "order_index", int, where)
    if level == "sub_komponen" and depth == 1:
        part = {
            ("pengungkit", 1): PEMENUHAN,
            ("pengungkit", 2): REFORM,
            ("hasil", 1): BERSIH,
            ("hasil", 2): PRIMA,
        }.get((part, order), "")
        if not part:
            raise MasterError(f"{where}: unexpected sub_komponen order_index {order}.")
    if level == "area_perubahan":
        if not 1 <= order <= len(AREA_CODES):
            raise MasterError(f"{where}: area order_index {order} is not 1..6.")
        area_code = AREA_CODES[order - 1]
    children = tuple(
        _parse_node(c, part=part, area_code=area_code, depth=depth + 1)
        for c in sorted(_require(raw, "children", list, where), key=lambda c: c["order_index"])
    )
    questions = tuple(
        _parse_question(q, node_id=node_id, part=part, area_code=area_code)
        for q in _require(raw, "soals", list, where)
    )
    return Node(
        node_id=node_id,
        name=str(_require(raw, "nama", str, where)),
        level=level,
        weight=dec(_require(raw, "bobot_maksimal", int | float, where)),
        order=order,
        part=part,
        area_code=area_code,
        children=children,
        questions=questions,
    )


def _with_percent_items(node: Node, items: tuple[PercentItem, ...]) -> Node:
    return replace(
        node,
        children=tuple(_with_percent_items(c, items) for c in node.children),
        percent_items=tuple(i for i in items if i.node_id == node.node_id),
    )


def parse_master(data: Mapping) -> Master:
    """Check PortalRB's master JSON and build the tree the scorer walks."""
    if not isinstance(data, Mapping):
        raise MasterError("The master list must be a JSON object.")
    year = _require(data, "tahun", int, "master")
    roots_raw = _require(data, "data", list, "master")
    roots = []
    for raw in sorted(roots_raw, key=lambda r: r.get("order_index", 0)):
        if raw.get("level") != "komponen":
            raise MasterError(f"node {raw.get('id')}: top-level nodes must be komponen.")
        part = {1: "pengungkit", 2: "hasil"}.get(raw.get("order_index"))
        if part is None:
            raise MasterError(f"node {raw.get('id')}: komponen order_index must be 1 or 2.")
        roots.append(_parse_node(raw, part=part, area_code="", depth=0))
    questions: dict[int, Question] = {}
    for root in roots:
        for node in root.walk():
            for q in node.questions:
                if q.soal_id in questions:
                    raise MasterError(f"soal {q.soal_id} appears twice.")
                questions[q.soal_id] = q
    total = data.get("total_soal")
    if total is not None and total != len(questions):
        raise MasterError(f"total_soal says {total} but the list holds {len(questions)} soals.")
    for code in AREA_CODES:
        found = {
            n.part
            for r in roots
            for n in r.walk()
            if n.level == "area_perubahan" and n.area_code == code
        }
        if found != {PEMENUHAN, REFORM}:
            raise MasterError(f"area {code} needs a Pemenuhan and a Reform half.")
    percent_items = _percent_items_for(year, questions)
    roots = [_with_percent_items(r, percent_items) for r in roots]
    return Master(
        year=year,
        total_soal=len(questions),
        generated_at=str(data.get("generated_at") or ""),
        roots=tuple(roots),
        questions=questions,
        percent_items=percent_items,
    )


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
    A zero denominator means there was nothing to do: 100 % (A2, A2b)."""
    counts = {sid: _number(answers.get(sid)) for sid in item.inputs}
    if any(v is None or v < 0 for v in counts.values()):
        return None
    if item.kind == "decrease":
        before, now = counts[item.numerator[0]], counts[item.numerator[1]]
        value = (ONE if now == 0 else ZERO) if before == 0 else (before - now) / before
    else:
        den = sum((counts[s] for s in item.denominator), ZERO)
        num = sum((counts[s] for s in item.numerator), ZERO)
        value = ONE if den == 0 else num / den
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
