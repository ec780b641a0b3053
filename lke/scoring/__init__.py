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

from . import base as _base
from . import master as _master
from . import score as _score
from .base import *  # noqa: F403 - the package's public names are its modules' __all__
from .master import *  # noqa: F403
from .score import *  # noqa: F403

__all__ = [*_base.__all__, *_master.__all__, *_score.__all__]
