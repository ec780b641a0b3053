"""The master list as a frozen tree: PortalRB's master JSON parsed and checked, with the
derived percentage items (P1–P8) attached where their counts are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from .base import (
    _TYPE_BY_RAW,
    AREA_CODES,
    BERSIH,
    CHOICE_TYPES,
    COUNT,
    ONE,
    PEMENUHAN,
    PRIMA,
    REFORM,
    ZERO,
    MasterError,
    dec,
)

__all__ = [
    "PERCENT_ITEMS_BY_YEAR",
    "Master",
    "Node",
    "Option",
    "PercentItem",
    "Question",
    "parse_master",
]


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
    # What a zero denominator means (A2): "effort" counts work the unit chose to do
    # (agents of change, targets, registered services), so 0 of 0 is nothing done: 0.
    # "due" counts an obligation (complaints to settle, reports to file), so 0 of 0 is
    # nothing owed: 1.
    empty: str = "effort"

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
            empty="due",
        ),
        PercentItem(
            "P6", 55, "Persentase penyampaian LHKPN", "ratio", (116,), (113, 114, 115), empty="due"
        ),
        PercentItem(
            "P7",
            56,
            "Persentase penyampaian laporan harta kekayaan non-LHKPN",
            "ratio",
            (120,),
            (117, 118, 119),
            empty="due",
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
        "add the year's formulas to PERCENT_ITEMS_BY_YEAR in lke/scoring/master.py."
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
