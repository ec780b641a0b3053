"""Time the portal search (``/cari/?q=…``) of one unit with many units in the
database: median and p95 latency, query count, SQL time.

Creates a throw-away test database (``zi_bench_search``) on whatever DATABASE_URL
points at, loads the demo (``seed_demo``) and ``bench_data --units N`` synthetic units
(their versions are links whose note is "Versi k"), gives the demo unit the same shape
(``bench.dashboard.demo_fill``) and every plan ``--findings`` findings, then times the
search in-process through Django's test client, signed in as the Kepala (every file of
the unit) and as the PW PIC (the files of their own cells) of the unit under test.
Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal \
        .venv/bin/python bench/search.py --units 200

Prints Markdown and writes it to bench/RESULTS-search.md. Timings are for reading,
never asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import SqlTimer, percentile  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.dashboard import DEMO_UNIT, bench_database, database_facts  # noqa: E402
from evidence.models import EvidenceVersion  # noqa: E402
from findings.models import Finding  # noqa: E402
from search.query import parse_query  # noqa: E402
from search.selectors import matching  # noqa: E402
from workplan.models import CommitmentCell, EvidenceRequirement, Unit, WorkPlan  # noqa: E402
from zi_portal.accounts.models import User  # noqa: E402
from zi_portal.accounts.permissions import Action  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS-search.md"
TEST_DB_NAME = "zi_bench_search"

# (label, query): a word of many plan items, one of every version's note (all of the
# unit's versions match, 20 shown), two words, a prefix of a link's address, no match.
QUERIES = [
    ("plan word", "laporan"),
    ("every version's note", "versi"),
    ("two words", "laporan monitoring"),
    ("link address prefix", "req"),
    ("no match", "qwertyuiop"),
]
WHO = ["kepala", "pic.pw"]

FINDING_TEXTS = [
    ("Laporan monitoring gratifikasi belum ditandatangani.", "Mintakan tanda tangan."),
    ("Notulen rapat pengawasan belum diunggah.", "Unggah notulen yang ditandatangani."),
    ("Survey kepuasan belum dianalisis.", "Lengkapi analisis survey."),
]


def users_of(code: str) -> dict[str, User]:
    if code == DEMO_UNIT:
        return {
            "kepala": User.objects.get(email="kepala@example.org"),
            "pic.pw": User.objects.get(email="pic.pw@example.org"),
        }
    slug = code.lower()
    return {
        "kepala": User.objects.get(email=f"kepala.{slug}@bench.example.org"),
        "pic.pw": User.objects.get(email=f"pic.pw.{slug}@bench.example.org"),
    }


def findings_fill(per_plan: int) -> int:
    """``per_plan`` findings on each plan's cells, owned by the cells' PICs."""
    due = timezone.localdate() + timedelta(days=30)
    rows = []
    for plan in WorkPlan.objects.all():
        cells = list(
            CommitmentCell.objects.filter(quarter__plan=plan, pic__isnull=False).order_by("pk")
        )
        creator = User.objects.filter(unit=plan.unit, email__startswith="tpi").first()
        for n in range(per_plan):
            cell = cells[n % len(cells)]
            description, recommendation = FINDING_TEXTS[n % len(FINDING_TEXTS)]
            rows.append(
                Finding(
                    plan=plan,
                    cell=cell,
                    area_id=cell.area_id,
                    description=description,
                    recommendation=recommendation,
                    owner_id=cell.pic_id,
                    created_by=creator or cell.pic,
                    due_date=due,
                )
            )
    Finding.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def measure(code: str, runs: int, warmup: int) -> list[tuple]:
    users = users_of(code)
    unit = Unit.objects.get(code=code)
    assert all(u.unit_id == unit.pk for u in users.values()), "measured users must be in the unit"
    rows = []
    for who in WHO:
        client = Client()
        client.force_login(users[who])
        for label, q in QUERIES:
            path = "/cari/?" + urlencode({"q": q, "tahun": 2026})
            for _ in range(warmup):
                assert client.get(path).status_code == 200, path
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            query_count = len(queries)
            assert response.status_code == 200, path
            assert unit.short_name.encode() in response.content, f"{path} does not show {unit}"
            found = response.content.decode().count('class="search-title"')
            times = []
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                for _ in range(runs):
                    start = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200
            rows.append(
                (
                    unit.short_name,
                    who,
                    label,
                    q,
                    statistics.median(times),
                    percentile(times, 0.95),
                    query_count,
                    timer.seconds * 1000 / runs,
                    found,
                )
            )
    return rows


def explain(code: str) -> str:
    """PostgreSQL's plan of the heaviest kind (the unit's versions, every one matching)."""
    user = users_of(code)["kepala"]
    plan = WorkPlan.objects.get(unit__code=code, year=2026)
    query, _problem = parse_query("versi", prefix=True)
    rows = matching(
        EvidenceVersion.objects.restrict(user, Action.VIEW_EVIDENCE).filter(
            requirement__cell__quarter__plan=plan
        ),
        ["original_name", "url", "note"],
        query,
    )
    return rows.explain(analyze=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--findings", type=int, default=12, help="Findings per plan (12).")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--unit", action="append", help="Unit code to measure (repeatable).")
    parser.add_argument("--no-write", action="store_true", help="Do not write RESULTS.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server (this bench is about PostgreSQL).")
    load_before = os.getloadavg()
    codes = args.unit or [DEMO_UNIT, f"BENCH-{(args.units + 1) // 2:03d}"]

    db = connection.settings_dict
    command = (
        f"DATABASE_URL=postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']} "
        ".venv/bin/python bench/search.py " + " ".join(sys.argv[1:])
    ).strip()
    findings = []
    with bench_database(
        TEST_DB_NAME,
        units=args.units,
        versions=args.versions,
        seed=args.seed,
        fill=lambda: findings.append(findings_fill(args.findings)),
    ) as built:
        test_name, bench_seconds, _summary = built
        counts = {
            "units": Unit.objects.count(),
            "plans": WorkPlan.objects.count(),
            "required items": EvidenceRequirement.objects.count(),
            "versions": EvidenceVersion.objects.count(),
            "findings": findings[0],
        }
        facts = database_facts()
        rows = []
        for code in codes:
            rows += measure(code, args.runs, args.warmup)
        plan_text = explain(codes[-1])
    load_after = os.getloadavg()

    lines = [
        "# Search with many units",
        "",
        f"- **Command:** `{command}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs (`nproc`), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"PostgreSQL {facts['server']} on loopback; load average (1 min) "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (shared machine)",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Data:** test database `{test_name}` ({facts['size']}): "
        + ", ".join(f"{n:,} {label}" for label, n in counts.items())
        + f". `bench_data --units {args.units} --versions {args.versions}` took "
        f"{bench_seconds:.1f} s.",
        f"- **Setup:** in-process Django test client, {args.warmup} warm-up requests then "
        f"{args.runs} timed requests per query; signed in as the unit's Kepala (every "
        "file of the unit) or PIC PW (the files of their cells). Shown: result rows on "
        "the page (at most 20 per kind). SQL ms: mean per request of the time in "
        "`cursor.execute`.",
        "",
        "| unit | as | query | q | median ms | p95 ms | queries | SQL ms (mean) | shown |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for unit, who, label, q, median, p95, nq, sql_ms, found in rows:
        lines.append(
            f"| {unit} | {who} | {label} | `{q}` | {median:.1f} | {p95:.1f} | {nq} | "
            f"{sql_ms:.1f} | {found} |"
        )
    lines += ["", "PostgreSQL's plan of the files kind (`versi`, Kepala):", "", "```"]
    lines += [plan_text, "```"]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
