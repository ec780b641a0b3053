"""Time the work-plan pages with the full 2026 plan: median and p95 latency, query count.

Runs the pages in-process through Django's test client against a throw-away test
database (``test_<name>``) on whatever DATABASE_URL points at, so it never touches the
real data. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal \
        .venv/bin/python bench/pages.py --runs 200

Prints a Markdown table for BENCHMARKS.md. Timings are for reading, never asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import percentile  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from zi_portal.accounts.models import User  # noqa: E402

PAGES = [
    ("plan overview", "/rencana/2026/"),
    ("commitment matrix", "/rencana/2026/matriks/"),
    ("activity plan", "/rencana/2026/kegiatan/"),
    ("area page (PW)", "/rencana/2026/area/PW/"),
    ("matrix XLSX export", "/rencana/2026/unduh.xlsx"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--as", dest="who", default="pic.pw@example.org")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        client = Client()
        client.force_login(User.objects.get(email=args.who))
        rows = []
        for label, path in PAGES:
            for _ in range(5):  # warm-up
                client.get(path)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            query_count = len(queries)  # read now: later requests reset the query log
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            rows.append(
                (label, path, statistics.median(times), percentile(times, 0.95), query_count)
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(
        f"database: {connection.vendor} ({test_name}), runs per page: {args.runs}, user: {args.who}"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print()
    print("| page | path | median ms | p95 ms | queries |")
    print("| --- | --- | ---: | ---: | ---: |")
    for label, path, median, p95, nq in rows:
        print(f"| {label} | `{path}` | {median:.1f} | {p95:.1f} | {nq} |")


if __name__ == "__main__":
    main()
