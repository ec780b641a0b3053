"""The numbers of a survey, exactly as the regulations define them (pure functions of
the answers, no database).

SKM (PermenPAN-RB 14/2017): each of the nine *unsur* is answered 1–4. Its **NRR** is
the mean of its answers. The **IKM** weights each unsur's NRR by 1/9 — exactly one
ninth, not the printed 0.111, with which a unit answering 4 everywhere would score
99.90 instead of 100 — and the **converted value** is IKM × 25. The converted value
is rounded to two decimals half-up (88.305 → 88.31) before it is graded, so the grade
bands have no gaps: A *Sangat Baik* 88.31–100, B *Baik* 76.61–88.30, C *Kurang Baik*
65.00–76.60, D *Tidak Baik* 25.00–64.99.

IPKP and IPAK (PermenPAN-RB 90/2021) are the mean answer on the same 1–4 scale: the
LKE's 0–4 survey value.

The sample a service needs is Krejcie and Morgan's: s = χ²·N·P(1−P) /
(d²(N−1) + χ²·P(1−P)) with χ² = 3.841, P = 0.5 and d = 0.05, rounded to the nearest
whole number as the published table is (N = 100 → 80); a unit needs at least
``MIN_RESPONDENTS`` in all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

SCALE_MIN, SCALE_MAX = 1, 4
SKM_UNSUR = 9
# Weight of each unsur in the IKM: one ninth exactly (see the module's docstring).
UNSUR_WEIGHT_TEXT = "1/9"
CONVERSION = Decimal(25)
TWO_PLACES = Decimal("0.01")
MIN_RESPONDENTS = 30
CHI_SQUARE = Decimal("3.841")
PROPORTION = Decimal("0.5")
MARGIN = Decimal("0.05")


@dataclass(frozen=True)
class Grade:
    letter: str
    label: str  # the regulation's own words (Indonesian in every language)
    low: Decimal  # the lowest converted value of the band, after rounding


# Highest band first: a converted value takes the first band whose floor it reaches.
GRADES = (
    Grade("A", "Sangat Baik", Decimal("88.31")),
    Grade("B", "Baik", Decimal("76.61")),
    Grade("C", "Kurang Baik", Decimal("65.00")),
    Grade("D", "Tidak Baik", Decimal("25.00")),
)


def _checked(values: Iterable[int]) -> list[int]:
    values = list(values)
    for value in values:
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not whole or not SCALE_MIN <= value <= SCALE_MAX:
            raise ValueError(f"an answer must be a whole number {SCALE_MIN}–{SCALE_MAX}: {value!r}")
    return values


def mean(values: Iterable[int]) -> Decimal | None:
    """The exact mean of answers 1–4 (None without answers): an unsur's NRR, or the
    IPKP/IPAK survey value."""
    values = _checked(values)
    if not values:
        return None
    with localcontext() as context:
        context.prec = 28
        return Decimal(sum(values)) / Decimal(len(values))


def rounded(value: Decimal, places: Decimal = TWO_PLACES) -> Decimal:
    """Half-up rounding, as the regulation's tables print (88.305 → 88.31)."""
    return value.quantize(places, rounding=ROUND_HALF_UP)


def ikm(nrrs: Sequence[Decimal]) -> Decimal:
    """The IKM of the nine unsur NRRs: their weighted sum with 1/9 each (their mean)."""
    if len(nrrs) != SKM_UNSUR:
        raise ValueError(f"the IKM needs the NRR of all {SKM_UNSUR} unsur, got {len(nrrs)}")
    with localcontext() as context:
        context.prec = 28
        return sum(nrrs, Decimal(0)) / Decimal(SKM_UNSUR)


def converted(ikm_value: Decimal) -> Decimal:
    """IKM × 25, rounded to two decimals half-up (the value that is graded)."""
    return rounded(ikm_value * CONVERSION)


def grade(converted_value: Decimal) -> Grade:
    """The grade of a converted value (rounded first, so no value falls between bands)."""
    value = rounded(converted_value)
    for band in GRADES:
        if value >= band.low:
            return band
    return GRADES[-1]  # below 25.00 cannot come from answers 1–4; graded D all the same


def sample_size(population: int) -> int:
    """Krejcie–Morgan's sample for a service with ``population`` users a year."""
    if population <= 0:
        return 0
    n = Decimal(population)
    spread = CHI_SQUARE * PROPORTION * (1 - PROPORTION)
    with localcontext() as context:
        context.prec = 28
        size = spread * n / (MARGIN * MARGIN * (n - 1) + spread)
    return int(size.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class SkmResult:
    respondents: int
    nrr: tuple[Decimal, ...]  # per unsur, in the survey's order
    ikm: Decimal
    converted: Decimal
    grade: Grade


def skm_result(answers: Sequence[Sequence[int]]) -> SkmResult | None:
    """The SKM of ``answers``, one row of nine answers per respondent (None without
    respondents)."""
    if not answers:
        return None
    if any(len(row) != SKM_UNSUR for row in answers):
        raise ValueError(f"every respondent answers all {SKM_UNSUR} unsur")
    nrrs = tuple(mean(row[i] for row in answers) for i in range(SKM_UNSUR))
    value = ikm(nrrs)
    result = converted(value)
    return SkmResult(len(answers), nrrs, value, result, grade(result))
