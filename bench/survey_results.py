"""Time a survey's signed-in page and its public results page with 10,000 responses, and
the same with 100: median and p95 latency, query count, SQL time (issue 16, "the
results page with 10,000 responses answers in under 100 ms with a constant number of
queries").

Builds a throw-away test database (``zi_bench_surveys``) on whatever DATABASE_URL points
at with bench/dashboard.py's ``bench_database`` (the demo, and one generated unit so the
database holds another unit's rows), then gives the demo unit two open SKM surveys with
two services: one of ``--responses`` responses, one of ``--small``. Their responses are
inserted with ``bulk_create`` (append-only forbids changing a row, not adding one), with
their nine answers each, 1 % of them flagged (a quarter of those admitted by the Ketua,
a quarter excluded, the rest waiting) and another 1 % excluded, so the page's lists of
flagged and excluded responses grow with the survey too. Then, in-process through
Django's test client: the survey page (``/survei/<pk>/``) signed in as the Ketua, and the
public results page (``/survei/<token>/hasil/``) without sign-in. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal \\
        .venv/bin/python bench/survey_results.py --out FILE.md

Timings are for reading, never asserted; what is asserted is that each page answers 200
and that the number of respondents counted is the one the fill intended.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

# bench.dashboard sets up Django (the test settings) as it is imported, before the apps.
from bench.dashboard import bench_database, database_facts, raw_sql_ms  # noqa: E402
from bench.stats import SqlTimer, percentile  # noqa: E402
from surveys import selectors, services  # noqa: E402
from surveys.choices import (  # noqa: E402
    AgeBand,
    Education,
    FlagReason,
    Occupation,
    Sex,
    SurveyStatus,
)
from surveys.models import (  # noqa: E402
    Answer,
    Response,
    ResponseAdmission,
    ResponseExclusion,
    Survey,
)
from zi_portal.accounts.models import User  # noqa: E402

TEST_DB_NAME = "zi_bench_surveys"
SERVICES = (("loket", "Layanan loket", 1200), ("daring", "Layanan daring", 8000))
FLAGS = [FlagReason.TOO_FAST, FlagReason.RATE_LIMIT, FlagReason.HONEYPOT]
BATCH = 2000


def survey_fill(survey: Survey, count: int, ketua: User, seed: int) -> int:
    """``count`` responses to ``survey`` (see the module's docstring); returns how many
    count in the results."""
    rng = random.Random(seed)
    chosen = list(survey.services.all())
    questions = list(survey.questions.all())
    began = timezone.now() - timedelta(days=1)
    step = max(1, count // max(4, count // 100))  # 1 % flagged, and at least four
    plan = []
    for i in range(count):
        flagged = i % step == 0
        plan.append((flagged, i // step % 4 if flagged else None, i % step == step // 2))
    rows = [
        Response(
            survey=survey,
            service=chosen[i % len(chosen)],
            age_band=rng.choice(AgeBand.values),
            sex=rng.choice(Sex.values),
            education=rng.choice(Education.values),
            occupation=rng.choice(Occupation.values),
            submitted_at=began + timedelta(seconds=6 * i),
            flag_reason=FLAGS[i % len(FLAGS)] if flagged else "",
            device_digest=f"bench-{survey.pk}-{i}",
        )
        for i, (flagged, _decision, _excluded) in enumerate(plan)
    ]
    with transaction.atomic():
        rows = Response.objects.bulk_create(rows, batch_size=BATCH)
        Answer.objects.bulk_create(
            (
                Answer(response=r, question=q, value=rng.choices((1, 2, 3, 4), (1, 2, 5, 4))[0])
                for r in rows
                for q in questions
            ),
            batch_size=BATCH * 5,
        )
        admitted = [r for r, p in zip(rows, plan, strict=True) if p[1] == 0]
        excluded = [r for r, p in zip(rows, plan, strict=True) if p[1] == 1 or p[2]]
        ResponseAdmission.objects.bulk_create(
            ResponseAdmission(response=r, decided_by=ketua, reason="Diisi di loket, wajar.")
            for r in admitted
        )
        ResponseExclusion.objects.bulk_create(
            ResponseExclusion(response=r, decided_by=ketua, reason="Jawaban uji coba petugas.")
            for r in excluded
        )
    flagged = sum(1 for p in plan if p[0])
    return count - flagged + len(admitted) - sum(1 for p in plan if p[2] and not p[0])


def surveys_make(sizes: list[int], seed: int) -> list[tuple[int, int]]:
    """The open SKM surveys of the demo unit, one per size; (survey id, counted)."""
    ketua = User.objects.get(email="ketua@example.org")
    chosen = [
        services.service_save(unit=ketua.unit, user=ketua, code=c, name=n, population=p)
        for c, n, p in SERVICES
    ]
    today = timezone.localdate()
    made = []
    for size in sizes:
        survey = services.survey_create(
            unit=ketua.unit,
            user=ketua,
            kind="skm",
            title=f"SKM TW IV 2026 ({size:,} responden)",
            starts_on=today - timedelta(days=2),
            ends_on=today + timedelta(days=30),
            services=chosen,
            quarter=4,
        )
        services.survey_set_status(survey=survey, user=ketua, status=SurveyStatus.OPEN)
        made.append((survey.pk, survey_fill(survey, size, ketua, seed)))
    return made


def measure(label: str, path: str, client: Client, runs: int, warmup: int) -> tuple:
    for _ in range(warmup):
        assert client.get(path).status_code == 200, path
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    query_count = len(queries)
    raw_ms = raw_sql_ms([q["sql"] for q in queries.captured_queries])
    times = []
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    return (
        label,
        path,
        statistics.median(times),
        percentile(times, 0.95),
        query_count,
        timer.seconds * 1000 / runs,
        raw_ms,
        len(response.content),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write the Markdown results here")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server (this bench is about PostgreSQL).")
    load_before = os.getloadavg()
    made: list[tuple[int, int]] = []
    fill_seconds = []

    def fill() -> None:
        start = time.perf_counter()
        made.extend(surveys_make([args.responses, args.small], args.seed))
        fill_seconds.append(time.perf_counter() - start)

    rows = []
    with bench_database(TEST_DB_NAME, units=1, versions=0, seed=args.seed, fill=fill) as built:
        test_name = built[0]
        facts = database_facts()
        ketua = Client()
        ketua.force_login(User.objects.get(email="ketua@example.org"))
        public = Client()
        for pk, counted in made:
            survey = Survey.objects.get(pk=pk)
            shown = selectors.survey_results(survey).total.respondents
            assert shown == counted, (survey.title, shown, counted)
            n = survey.responses.count()
            size = f"{n:,} responses ({counted:,} counted)"
            rows.append(
                (
                    size,
                    *measure(
                        "survey page (Ketua)", f"/survei/{pk}/", ketua, args.runs, args.warmup
                    ),
                )
            )
            rows.append(
                (
                    size,
                    *measure(
                        "public results (no sign-in)",
                        f"/survei/{survey.token}/hasil/",
                        public,
                        args.runs,
                        args.warmup,
                    ),
                )
            )
    load_after = os.getloadavg()
    db = connection.settings_dict
    command = (
        f"DATABASE_URL=postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/... "
        ".venv/bin/python bench/survey_results.py " + " ".join(sys.argv[1:])
    ).strip()
    lines = [
        f"# Survey page and public results with {args.responses:,} responses",
        "",
        f"- **Command:** `{command}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs (`nproc`), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"PostgreSQL {facts['server']} on loopback; load average (1, 5, 15 min) "
        f"{' / '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' / '.join(f'{x:.2f}' for x in load_after)} after (shared machine)",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Data:** test database `{test_name}` ({facts['size']}): the demo and one "
        f"generated unit; two open SKM surveys of the demo unit (2 services, 9 questions), "
        f"{args.responses:,} and {args.small:,} responses with 9 answers each, 1 % flagged "
        "(a quarter admitted, a quarter excluded, half waiting) and 1 % more excluded, "
        f"inserted with `bulk_create` in {fill_seconds[0]:.1f} s.",
        f"- **Setup:** in-process Django test client (no network, no gunicorn), "
        f"{args.warmup} warm-up requests then {args.runs} timed requests per page; the survey "
        "page signed in as the Ketua Tim (`ketua`, with its data, report and LKE panels), "
        "the public results page without sign-in. Queries: one request after the warm-up. "
        "SQL ms: mean per timed request of the wall time in `cursor.execute`; raw SQL ms: "
        "the same statements replayed on a psycopg connection of their own (median of 20).",
        "",
        "| survey | page | median ms | p95 ms | queries | SQL ms (mean) | raw SQL ms | KB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, label, path, median, p95, nq, sql_ms, raw_ms, nbytes in rows:
        shown = path.replace(path.split("/")[2], "<pk>" if "hasil" not in path else "<token>")
        lines.append(
            f"| {size} | {label} (`{shown}`) | {median:.1f} | {p95:.1f} | {nq} | "
            f"{sql_ms:.1f} | {raw_ms:.1f} | {nbytes / 1024:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
