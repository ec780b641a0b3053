"""Time the LKE ZI: pure scoring, the LKE pages and downloads, the score API and
PortalRB's jawaban-unit endpoint with the full LKE answered: median and p95 latency,
query count, response size.

Creates a throw-away test database (``zi_bench_lke``) on whatever DATABASE_URL points
at, loads the demo (``seed_demo``: the 2026 plan, the 2026 LKE master list and the unit
proposed for WBK), reads every page once with no answers and once with every third soal
answered (query counts), then answers all 127 soals on both sides (unit and TPI) through
``services.answer_save`` and times the pages in-process through Django's test client.
Scoring (``scoring.parse_master`` and ``scoring.score``) is timed first, without the
database. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal \
        .venv/bin/python bench/lke.py --runs 100

Prints Markdown and writes it to bench/RESULTS-lke.md. Timings are for reading, never
asserted. As in bench/dashboard.py, the Django test environment (template-render
instrumentation that copies every template context) is not installed, so the times are
those of the view.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import SqlTimer, percentile  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from lke import scoring, selectors, services  # noqa: E402
from lke.models import LkeAnswer, LkeMaster, LkeQuestion, Side  # noqa: E402
from workplan.models import EvidenceRequirement, WorkPlan  # noqa: E402
from zi_portal.accounts.models import User  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS-lke.md"
TEST_DB_NAME = "zi_bench_lke"
YEAR = 2026

# Counts that give 100 % on every percentage item (docs/lke-scoring.md §5.1); others 1.
COUNTS = {116: "3", 120: "3", 102: "2", 103: "0"}
SURVEY_VALUE = "3.60"

# (label, path, who): who is a demo e-mail, or "portalrb" (Bearer token, no session).
PAGES = [
    ("LKE summary", "/lke/{year}/", "ketua@example.org"),
    ("area page PW (evidence picker)", "/lke/{year}/area/PW/", "pic.pw@example.org"),
    ("area page PW, TPI form (no picker)", "/lke/{year}/area/PW/", "tpi@example.org"),
    ("area page Hasil", "/lke/{year}/area/HASIL/", "ketua@example.org"),
    ("XLSX download", "/lke/{year}/unduh.xlsx", "ketua@example.org"),
    ("JSON download", "/lke/{year}/unduh.json", "ketua@example.org"),
    ("API score", "/api/v1/plans/{year}/lke/score/?by=unit", "ketua@example.org"),
    ("PortalRB jawaban-unit", "/api/portalrb/lke/jawaban-unit/{unit}", "portalrb"),
]


def answer_for(question: scoring.Question) -> str:
    """The benchmark's answer: first option key, survey 3.60, counts of COUNTS or 1."""
    if question.answer_type in scoring.CHOICE_TYPES:
        return question.options[0].key
    if question.answer_type == scoring.SURVEY:
        return SURVEY_VALUE
    return COUNTS.get(question.soal_id, "1")


def timed(fn, runs: int, warmup: int) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def scoring_rows(runs: int, warmup: int) -> tuple[list[tuple], scoring.Score]:
    data = json.loads(services.MASTER_FILE.read_bytes())
    master = scoring.parse_master(data)
    answers = {sid: answer_for(q) for sid, q in master.questions.items()}
    assert len(answers) == master.total_soal == 127, len(answers)
    result = scoring.score(master, answers)
    assert result.answered == result.total_items, (result.answered, result.total_items)
    assert all(scoring.percent_value(p, answers) == 1 for p in master.percent_items)
    rows = [
        (
            "parse_master (2026 master JSON)",
            *timed(lambda: scoring.parse_master(data), runs, warmup),
        ),
        ("score (127 answered)", *timed(lambda: scoring.score(master, answers), runs, warmup)),
        ("as_dict (score as JSON-ready)", *timed(lambda: scoring.as_dict(result), runs, warmup)),
    ]
    return rows, result


