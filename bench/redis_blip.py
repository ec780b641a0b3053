"""Fault drill: Redis (broker and cache) goes away for a while under load.

    .venv/bin/python bench/redis_blip.py --outage 30 --duration 70

The production shape natively (bench/stack.py): gunicorn, a Celery worker and beat, the
production settings, a throw-away SQLite database, a redis-server of its own (killed and
restarted, keeping nothing, as in production) and a real SMTP sink. Four client threads
review evidence through the API ("Minta revisi", which queues a revision e-mail) and one
signs in (the token endpoint, wrong password) without pause. Redis is killed
``--outage`` seconds into the run, for ``--outage`` seconds.

Printed per request type: answers by status, median and p95; then lost work: reviews
answered 201 without a row, outbox tasks not run two minutes after Redis returned,
revision e-mails that never reached the SMTP sink, and whether the worker survived.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import ReviewLoad, Stack, machine, print_table  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outage", type=float, default=30)
    parser.add_argument("--duration", type=float, default=70)
    parser.add_argument("--reviews", type=int, default=600)
    args = parser.parse_args()
    stack = Stack("blip")
    try:
        stack.setup()
        load = ReviewLoad(stack, args.reviews, args.duration, password="salah")
        stack.start()
        load.start()
        time.sleep(args.outage)
        stack.kill_redis()
        killed_at = time.monotonic() - load.began
        time.sleep(args.outage)
        stack.start_redis()
        back_at = time.monotonic()
        load.join()
        check = stack.wait_delivered()  # beat's flush (every 20 s) hands over what waited
        drained = time.monotonic() - back_at
        worker_alive = stack.worker.poll() is None
    finally:
        stack.close()
    print(f"Redis down {args.outage:g} s of a {args.duration:g} s run "
          f"(killed {killed_at:.0f} s in); {machine()}")  # fmt: skip
    print_table(load.results, (killed_at, killed_at + args.outage))
    answered = load.answered()
    print(
        f"reviews answered 201: {answered}; revision reviews stored: {check['reviews']} "
        f"(lost: {answered - check['reviews']}); revision requests never told: {check['untold']}"
    )
    print(
        f"outbox after {drained:.0f} s: open {check['outbox_open']}, given up "
        f"{check['outbox_given_up']}; messages {check['messages']}; e-mails at the sink "
        f"{stack.sink.count} (duplicates {stack.sink.duplicates}); worker alive: {worker_alive}"
    )


if __name__ == "__main__":
    main()
