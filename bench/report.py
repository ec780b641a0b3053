"""Time and peak memory of the annual monev report for the full 2026 plan with ~300
evidence versions and 20 findings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal .venv/bin/python bench/report.py

Builds on a throw-away test database; prints Markdown for BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from evidence.choices import Decision, Kind, ReviewState  # noqa: E402
from evidence.models import EvidenceVersion, Review  # noqa: E402
from findings.models import Finding  # noqa: E402
from monev.models import AreaNarrative  # noqa: E402
from monev.reports import build_pdf  # noqa: E402
from workplan.models import ChangeArea, EvidenceRequirement, WorkPlan  # noqa: E402
from zi_portal.accounts.models import User  # noqa: E402

TODAY = date(2026, 12, 31)


def seed_report_data() -> WorkPlan:
    """The demo plan (``seed_demo``) with 300 link versions and their reviews, 20
    findings and the six areas' narratives; returns the 2026 plan."""
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    plan = WorkPlan.objects.select_related("unit").get(year=2026)
    pic = User.objects.get(email="pic.pw@example.org")
    tpi = User.objects.get(email="tpi@example.org")
    items = list(EvidenceRequirement.objects.filter(cell__quarter__plan=plan))
    versions = []
    for i in range(300):
        item = items[i % len(items)]
        versions.append(
            EvidenceVersion(
                requirement=item,
                number=i // len(items) + 1,
                kind=Kind.LINK,
                url=f"https://example.org/bukti/{i}",
                uploaded_by=pic,
                review_state=[ReviewState.APPROVED, ReviewState.PENDING, ReviewState.REVISE][i % 3],
            )
        )
    EvidenceVersion.objects.bulk_create(versions)
    Review.objects.bulk_create(
        Review(
            version=v,
            reviewer=tpi,
            decision=Decision.APPROVE if v.review_state == "approved" else Decision.REVISE,
            comment="" if v.review_state == "approved" else "Lengkapi tanda tangan",
        )
        for v in versions
        if v.review_state != "pending"
    )
    for i in range(20):
        item = items[(i * 7) % len(items)]
        Finding.objects.create(
            plan=plan,
            cell=item.cell,
            area=item.cell.area,
            owner=pic,
            description=f"Temuan {i + 1}: dokumen belum lengkap",
            recommendation="Lengkapi",
            due_date=date(2026, 6, 30) + timedelta(days=i),
            created_by=tpi,
        )
    for area in ChangeArea.objects.all():
        AreaNarrative.objects.create(
            plan=plan, area=area, good_practice="Praktik baik " * 40, impact="Dampak " * 40
        )
    return plan


@contextmanager
def report_database(name: str) -> Iterator[WorkPlan]:
    """A throw-away test database ``name`` holding ``seed_report_data()``; yields the
    plan, drops the database afterwards."""
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield seed_report_data()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    runs = int(os.environ.get("RUNS", "3"))
    with report_database("zi_bench_report") as plan:
        build_pdf(plan=plan, quarter=None, today=TODAY)  # warm-up
        times, size = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            size = len(build_pdf(plan=plan, quarter=None, today=TODAY))
            times.append(time.perf_counter() - start)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"- **Command:** `DATABASE_URL=… .venv/bin/python bench/report.py` (RUNS={runs})")
    print(
        f"- **Machine:** {platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, "
        f"Python {platform.python_version()}, {connection.vendor}; {date.today().isoformat()}"
    )
    print(
        "- **Data:** the 2026 plan (77 items), 300 evidence versions with reviews, 20 findings,"
        " narratives for the six areas"
    )
    print()
    print("| report | size KB | median s | max s | peak RSS of the process MB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(
        f"| annual PDF | {size // 1024} | {statistics.median(times):.2f} | {max(times):.2f} | "
        f"{peak_mb:.0f} |"
    )


if __name__ == "__main__":
    main()
