"""The calendar rules (``zi_portal.core.periods``) and their one home: changing when
something is overdue, in that one place, changes what every reader says."""

from datetime import date, timedelta

import pytest

from evidence.choices import CellState
from evidence.selectors import my_tasks, plan_item_statuses
from monev import dashboard, reminders, reports, xlsx
from monev.choices import ReminderKind
from zi_portal.core import periods
from zi_portal.core.periods import Deadline

# TW I of the 2026 plan is due on 31 March with 7 grace days: overdue from 8 April.
WITHIN_GRACE = date(2026, 4, 3)  # a Friday, so the sweep runs


@pytest.mark.parametrize(
    ("day", "quarter"),
    [(date(2026, 1, 1), 1), (date(2026, 3, 31), 1), (date(2026, 4, 1), 2), (date(2026, 12, 31), 4)],
)
def test_quarter_of(day, quarter):
    assert periods.quarter_of(day) == quarter


def test_current_quarter_before_during_and_after_the_year():
    assert periods.current_quarter(2026, date(2025, 12, 31)) == 1
    assert periods.current_quarter(2026, date(2026, 8, 17)) == 3
    assert periods.current_quarter(2026, date(2027, 1, 2)) == 4


def test_months_and_quarter_ends():
    assert periods.quarter_months(2) == [4, 5, 6]
    assert periods.quarter_last_day(2026, 1) == date(2026, 3, 31)
    assert periods.quarter_last_day(2024, 1) == date(2024, 3, 31)
    assert periods.quarter_last_day(2026, 4) == date(2026, 12, 31)
    assert periods.month_is_over(2026, 3, date(2026, 4, 1))
    assert not periods.month_is_over(2026, 4, date(2026, 4, 30))


def test_a_deadline_is_never_overdue_on_its_due_date():
    due = date(2026, 3, 31)
    assert not Deadline(due).is_overdue(due)
    assert Deadline(due).is_overdue(due + timedelta(days=1))
    assert not Deadline(due, 7).is_overdue(date(2026, 4, 7))
    assert Deadline(due, 7).is_overdue(date(2026, 4, 8))
    assert Deadline(due).days_late(date(2026, 4, 10)) == 10
    assert Deadline(due).days_late(date(2026, 3, 1)) == 0
    assert Deadline(due).days_left(date(2026, 3, 1)) == 30


def test_overdue_repeats_by_interval():
    deadline = Deadline(date(2026, 3, 31), 7)
    assert deadline.overdue_repeat(date(2026, 4, 7), 7) is None
    assert deadline.overdue_repeat(date(2026, 4, 8), 7) == 0
    assert deadline.overdue_repeat(date(2026, 4, 14), 7) == 0
    assert deadline.overdue_repeat(date(2026, 4, 15), 7) == 1


@pytest.mark.parametrize("grace", [0, 1, 7, 30])
def test_the_database_cutoff_says_what_is_overdue_says(grace):
    today = date(2026, 4, 8)
    for offset in range(-40, 5):
        due = today + timedelta(days=offset)
        assert (due <= Deadline.overdue_cutoff(today, grace)) == Deadline(due, grace).is_overdue(
            today
        )


def what_every_reader_says(plan, pic, today) -> dict:
    """How many TW I PW items each part of the portal calls late on ``today``."""
    statuses = plan_item_statuses(plan)
    planned = reminders.plan_reminders(today=today)
    overdue_notice = [p for p in planned if p.kind == ReminderKind.OVERDUE and p.recipient == pic]
    numbers = dashboard.build(plan=plan, today=today)
    context = reports.report_context(plan=plan, quarter=1, today=today)
    pw_cells = next(a for a in context["areas"] if a["area"].code == "PW")["cells"]
    rows = list(xlsx.status_rows(plan, today))
    tasks = my_tasks(user=pic, plan=plan, today=today)
    digest = next(
        r
        for r in reminders.digest_rows(plan, statuses, today)
        if (r["area"], r["quarter_number"]) == ("PW", 1)
    )
    return {
        "reminder": sum(len(s.lines) for p in overdue_notice for s in p.scopes),
        "dashboard": sum(
            1 for r in numbers["overdue"] if (r["quarter"].number, r["area"].code) == (1, "PW")
        ),
        "heat_map": next(
            h.state
            for row in numbers["heat"]
            for h in row
            if (h.quarter.number, h.area.code) == (1, "PW")
        )
        == CellState.OVERDUE,
        "report": sum(1 for cell in pw_cells for item in cell.items if item.late),
        "xlsx": sum(1 for r in rows if (r[0], r[1], r[-1]) == ("TW I", "PW", "ya")),
        "tasks": sum(len(g.items) for g in tasks if g.late),
        "digest": digest["overdue"],
    }


def test_one_edit_to_the_overdue_rule_moves_every_reader(demo, monkeypatch):
    plan, pic = demo["plan"], demo["users"]["pic.pw"]
    # Within TW I's grace days nothing is late anywhere.
    assert what_every_reader_says(plan, pic, WITHIN_GRACE) == {
        "reminder": 0,
        "dashboard": 0,
        "heat_map": False,
        "report": 0,
        "xlsx": 0,
        "tasks": 0,
        "digest": 0,
    }
    # One edit, in periods.py: no grace days any more.
    monkeypatch.setattr(
        periods, "overdue_from", lambda due_date, grace_days=0: due_date + timedelta(days=1)
    )
    # The five TW I PW items (none uploaded) are late for every reader at once.
    assert what_every_reader_says(plan, pic, WITHIN_GRACE) == {
        "reminder": 5,
        "dashboard": 5,
        "heat_map": True,
        "report": 5,
        "xlsx": 5,
        "tasks": 5,
        "digest": 5,
    }