def answers_fill(plan: WorkPlan, master: LkeMaster, *, every: int = 1) -> dict[str, int]:
    """Answer every ``every``-th soal on both sides; PW unit answers link 1-2 PW evidence
    items (the same ones whatever ``every`` is, so a second pass changes nothing)."""
    tree = selectors.parsed_master(master)
    ketua = User.objects.get(email="ketua@example.org")
    tpi = User.objects.get(email="tpi@example.org")
    pw_items = list(
        EvidenceRequirement.objects.filter(
            cell__quarter__plan=plan, cell__area__code="PW"
        ).order_by("pk")
    )
    assert pw_items, "the 2026 plan has no PW evidence items"
    questions = list(
        LkeQuestion.objects.filter(master=master).select_related("master").order_by("order")
    )
    pw_index = {q.soal_id: i for i, q in enumerate(x for x in questions if x.area_code == "PW")}
    with transaction.atomic():
        for question in questions[::every]:
            value = answer_for(tree.questions[question.soal_id])
            evidence = []
            if question.soal_id in pw_index:
                i = pw_index[question.soal_id]
                evidence = [pw_items[i % len(pw_items)]]
                if i % 2:
                    evidence.append(pw_items[(i + 1) % len(pw_items)])
            services.answer_save(
                unit=plan.unit,
                question=question,
                side=Side.UNIT,
                user=ketua,
                value=value,
                note=f"Catatan unit untuk soal {question.soal_id}: dokumen tersedia dan dipakai.",
                evidence_items=evidence,
            )
            services.answer_save(
                unit=plan.unit,
                question=question,
                side=Side.TPI,
                user=tpi,
                value=value,
                note=f"Catatan TPI untuk soal {question.soal_id}: sesuai bukti dukung.",
            )
    return {
        "answers": LkeAnswer.objects.filter(unit=plan.unit).count(),
        "pw_evidence_links": LkeAnswer.evidence_items.through.objects.filter(
            lkeanswer__unit=plan.unit
        ).count(),
        "pw_items": len(pw_items),
    }


def normalised(sql: str) -> str:
    return re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "S", sql))


def described(sql: str) -> str:
    """A statement in a few words: the table it reads, and whether it is a prefetch."""
    match = re.search(r'FROM "(\w+)"', sql)
    table = match.group(1) if match else sql[:60]
    return f"`{table}`" + (" (prefetch)" if "_prefetch_related_val" in sql else "")


def read_once(client: Client, path: str, warmup: int) -> tuple[int, Counter]:
    """Query count of one request after the warm-up, and its repeated statements."""
    for _ in range(warmup):
        assert client.get(path).status_code == 200, path
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    statements = Counter(normalised(q["sql"]) for q in queries.captured_queries)
    return len(queries), statements


