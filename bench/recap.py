"""Time the ministry's recap of every unit of a year (page, sorted page, API, XLSX) with
``bench_data --units N`` units whose LKE is answered on both sides: median and p95
latency and query count, warm, after one unit's answer changed, after one plan's
evidence changed, and cold (no stored score at all); and what storing a score costs
an answer.

Builds a throw-away test database (``zi_bench_recap``) on DATABASE_URL, like
bench/dashboard.py, then gives every unit random LKE answers (bulk, then one
``scores_compute`` for all, timed) and signs in as the ministry's administrator, who
sees every unit. Usage:

    ZI_CACHE_URL=redis://127.0.0.1:6379/9 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal \\
        .venv/bin/python bench/recap.py --units 1000

ZI_CACHE_URL names the cache production uses (Redis); without it the test settings'
per-process memory cache holds 300 entries, fewer than the plans' tallies.

Prints Markdown and writes bench/RESULTS-recap.md. Timings are for reading, never
asserted."""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.dashboard import bench_database, database_facts  # noqa: E402
from bench.stats import percentile  # noqa: E402
from lke import scoring, selectors, services  # noqa: E402
from lke.models import LkeAnswer, Side, StoredScore  # noqa: E402
from lke.stored import scores_compute  # noqa: E402
from workplan.models import Unit, WorkPlan  # noqa: E402
from workplan.stamps import touch  # noqa: E402
from zi_portal.accounts.models import User  # noqa: E402

YEAR = 2026
ADMIN = "admin.kementerian@example.org"
PAGES = [
    ("recap page 1 (50 rows)", f"/kementerian/rekap/{YEAR}/"),
    ("recap sorted by assessors' score", f"/kementerian/rekap/{YEAR}/?urut=nilai_tpi&arah=turun"),
    ("recap filtered: meets WBK", f"/kementerian/rekap/{YEAR}/?kesiapan=wbk"),
    ("recap API, every unit", f"/api/v1/plans/{YEAR}/recap/"),
    ("recap XLSX, every unit", f"/kementerian/rekap/{YEAR}/xlsx/"),
]
RESULTS = Path(__file__).resolve().parent / "RESULTS-recap.md"


def answers_fill(seed: int) -> tuple[int, float]:
    """Random answers of both sides for every unit (bulk), then every unit's score
    stored in one ``scores_compute``; returns (answers, seconds of the scoring)."""
    master = services.master_ensure()
    tree = selectors.parsed_master(master)
    questions = {q.soal_id: q.pk for q in master.questions.all()}
    rng = random.Random(seed)
    units = list(Unit.objects.values_list("pk", flat=True))
    rows = []
    for unit_id in units:
        level = rng.random()  # some units strong, some weak
        for side in (Side.UNIT, Side.TPI):
            for sid, q in tree.questions.items():
                if q.answer_type in scoring.CHOICE_TYPES:
                    pick = 0 if rng.random() < level else rng.randrange(len(q.options))
                    value = q.options[pick].key
                elif q.answer_type == scoring.SURVEY:
                    value = f"{rng.uniform(2.5, 4):.2f}"
                else:
                    value = str(rng.randint(0, 12))
                rows.append(
                    LkeAnswer(
                        unit_id=unit_id,
                        question_id=questions[sid],
                        side=side,
                        value=value,
                        revision=1,
                    )  # fmt: skip
                )
    LkeAnswer.objects.bulk_create(rows, batch_size=5000)
    start = time.perf_counter()
    scores_compute(master, units)
    return len(rows), time.perf_counter() - start


def timed(client: Client, path: str, runs: int, before=None) -> tuple[float, float, int]:
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    count = len(queries)
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), percentile(times, 0.95), count


def measure(runs: int, seed: int) -> tuple[list[tuple], dict]:
    client = Client()
    client.force_login(User.objects.get(email=ADMIN))
    master = services.master_ensure()
    rng = random.Random(seed)
    unit_ids = list(Unit.objects.values_list("pk", flat=True))
    question = master.questions.filter(answer_type__in=scoring.CHOICE_TYPES).first()
    options = [o.key for o in selectors.parsed_master(master).questions[question.soal_id].options]
    plans = list(WorkPlan.objects.filter(year=YEAR).values_list("pk", flat=True))

    def answer_changed() -> None:
        unit = Unit.objects.get(pk=rng.choice(unit_ids))
        services.answer_save(
            unit=unit, question=question, side=Side.TPI, user=None, value=rng.choice(options)
        )

    def plan_changed() -> None:
        touch(WorkPlan.objects.filter(pk=rng.choice(plans)))

    rows = []
    for label, path in PAGES:
        client.get(path)  # warm: stored scores fresh, tallies cached
        rows.append((label, "warm", *timed(client, path, runs)))
    label, path = PAGES[0]
    rows.append((label, "after one unit's answer", *timed(client, path, runs, answer_changed)))
    rows.append((label, "after one plan's evidence", *timed(client, path, runs, plan_changed)))
    # Cold: no stored score (a new master or rules version), every unit scored again.
    StoredScore.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        assert client.get(path).status_code == 200
        cold = (time.perf_counter() - start) * 1000
    rows.append((label, "cold: every score computed", cold, cold, len(queries)))
    # What storing the score adds to one answer.
    saves = []
    for _ in range(runs):
        start = time.perf_counter()
        answer_changed()
        saves.append((time.perf_counter() - start) * 1000)
    extra = {"save_median": statistics.median(saves), "save_p95": percentile(saves, 0.95)}
    return rows, extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server (this bench is about PostgreSQL).")
    load_before = os.getloadavg()[0]
    db = connection.settings_dict
    cache = os.environ.get("ZI_CACHE_URL")
    command = (
        (f"ZI_CACHE_URL={cache} " if cache else "")
        + f"DATABASE_URL=postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']} "
        ".venv/bin/python bench/recap.py " + " ".join(sys.argv[1:])
    ).strip()
    filled = {}

    def fill() -> None:
        filled["answers"], filled["seconds"] = answers_fill(args.seed)

    with bench_database(
        "zi_bench_recap", units=args.units, versions=args.versions, seed=args.seed, fill=fill
    ) as (name, seconds, summary):
        facts = database_facts()
        rows, extra = measure(args.runs, args.seed)
        units = Unit.objects.count()
    lines = [
        "# The ministry's recap with many units",
        "",
        f"- **Command:** `{command}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL "
        f"{facts['server']} on loopback; load average (1 min) {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Data:** test database `{name}` ({facts['size']}): {units:,} units. "
        f"`bench_data` took {seconds:.1f} s: {summary}. Then {filled['answers']:,} LKE "
        f"answers (both sides of every unit) in bulk; storing every unit's score in one "
        f"`scores_compute` took {filled['seconds']:.1f} s.",
        f"- **Setup:** in-process Django test client, signed in as the ministry's "
        f"administrator (every unit visible); {args.runs} timed requests per row after one "
        'warm-up; queries counted on one request. "After one unit\'s answer": a random '
        "unit's TPI answer is saved (its score stored) before every request; \"after one "
        "plan's evidence\": a random plan is stamped (its evidence tally computed again).",
        "",
        "| page | state | median ms | p95 ms | queries |",
        "| --- | --- | ---: | ---: | ---: |",
        *[f"| {r[0]} | {r[1]} | {r[2]:.1f} | {r[3]:.1f} | {r[4]} |" for r in rows],
        "",
        f"Saving one LKE answer, its unit's score stored in the same transaction: median "
        f"{extra['save_median']:.1f} ms, p95 {extra['save_p95']:.1f} ms.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
