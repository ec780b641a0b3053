"""The portal's calendar rules, in one home: quarters of a year, months that are over,
deadlines with grace days, and when something is overdue.

Pure date arithmetic: no models, no database. Every page, export, report, reminder and
selector that asks "is this late?" or "which quarter is it?" asks here, so a change to
the rule is one edit (``tests/core/test_periods.py`` changes it here and sees the
reminders, the dashboard, the reports and the exports agree).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

QUARTERS = (1, 2, 3, 4)


def quarter_of(day: date) -> int:
    """The quarter (1–4) a day falls in, by calendar month."""
    return (day.month - 1) // 3 + 1


def quarter_months(number: int) -> list[int]:
    """The three months (1–12) of quarter ``number``."""
    return [number * 3 - 2, number * 3 - 1, number * 3]


def quarter_last_day(year: int, number: int) -> date:
    """The last day of a quarter: the default due date of its evidence."""
    month = number * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def current_quarter(year: int, today: date) -> int:
    """The quarter of ``year`` that is current on ``today``: the first one before the
    year starts, the last one after it ends."""
    if today.year < year:
        return 1
    if today.year > year:
        return 4
    return quarter_of(today)


def month_is_over(year: int, month: int, today: date) -> bool:
    """Has month ``month`` of ``year`` ended by ``today``?"""
    return (year, month) < (today.year, today.month)


def overdue_from(due_date: date, grace_days: int = 0) -> date:
    """The first day on which something due on ``due_date`` is overdue, after
    ``grace_days`` days of grace (the due date itself is never overdue)."""
    return due_date + timedelta(days=grace_days + 1)


@dataclass(frozen=True)
class Deadline:
    """A due date and its grace days: a quarter's evidence (grace from the plan), a
    finding's follow-up (no grace)."""

    due_date: date
    grace_days: int = 0

    @property
    def overdue_from(self) -> date:
        return overdue_from(self.due_date, self.grace_days)

    def is_overdue(self, today: date) -> bool:
        """Is something still outstanding on ``today`` overdue?"""
        return today >= self.overdue_from

    def days_left(self, today: date) -> int:
        """Days until the due date (negative once it has passed)."""
        return (self.due_date - today).days

    def days_late(self, today: date) -> int:
        """Days since the due date (0 before it)."""
        return max(0, (today - self.due_date).days)

    def overdue_repeat(self, today: date, interval_days: int) -> int | None:
        """Which repeat of an overdue notice falls due on ``today`` (0 on the first
        overdue day, 1 after ``interval_days`` more …), or None while not overdue."""
        if not self.is_overdue(today):
            return None
        return (today - self.overdue_from).days // max(1, interval_days)

    @staticmethod
    def overdue_cutoff(today: date, grace_days: int = 0) -> date:
        """The latest due date that is overdue on ``today``: a database filter
        ``due_date__lte=cutoff`` selects exactly what ``is_overdue`` says."""
        # Derived from overdue_from, so that the rule stays in one place.
        cutoff = today
        for _ in range(3660):
            if overdue_from(cutoff, grace_days) <= today:
                break
            cutoff -= timedelta(days=1)
        return cutoff
