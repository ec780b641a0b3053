"""LKE ZI scoring: a pure function of the master question list and a set of answers.

No database, no Django: ``parse_master`` (``master.py``) turns PortalRB's master JSON
into a frozen tree, ``score`` (``score.py``) turns that tree plus ``{soal_id: answer
string}`` into every figure of PermenPAN-RB 90/2021 (item values, sub-areas, areas,
Pengungkit, Hasil, total) and the Tabel 6 readiness for Menuju WBK and Menuju WBBM. The
rules and every reading of an ambiguous rule are written down in
``docs/lke-scoring.md``; the section numbers quoted in the code (§2.2, A2 …) refer to it.

All arithmetic is ``Decimal`` with the multipliers exactly as the master list gives them
(0.67, not 2/3). Figures are kept unrounded; a figure is compared with its threshold
after rounding to 2 decimals, as the LKE prints it (A1).
"""

from .base import (
    ABC,
    ABCD,
    ABCDE,
    AREA_CODES,
    BERSIH,
    CENT,
    CHOICE_TYPES,
    COUNT,
    ONE,
    PEMENUHAN,
    PRIMA,
    REFORM,
    SURVEY,
    SURVEY_MAX,
    THRESHOLDS,
    YA_TIDAK,
    ZERO,
    MasterError,
    dec,
    r2,
)
from .master import (
    PERCENT_ITEMS_BY_YEAR,
    Master,
    Node,
    Option,
    PercentItem,
    Question,
    parse_master,
)
from .score import (
    AreaScore,
    Condition,
    HalfScore,
    ItemScore,
    Readiness,
    Score,
    SubAreaScore,
    as_dict,
    item_value,
    percent_value,
    readiness,
    score,
)

__all__ = [
    "ABC",
    "ABCD",
    "ABCDE",
    "AREA_CODES",
    "AreaScore",
    "BERSIH",
    "CENT",
    "CHOICE_TYPES",
    "COUNT",
    "Condition",
    "HalfScore",
    "ItemScore",
    "Master",
    "MasterError",
    "Node",
    "ONE",
    "Option",
    "PEMENUHAN",
    "PERCENT_ITEMS_BY_YEAR",
    "PRIMA",
    "PercentItem",
    "Question",
    "REFORM",
    "Readiness",
    "SURVEY",
    "SURVEY_MAX",
    "Score",
    "SubAreaScore",
    "THRESHOLDS",
    "YA_TIDAK",
    "ZERO",
    "as_dict",
    "dec",
    "item_value",
    "parse_master",
    "percent_value",
    "r2",
    "readiness",
    "score",
]