def database_facts() -> str:
    if connection.vendor != "postgresql":
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--db-name", default=TEST_DB_NAME, help="Name of the test database.")
    parser.add_argument("--no-write", action="store_true", help="Do not write RESULTS.")
    args = parser.parse_args()
    load_before = os.getloadavg()

    db = connection.settings_dict
    command = (
        f"DATABASE_URL=postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']} "
        ".venv/bin/python bench/lke.py " + " ".join(sys.argv[1:])
    ).strip()
    score_rows, best = scoring_rows(args.runs, args.warmup)

    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        connection.settings_dict["TEST"]["NAME"] = args.db_name
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        server = database_facts()
        plan = WorkPlan.objects.select_related("unit").get(year=YEAR)
        master = LkeMaster.objects.get(year=YEAR)
        _token, raw = services.token_issue(name="bench")
        clients = {"portalrb": Client(HTTP_AUTHORIZATION=f"Bearer {raw}")}
        for _label, _path, who in PAGES:
            if who not in clients:
                clients[who] = Client()
                clients[who].force_login(User.objects.get(email=who))
        pages = [
            (label, path.format(year=YEAR, unit=plan.unit.code), who) for label, path, who in PAGES
        ]
        with override_settings(ZI_PORTALRB_RATE_PER_MINUTE=10**6):
            empty = [read_once(clients[who], path, args.warmup) for _l, path, who in pages]
            partial_facts = answers_fill(plan, master, every=3)
            partial = [read_once(clients[who], path, args.warmup)[0] for _l, path, who in pages]
            facts = answers_fill(plan, master)
            rows, grown = [], []
            for (label, path, who), (empty_count, empty_statements), partial_count in zip(
                pages, empty, partial, strict=True
            ):
                client = clients[who]
                query_count, statements = read_once(client, path, args.warmup)
                grown.append(
                    {
                        sql: (n, empty_statements.get(sql, 0))
                        for sql, n in statements.items()
                        if n > empty_statements.get(sql, 0)
                    }
                )
                times = []
                timer = SqlTimer()
                with connection.execute_wrapper(timer):
                    for _ in range(args.runs):
                        start = time.perf_counter()
                        response = client.get(path)
                        times.append((time.perf_counter() - start) * 1000)
                        assert response.status_code == 200, path
                rows.append(
                    (
                        label,
                        path,
                        who.split("@")[0],
                        statistics.median(times),
                        percentile(times, 0.95),
                        timer.seconds * 1000 / args.runs,
                        empty_count,
                        partial_count,
                        query_count,
                        len(response.content),
                    )
                )
                if path.endswith("/area/PW/") and who.startswith("pic."):
                    facts["pw_checkboxes"] = response.content.count(b'name="evidence"')
                if path.endswith("unduh.json"):
                    doc = json.loads(response.content)
                    assert all(a["jawaban_unit"] and a["jawaban_tpi"] for a in doc["answers"])
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    load_after = os.getloadavg()

    lines = [
        "# LKE ZI pages, scoring and PortalRB",
        "",
        f"- **Command:** `{command}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, {server} on loopback; "
        f"load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Data:** test database `{test_name}`: `seed_demo` (2026 plan, 2026 LKE master, "
        f"127 soals), then every soal answered on both sides through `services.answer_save` "
        f"({facts['answers']} answers; first option key, surveys {SURVEY_VALUE}, counts that "
        f"give 100 %, a note on each side); the 30 PW unit answers have "
        f"{facts['pw_evidence_links']} evidence links (1-2 each) to the {facts['pw_items']} PW "
        "evidence items of the plan. "
        f"Unit score {scoring.r2(best.total)} (Pengungkit {scoring.r2(best.pengungkit)}, "
        f"Hasil {scoring.r2(best.hasil)}).",
        f"- **Setup:** in-process Django test client (no network, no gunicorn), {args.warmup} "
        f"warm-up requests then {args.runs} timed requests per page; PortalRB with a Bearer "
        "token from `services.token_issue` and `ZI_PORTALRB_RATE_PER_MINUTE` = 10^6. Queries: "
        "one request after the warm-up (CaptureQueriesContext) with no answers, with every "
        "third soal answered on both sides, and with all answers. SQL ms: mean per timed "
        "request of the wall time in `cursor.execute`. Scoring: pure functions "
        "on the parsed 2026 master JSON (`json.loads` not timed), same runs.",
        "",
        "| what | path | as | median ms | p95 ms | SQL ms (mean) | queries (0 answers) "
        f"| queries ({partial_facts['answers']} answers) | queries ({facts['answers']} answers) "
        "| KB |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, median, p95 in score_rows:
        lines.append(f"| {label} | — | — | {median:.2f} | {p95:.2f} | — | — | — | — | — |")
    for label, path, who, median, p95, sql_ms, nq0, nq1, nq, size in rows:
        lines.append(
            f"| {label} | `{path}` | {who} | {median:.1f} | {p95:.1f} | {sql_ms:.1f} | {nq0} | "
            f"{nq1} | {nq} | "
            f"{size / 1024:.0f} |"
        )
    lines += [
        "",
        f"PW area page: {facts.get('pw_checkboxes', 0)} evidence checkboxes in the HTML "
        f"({facts['pw_items']} PW items in the picker template plus the picked ones; "
        "the script fills a question's picker from the template when it is opened).",
    ]
    groups: dict[tuple, list[str]] = {}
    for (label, _path, _who), statements in zip(pages, grown, strict=True):
        if statements:
            key = tuple(sorted((described(sql), n, was) for sql, (n, was) in statements.items()))
            groups.setdefault(key, []).append(label)
    for key, labels in groups.items():
        lines.append("")
        lines.append(
            f"Statements that run with answers and not without ({', '.join(labels)}): "
            + "; ".join(f"{n}x (was {was}) {what}" for what, n, was in key)
            + "."
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
