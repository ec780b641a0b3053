"""Fault drill: the Celery worker is killed.

    .venv/bin/python bench/worker_kill.py

The production shape natively (bench/stack.py) on a PostgreSQL cluster of the drill's own
(bench/pgcluster.py). Two faults, one after the other:

1. **A build killed**: four reports are requested (one annual, three quarterly); while
   they build, the pool process rendering at that moment is killed (SIGKILL, as the
   kernel's OOM killer does). Printed per report: how it ended and when; the killed
   build must be *failed* (with the reason) within a minute, the others built.
2. **The whole worker killed** (SIGKILL to the worker and its pool at once, a container
   killed) while four clients ask for revisions through the API; a new worker starts
   ``--down`` seconds later, as compose's restart policy or a supervisor starts one.
   Tasks the killed worker had taken but not finished are sent again by beat's outbox
   flush after ``ZI_OUTBOX_REDELIVER_MINUTES`` (15 in production; ``--redeliver`` here,
   to keep the drill short). Printed: the answers, lost work (reviews without a row,
   revision requests never told, e-mails never sent), duplicates, and when the last
   e-mail went out.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pgcluster import Cluster  # noqa: E402
from bench.stack import ReviewLoad, Stack, machine, print_table  # noqa: E402
from bench.upload_server import children  # noqa: E402

REQUEST = """
import json
from monev.reports import report_request
from workplan.models import WorkPlan
from zi_portal.accounts.models import User
ketua = User.objects.get(email="ketua@example.org")
plan = WorkPlan.objects.get(unit__code="PUSBANG-APARATUR-KOMDIGI", year=2026)
ids = [report_request(plan=plan, kind="annual", quarter=None, user=ketua).pk]
ids += [report_request(plan=plan, kind="quarterly", quarter=q, user=ketua).pk for q in (1, 2, 3)]
print("IDS", json.dumps(ids))
"""

STATES = """
import json
from monev.models import Report
print("STATES", json.dumps({r.pk: [r.status, r.error] for r in Report.objects.order_by("pk")}))
"""


def _cpu(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def kill_a_build(stack: Stack) -> list[str]:
    ids = stack.shell(REQUEST, "IDS")
    began = time.monotonic()
    while "building" not in [s for s, _e in stack.shell(STATES, "STATES").values()]:
        time.sleep(0.2)
    time.sleep(1)  # WeasyPrint at work
    pool = children(stack.worker.pid)
    before = {pid: _cpu(pid) for pid in pool}
    time.sleep(0.5)
    busy = max(pool, key=lambda pid: _cpu(pid) - before[pid])  # the one rendering now
    os.kill(busy, signal.SIGKILL)
    killed = time.monotonic()
    ended: dict[str, float] = {}
    while len(ended) < len(ids) and time.monotonic() - killed < 180:
        states = stack.shell(STATES, "STATES")
        for pk in map(str, ids):
            if pk not in ended and states[pk][0] in ("ready", "failed"):
                ended[pk] = time.monotonic()
        time.sleep(1)
    states = stack.shell(STATES, "STATES")
    lines = [
        f"- a pool process killed while rendering, {killed - began:.1f} s after the four "
        f"requests; worker still running: {stack.worker.poll() is None}"
    ]
    for n, pk in enumerate(map(str, ids)):
        status, error = states[pk]
        when = f"{ended[pk] - killed:.1f} s after the kill" if pk in ended else "not ended"
        what = "annual" if n == 0 else f"quarterly TW {n}"
        lines.append(f"- {what}: {status} {when}" + (f" ({error})" if error else ""))
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--at", type=float, default=15)
    parser.add_argument("--down", type=float, default=10)
    parser.add_argument("--duration", type=float, default=40)
    parser.add_argument("--reviews", type=int, default=300)
    parser.add_argument("--redeliver", type=float, default=1.0, help="minutes")
    args = parser.parse_args()
    cluster = Cluster()
    cluster.start()
    stack = Stack("kill", database_url=cluster.url, ZI_OUTBOX_REDELIVER_MINUTES=str(args.redeliver))
    try:
        stack.setup()
        stack.start()
        build = kill_a_build(stack)
        load = ReviewLoad(stack, args.reviews, args.duration, password="salah")
        load.start()
        time.sleep(args.at)
        stack.kill_worker()
        killed_at = time.monotonic() - load.began
        time.sleep(args.down)
        stack.start_worker()
        restarted = time.monotonic()
        load.join()
        check = stack.wait_delivered(timeout=120 + args.redeliver * 60 * 2)
        last = time.monotonic() - restarted
    finally:
        stack.close()
        cluster.close()
    print(f"1. A report build killed (SIGKILL to its pool process); {machine()}")
    print("\n".join(build))
    print(
        f"\n2. The worker and its pool killed {killed_at:.1f} s into a {args.duration:g} s "
        f"run, a new worker started {args.down:g} s later (redelivery after "
        f"{args.redeliver:g} min)"
    )
    print_table(load.results, (killed_at, killed_at + args.down))
    answered = load.answered()
    print(
        f"reviews answered 201: {answered}; stored: {check['reviews']} (lost: "
        f"{answered - check['reviews']}); revision requests never told: {check['untold']}"
    )
    print(
        f"outbox: open {check['outbox_open']}, given up {check['outbox_given_up']}; messages "
        f"{check['messages']}; e-mails at the sink {stack.sink.count} (duplicates "
        f"{stack.sink.duplicates}); all delivered {last:.0f} s after the new worker started"
    )


if __name__ == "__main__":
    main()
