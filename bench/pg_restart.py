"""Fault drill: PostgreSQL restarts under load.

    .venv/bin/python bench/pg_restart.py --down 10 --duration 60

The production shape natively (bench/stack.py: gunicorn, a Celery worker and beat, Redis
and an SMTP sink of the drill's own) on a PostgreSQL cluster of the drill's own
(bench/pgcluster.py; the shared cluster is never touched). Four clients ask for
revisions through the API (each queues a revision e-mail) and one signs in with the
right password (an Argon2 check and a token row) every 0.2 s. ``--at`` seconds in, the
cluster is stopped (``pg_ctl -m fast``, as an operator's restart ends every session) and
started again ``--down`` seconds later; nothing else is restarted.

Printed: answers per request type (by status, median, p95, and by status while the
database was away), the first success after it came back, and lost work: reviews
answered 201 without a row, outbox tasks still open, revision e-mails that never reached
the sink, duplicates, and whether web, worker and beat are still the same processes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pgcluster import Cluster  # noqa: E402
from bench.stack import ReviewLoad, Stack, machine, print_table  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--at", type=float, default=20)
    parser.add_argument("--down", type=float, default=10)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--reviews", type=int, default=500)
    parser.add_argument("--mode", default="fast", choices=["fast", "immediate"])
    args = parser.parse_args()
    cluster = Cluster()
    cluster.start()
    # Behind one proxy, the sign-ins come from many office addresses: every one is a
    # password check, not the per-address limits' 429.
    stack = Stack("pg", database_url=cluster.url, ZI_TRUSTED_PROXY_COUNT="1")
    try:
        stack.setup()
        load = ReviewLoad(stack, args.reviews, args.duration, password="zi-demo-2026")
        stack.start()
        pids = [p.pid for p in (stack.web, stack.worker, stack.beat)]
        load.start()
        time.sleep(args.at)
        down_at = time.monotonic() - load.began
        cluster.stop(args.mode)
        time.sleep(args.down)
        cluster.start()
        up_at = time.monotonic() - load.began
        load.join()
        check = stack.wait_delivered(timeout=180)
        alive = all(p.poll() is None for p in (stack.web, stack.worker, stack.beat))
        same = [p.pid for p in (stack.web, stack.worker, stack.beat)] == pids
    finally:
        stack.close()
        cluster.close()
    print(
        f"PostgreSQL stopped ({args.mode}) {down_at:.1f} s into a {args.duration:g} s run, "
        f"started again at {up_at:.1f} s; {machine()}"
    )
    print_table(load.results, (down_at, up_at))
    for kind, rows in load.results.items():
        after = [at for st, _s, at in rows if at >= up_at and st in (200, 201)]
        first = min(after) - up_at if after else float("nan")
        print(f"{kind}: first success {first:.2f} s after the database was back")
    answered = load.answered()
    print(
        f"reviews answered 201: {answered}; revision reviews stored: {check['reviews']} "
        f"(lost: {answered - check['reviews']}); revision requests never told: {check['untold']}"
    )
    print(
        f"outbox: open {check['outbox_open']}, given up {check['outbox_given_up']}; "
        f"messages {check['messages']}; e-mails at the sink {stack.sink.count} "
        f"(duplicates {stack.sink.duplicates}); web, worker, beat running: {alive}, "
        f"the same processes: {same}"
    )


if __name__ == "__main__":
    main()
