"""Constants and number helpers of LKE scoring: answer types, parts, the Tabel 6
thresholds, rounding."""

from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "ABC",
    "ABCD",
    "ABCDE",
    "AREA_CODES",
    "BERSIH",
    "CENT",
    "CHOICE_TYPES",
    "COUNT",
    "ONE",
    "PEMENUHAN",
    "PRIMA",
    "REFORM",
    "RULES_VERSION",
    "SURVEY",
    "SURVEY_MAX",
    "THRESHOLDS",
    "YA_TIDAK",
    "ZERO",
    "MasterError",
    "dec",
    "r2",
]


# Bumped whenever a rule changes what a set of answers scores, so anything computed
# from answers and kept (a cached page, a stored score) is computed again.
# 2: a zero effort denominator scores 0 (A2, issue 17).
RULES_VERSION = 2

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
