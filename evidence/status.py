"""An evidence item's status, when it is late, and what a commitment cell's progress
and heat-map state are: the one home of these rules.

- An item's status follows from its current versions (not withdrawn, not superseded):
  none → *Belum diunggah*; any needing revision → *Perlu revisi*; any waiting →
  *Menunggu reviu*; else *Disetujui*.
- An item is late (*terlambat*) when it is still outstanding (missing or needing
  revision) once its quarter's deadline is overdue; when a deadline is overdue is
  decided in ``zi_portal.core.periods``.

Reminders, the dashboard, the reports, the exports, *Tugas saya* and the matrix all ask
here, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .choices import CellState, ItemStatus, ReviewState

# The order in which a person meets their items: what needs work first.
STATUS_ORDER = (ItemStatus.REVISE, ItemStatus.MISSING, ItemStatus.PENDING, ItemStatus.APPROVED)
# What still waits for the PIC.
OUTSTANDING = frozenset({ItemStatus.MISSING, ItemStatus.REVISE})


def derive_status(review_states: Iterable[str]) -> str:
    """An item's status from the review states of its current versions."""
    states = set(review_states)
    if not states:
        return ItemStatus.MISSING
    if ReviewState.REVISE in states:
        return ItemStatus.REVISE
    if ReviewState.PENDING in states:
        return ItemStatus.PENDING
    return ItemStatus.APPROVED


def is_late(status: str, quarter: Any, today: date) -> bool:
    """Is an item of ``quarter`` with ``status`` late on ``today``?"""
    return status in OUTSTANDING and quarter.deadline.is_overdue(today)


@dataclass
class Tally:
    """How many items of a group (a cell, an area, a quarter, a PIC) are in each status."""

    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in ItemStatus})

    def add(self, status: str) -> None:
        self.total += 1
        self.counts[status] += 1

    @property
    def approved(self) -> int:
        return self.counts[ItemStatus.APPROVED]

    @property
    def complete(self) -> bool:
        """Every item approved (a cell is complete then)."""
        return self.total > 0 and self.approved == self.total

    @property
    def share(self) -> float:
        return self.approved / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def tally(statuses: Iterable[str]) -> Tally:
    result = Tally()
    for status in statuses:
        result.add(status)
    return result


def cell_state(counts: Tally, quarter: Any, today: date) -> str:
    """A cell's colour on the heat map: complete; else late (anything outstanding once
    the quarter is overdue); else needs revision; waiting for review; on track."""
    if counts.complete:
        return CellState.COMPLETE
    if any(is_late(status, quarter, today) for status, n in counts.counts.items() if n):
        return CellState.OVERDUE
    if counts.counts[ItemStatus.REVISE]:
        return CellState.REVISE
    if counts.counts[ItemStatus.PENDING]:
        return CellState.WAITING
    return CellState.ON_TRACK
