"""Time the dashboard, matrix, review queue and API of one unit with many units in the
database: median and p95 latency, query count, SQL time.

Creates a throw-away test database (``zi_bench_dashboard``) on whatever DATABASE_URL
points at, loads the demo (``seed_demo``: Pusbang Aparatur Komdigi and its 2026 plan)
and ``bench_data --units N`` synthetic units, gives the demo unit the same shape as a
bench unit (``--versions`` link versions per item with reviews, realisations), then
times the pages in-process through Django's test client, signed in as the Kepala (and
the TPI for the review queue) of the unit under test: users are scoped to their
``unit``. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal \
        .venv/bin/python bench/dashboard.py --units 200

Prints Markdown and writes it to bench/RESULTS-dashboard.md. Timings are for reading,
never asserted. The Django test environment (template-render instrumentation that
copies every template context) is not installed, so the times are those of the view.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import SqlTimer, percentile  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.test")

import django  # noqa: E402
import psycopg  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from evidence.models import EvidenceVersion, Review  # noqa: E402
from monev.models import ActivityRealisation  # noqa: E402
from monev.synthetic_fill import (  # noqa: E402
    evidence_fill,
    realisations_fill,
    timestamps_spread,
)
from workplan.models import EvidenceRequirement, Unit, WorkPlan  # noqa: E402
from workplan.stamps import touch  # noqa: E402
from zi_portal.accounts.models import User  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS-dashboard.md"
DEMO_UNIT = "PUSBANG-APARATUR-KOMDIGI"
TEST_DB_NAME = "zi_bench_dashboard"

# (label, path, who): who is "kepala", "tpi" or "pic.pw" of the unit under test. A
# label ending in "after a change" stamps the plan before every timed request, so the
# page's cached parts are built afresh (the first view after an upload or a review).
# The review queue's rows are cached by their content, not by the stamp: a review
# renders again only its own row, so the queue has no such case here.
PAGES = [
    ("dashboard", "/dasbor/?tahun=2026", "kepala"),
    ("dashboard after a change", "/dasbor/?tahun=2026", "kepala"),
    ("commitment matrix", "/rencana/2026/matriks/", "kepala"),
    ("commitment matrix after a change", "/rencana/2026/matriks/", "kepala"),
    ("review queue (pending)", "/reviu/?tahun=2026", "tpi"),
    ("review queue (all states)", "/reviu/?tahun=2026&state=all", "tpi"),
    ("API requirement list", "/api/v1/plans/2026/requirements/", "kepala"),
    ("API requirement list after a change", "/api/v1/plans/2026/requirements/", "kepala"),
    ("LKE area page PW", "/lke/2026/area/PW/", "pic.pw"),
    ("LKE area page PW after a change", "/lke/2026/area/PW/", "pic.pw"),
    ("notifications (the floor of a request)", "/notifikasi/", "kepala"),
]
# Pages that show nothing of the unit: what any signed-in page costs (session, user,
# roles, menu, the base template) when its own content is almost nothing.
FLOOR_PAGES = {"/notifikasi/"}
RAW_RUNS = 20


def users_of(code: str) -> dict[str, User]:
    if code == DEMO_UNIT:
        return {
            "kepala": User.objects.get(email="kepala@example.org"),
            "tpi": User.objects.get(email="tpi@example.org"),
            "pic.pw": User.objects.get(email="pic.pw@example.org"),
        }
    slug = code.lower()
    return {
        "kepala": User.objects.get(email=f"kepala.{slug}@bench.example.org"),
        "tpi": User.objects.get(email=f"tpi.{slug}@bench.example.org"),
        "pic.pw": User.objects.get(email=f"pic.pw.{slug}@bench.example.org"),
    }


def raw_sql_ms(queries: list[str]) -> float:
    """The median over ``RAW_RUNS`` of the time to run ``queries`` (a page's own SQL, as
    sent) on a connection of their own with psycopg, fetching every row: what the page
    would cost if Python took no time."""
    db = connection.settings_dict
    totals = []
    with (
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"],
            user=db["USER"],
            dbname=db["NAME"],
            # The portal's own session settings (random_page_cost), so both plan alike.
            options=db.get("OPTIONS", {}).get("options", ""),
        ) as raw,
        raw.cursor() as cursor,
    ):
        for _ in range(RAW_RUNS):
            start = time.perf_counter()
            for sql in queries:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
            totals.append((time.perf_counter() - start) * 1000)
            raw.rollback()
    return statistics.median(totals)


def demo_fill(*, versions: int, seed: int) -> None:
    """Give the demo unit's plan the shape of a bench unit."""
    plan = WorkPlan.objects.select_related("unit").get(unit__code=DEMO_UNIT, year=2026)
    with transaction.atomic():
        evidence_fill(
            plans=[plan],
            reviewers={plan.pk: User.objects.get(email="tpi@example.org")},
            versions=versions,
            seed=seed,
            fallback_uploader=User.objects.get(email="ketua@example.org"),
        )
        realisations_fill(plans=[plan], seed=seed, today=timezone.localdate())
        timestamps_spread([plan])


