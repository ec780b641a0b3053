"""Reading numbers people and programs send. ``str.isdigit()`` is True for "²" and
"٣", which ``int()`` then refuses or reads as another digit, and a 5,000-digit id
overflows the database's bigint: both were 500s. Ids and numbers from a request go
through ``whole_number``."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,18}")  # 18 digits always fit a signed 64-bit integer


def whole_number(value: object) -> int | None:
    """``value`` as a non-negative int when it is 1-18 ASCII digits, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 10**18 else None
    if not isinstance(value, str):
        return None
    value = value.strip()
    return int(value) if _DIGITS.fullmatch(value) else None


def whole_numbers(values) -> list[int]:
    """The whole numbers among ``values`` (others are dropped), in their order."""
    return [n for n in (whole_number(v) for v in values) if n is not None]
