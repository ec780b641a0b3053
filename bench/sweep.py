"""Time the reminder sweep's dry run (``send_reminders --dry-run``: everything the
daily sweep would send, read but not sent) over many units: seconds, queries, the
time inside ``cursor.execute``, and the process's peak memory growth.

Creates a throw-away test database (``zi_bench_sweep``) on whatever DATABASE_URL points
at, loads the demo and ``bench_data --units N``, switches the weekly digest on for
every account (``bench_data`` leaves it off) and leaves every revision request untold
(the worst case: a backlog after an import or a worker that was down). Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal \
        .venv/bin/python bench/sweep.py --units 1000

Prints Markdown and writes it to bench/RESULTS-sweep.md. Timings are for reading,
never asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import SqlTimer, percentile  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.dashboard import database_facts, existing_or_bench_database  # noqa: E402
from evidence.choices import Decision  # noqa: E402
from evidence.models import Review  # noqa: E402
from monev import reminders  # noqa: E402
from monev.choices import ReminderKind  # noqa: E402
from workplan.models import EvidenceRequirement, WorkPlan  # noqa: E402
from zi_portal.accounts.models import User  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS-sweep.md"
TEST_DB_NAME = "zi_bench_sweep"
# A Monday (the digest's day) ten days before TW IV's deadline.
TODAY = date(2026, 12, 21)


def proc_status_kib(field: str) -> int:
    """A KiB figure of this process from /proc/self/status (VmRSS, VmHWM …)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak() -> None:
    """Linux: make the peak RSS (VmHWM) the current RSS."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def dry_run() -> tuple[float, int, float, int, dict[str, int], int]:
    """One dry run, its messages counted as they come and dropped (as the sweep hands
    each to ``deliver``): seconds, queries, SQL seconds, peak RSS growth in KiB, the
    messages per kind and the revision requests told."""
    reset_peak()
    base = proc_status_kib("VmRSS")
    timer = SqlTimer()
    kinds: dict[str, int] = {}
    told = 0
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timer):
        for entry in reminders.unsent(reminders.iter_reminders(today=TODAY)):
            kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
            if entry.kind == ReminderKind.REVISION:
                told += len(entry.scopes)
    seconds = time.perf_counter() - start
    return seconds, len(queries), timer.seconds, proc_status_kib("VmHWM") - base, kinds, told


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse", metavar="DB", help="A database filled before (no build; it is changed)."
    )
    parser.add_argument("--no-write", action="store_true", help="Do not write RESULTS.")
    args = parser.parse_args()
    args.database_name = TEST_DB_NAME
    load_before = os.getloadavg()[0]
    with existing_or_bench_database(args) as (name, data_seconds, _summary):
        User.objects.update(receive_digest=True)
        Review.objects.update(created_at=timezone.now() - timedelta(hours=2))
        facts = database_facts()
        plans = WorkPlan.objects.count()
        items = EvidenceRequirement.objects.count()
        untold = Review.objects.filter(decision=Decision.REVISE).count()
        runs = [dry_run() for _ in range(args.runs)]
    load_after = os.getloadavg()[0]
    seconds = [r[0] * 1000 for r in runs]
    kinds, scopes = runs[-1][4], runs[-1][5]
    lines = [
        "# Reminder sweep (dry run) over many units",
        "",
        f"- **Command:** `DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal "
        f".venv/bin/python bench/sweep.py --units {args.units}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs, Linux "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL "
        f"{facts['server']} on loopback; load average (1 min) {load_before:.2f} before, "
        f"{load_after:.2f} after",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Data:** test database `{name}` ({facts['size']}): {plans} plans, {items:,} "
        f"required items, {untold:,} revision requests not yet told (all of them: the "
        f"backlog case); digests on for every account. "
        + (
            f"`bench_data --units {args.units} --versions {args.versions}` took "
            f"{data_seconds:.1f} s."
            if data_seconds is not None
            else "Built before this run."
        ),
        f"- **Run:** `reminders.unsent(reminders.iter_reminders(today={TODAY}))`, as "
        f"`send_reminders --dry-run`, {args.runs} times in one process; each message counted "
        "and dropped as it comes (the sweep hands each to `deliver`).",
        "",
        "| median ms | p95 ms | queries | SQL ms (median) | peak RSS growth MiB (max) "
        "| messages | revision requests told |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {statistics.median(seconds):.0f} | {percentile(seconds, 0.95):.0f} "
        f"| {runs[-1][1]} | {statistics.median(r[2] * 1000 for r in runs):.0f} "
        f"| {max(r[3] for r in runs) / 1024:.0f} | {sum(kinds.values()):,} | {scopes:,} |",
        "",
        "Messages by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())) + ".",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