@contextmanager
def bench_database(
    name: str, *, units: int, versions: int, seed: int, fill=None
) -> Iterator[tuple[str, float, str]]:
    """A throw-away database ``name`` with the demo unit and ``units`` generated units
    (``bench_data``), the demo unit filled like them and ``fill()`` run before the
    ``VACUUM ANALYZE`` autovacuum would do after a bulk load. Yields the database's
    name, the seconds ``bench_data`` took and its summary line; dropped afterwards."""
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = name
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        out = io.StringIO()
        start = time.perf_counter()
        call_command(
            "bench_data",
            "--units",
            str(units),
            "--versions",
            str(versions),
            "--seed",
            str(seed),
            stdout=out,
        )
        seconds = time.perf_counter() - start
        summary = out.getvalue().strip()
        print(summary, file=sys.stderr)
        demo_fill(versions=versions, seed=seed)
        if fill is not None:
            fill()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        yield test_name, seconds, summary
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def measure(code: str, runs: int, warmup: int, only: list[str] | None = None) -> list[tuple]:
    users = users_of(code)
    unit = Unit.objects.get(code=code)
    assert all(u.unit_id == unit.pk for u in users.values()), "measured users must be in the unit"
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    rows = []
    for label, path, who in PAGES:
        if only and not any(word in label for word in only):
            continue
        client = clients[who]
        plan = WorkPlan.objects.filter(unit=unit, year=2026)
        changed = label.endswith("after a change")
        for _ in range(warmup):
            assert client.get(path).status_code == 200, path
        if changed:
            touch(plan)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        query_count = len(queries)  # read now: later requests reset the query log
        raw_ms = raw_sql_ms([q["sql"] for q in queries.captured_queries])
        assert response.status_code == 200, path
        shows_unit = not (path.startswith("/api/") or path in FLOOR_PAGES)
        assert unit.short_name.encode() in response.content or not shows_unit, (
            f"{path} does not show {unit}"
        )
        times = []
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            for _ in range(runs):
                if changed:
                    before = timer.seconds
                    touch(plan)
                    timer.seconds = before  # the stamp is the change, not the page
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
        rows.append(
            (
                unit.short_name,
                label,
                path,
                who,
                statistics.median(times),
                percentile(times, 0.95),
                query_count,
                timer.seconds * 1000 / runs,
                raw_ms,
                len(response.content),
            )
        )
    return rows


def database_facts() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    return {"server": server, "size": size}


@contextmanager
def existing_or_bench_database(args) -> Iterator[tuple[str, float | None, str]]:
    """``--reuse NAME``: a database built before (``bench_data`` already run, kept);
    otherwise a throw-away one built now."""
    if args.reuse:
        connection.close()
        connection.settings_dict["NAME"] = args.reuse
        yield args.reuse, None, "built before this run"
        return
    with bench_database(
        getattr(args, "database_name", TEST_DB_NAME),
        units=args.units,
        versions=args.versions,
        seed=args.seed,
    ) as built:
        yield built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--unit",
        action="append",
        help=f"Unit code to measure (repeatable; default {DEMO_UNIT} and BENCH-<middle>).",
    )
    parser.add_argument(
        "--reuse", metavar="DB", help="Measure a database filled before (no build, kept)."
    )
    parser.add_argument(
        "--page", action="append", help="Only the pages whose label holds this (repeatable)."
    )
    parser.add_argument("--no-write", action="store_true", help="Do not write RESULTS.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server (this bench is about PostgreSQL).")
    load_before = os.getloadavg()
    codes = args.unit or [DEMO_UNIT, f"BENCH-{(args.units + 1) // 2:03d}"]

    db = connection.settings_dict
    command = (
        f"DATABASE_URL=postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']} "
        "TOX_PARALLEL_ENV=bench .venv/bin/python bench/dashboard.py " + " ".join(sys.argv[1:])
    ).strip()
    with existing_or_bench_database(args) as built:
        test_name, bench_seconds, bench_summary = built
        counts = {
            "units": Unit.objects.count(),
            "plans": WorkPlan.objects.count(),
            "users": User.objects.count(),
            "required items": EvidenceRequirement.objects.count(),
            "versions": EvidenceVersion.objects.count(),
            "reviews": Review.objects.count(),
            "activity realisations": ActivityRealisation.objects.count(),
        }
        facts = database_facts()
        rows = []
        for code in codes:
            rows += measure(code, args.runs, args.warmup, args.page)
    load_after = os.getloadavg()

    lines = [
        "# Dashboard, matrix, review queue and API with many units",
        "",
        f"- **Command:** `{command}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs (`nproc`), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"PostgreSQL {facts['server']} on loopback; load average (1 min) "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (shared machine)",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Data:** test database `{test_name}` ({facts['size']}): "
        + ", ".join(f"{n:,} {label}" for label, n in counts.items())
        + (
            f". `bench_data --units {args.units} --versions {args.versions}` took "
            f"{bench_seconds:.1f} s: {bench_summary.removeprefix('bench_data: ')}"
            if bench_seconds is not None
            else f" ({bench_summary})."
        ),
        f"- **Setup:** in-process Django test client (no network, no gunicorn), "
        f"{args.warmup} warm-up requests then {args.runs} timed requests per page; signed in "
        "as the unit's Kepala (`kepala`) or Asesor TPI (`tpi`), whose `unit` is the unit "
        "under test. Queries: one request after the warm-up (CaptureQueriesContext). "
        "SQL ms: mean per timed request of the wall time spent in `cursor.execute` "
        "(round trips included), the rest of the median is Python (view, template, "
        "middleware). Raw SQL ms: the same request's statements replayed as sent on a "
        f"psycopg connection of their own, every row fetched (median of {RAW_RUNS}); "
        'ratio: the page\'s median ÷ its raw SQL. Pages "after a change" have their plan '
        "stamped before every request (a new upload or review: the cached numbers and "
        "statuses are built again).",
        "",
        "| unit | page | as | median ms | p95 ms | queries | SQL ms (mean) | raw SQL ms "
        "| ratio | KB |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for unit, label, path, who, median, p95, nq, sql_ms, raw_ms, size in rows:
        lines.append(
            f"| {unit} | {label} (`{path}`) | {who} | {median:.1f} | {p95:.1f} | {nq} | "
            f"{sql_ms:.1f} | {raw_ms:.1f} | {median / raw_ms:.1f}× | {size / 1024:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
