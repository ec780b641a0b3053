"""Measuring helpers the bench scripts share (no Django import, so any script can use
them before or after ``django.setup()``)."""

from __future__ import annotations

import time


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (0–1) of ``values``."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


class SqlTimer:
    """``connection.execute_wrapper``: wall time spent in ``cursor.execute`` (with
    psycopg's client-side cursors that includes fetching the rows)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
