"""Drill: a working morning's rush for a fixed time (issue 15, "Rush"): PICs uploading,
the Kepala on the dashboard, reviewers approving, all at once.

    .venv/bin/python bench/rush_mixed.py --users 200 --duration 60 --out bench/RESULTS-rush.md

The production shape of bench/rush.py (bench/stack.py: gunicorn with
``zi_portal.gunicorn_conf`` and docker-compose's worker count, Celery worker and beat,
Redis, an SMTP sink; a PostgreSQL cluster of its own). ``--users`` people, each from
their own office address behind one proxy, sign in once (spread over ``--ramp``
seconds: Argon2 costs CPU) and then, until ``--duration`` is over, loop with a think
time between clicks:

- PICs (most of them, each in the pokja of one of six areas): *Tugas saya*, an item
  it lists, upload a 200 KB PDF as the page's script does (the API, session and CSRF
  token from the page, answered 201);
- Kepala Pusbang: the dashboard;
- reviewers (the demo Ketua Tim and Asesor TPI accounts): the review queue, then
  "Setujui" on one waiting version (the queue's form post, answered with a redirect).
  Each reviewer takes the versions whose id modulo the number of reviewers is theirs,
  so that two never approve the same one.

Printed (and written as Markdown with ``--out``): per request type count, errors (any
answer other than the expected one), median, p95 and max; requests per second; load
average before and after; and lost work: every 201 must be a version row whose stored
file has the SHA-256 sent, every approval a review row of that reviewer.
"""

from __future__ import annotations

import argparse
import os
import platform
import runpy
import shutil
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import rush  # noqa: E402
from bench.cpu_share import CpuShare  # noqa: E402
from bench.pgcluster import Cluster  # noqa: E402
from bench.rush_visitors import EXPECTED, Run, cast, rush_for, warm_up  # noqa: E402
from bench.stack import Stack  # noqa: E402
from bench.stats import percentile  # noqa: E402

SEED = """
import json
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from evidence import services
from workplan.models import EvidenceRequirement, Pokja
from zi_portal.accounts.models import User
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import roles_ensure, user_ensure
groups = roles_ensure()
hashed = make_password("__PASSWORD__")
ketua = User.objects.get(email="ketua@example.org")
pokjas = list(Pokja.objects.filter(plan__year=2026, plan__unit__code="PUSBANG-APARATUR-KOMDIGI")
              .select_related("area", "plan").order_by("area__order"))
unit = pokjas[0].plan.unit
items = {p.pk: list(EvidenceRequirement.objects.filter(cell__quarter__plan=p.plan,
         cell__area=p.area).values_list("pk", flat=True)) for p in pokjas}
def person(email, name, role):
    return user_ensure(email=email, name=name, role=role, unit=unit, groups=groups,
                       password_hash=hashed)[0]
pics = []
for n in range(__PICS__):
    pokja = pokjas[n % len(pokjas)]
    user = person(f"rush.pic{n}@example.org", f"PIC rush {n}", Role.PIC)
    pokja.members.get_or_create(user=user, defaults={"added_by": ketua})
    pics.append([user.email, items[pokja.pk]])
kepala = [person(f"rush.kepala{n}@example.org", f"Kepala rush {n}", Role.KEPALA).email
          for n in range(__KEPALA__)]
reviewers = ["ketua@example.org"] + [
    person(f"rush.tpi{n}@example.org", f"TPI rush {n}", Role.TPI).email
    for n in range(__REVIEWERS__ - 1)]
# A queue already waiting when the rush begins (the demo PIC of PW uploaded them).
pic = User.objects.get(email="pic.pw@example.org")
pw = [i for p in pokjas if p.area.code == "PW" for i in items[p.pk]]
for n in range(__WAITING__):
    body = (b"%PDF-1.4\\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\\ntrailer<</Root 1 0 R>>\\n% "
            + f"waiting {n}".encode() + b"\\n%%EOF\\n")
    services.evidence_upload_file(requirement=EvidenceRequirement.objects.get(pk=pw[n % len(pw)]),
        user=pic, upload=SimpleUploadedFile(f"menunggu-{n}.pdf", body, "application/pdf"))
print("SEED", json.dumps({"pics": pics, "kepala": kepala, "reviewers": reviewers}))
"""

CHECK = """
import hashlib, json
from evidence.models import EvidenceVersion, Review
versions = {}
for v in EvidenceVersion.objects.filter(uploaded_by__email__startswith="rush.pic"):
    with v.file.open("rb") as f:
        versions[v.original_name] = [v.sha256, hashlib.sha256(f.read()).hexdigest()]
reviews = list(Review.objects.filter(decision="approve")
               .values_list("version_id", "reviewer__email"))
print("ROWS", json.dumps({"versions": versions, "reviews": reviews}))
"""

# The file itself, not the package (whose __init__ loads the Celery app): its defaults
# are what docker-compose's web service runs, which sets neither of its variables.
GUNICORN = runpy.run_path(str(Path(rush.__file__).parent.parent / "zi_portal/gunicorn_conf.py"))


def table(run: Run, expected: dict[str, int] = EXPECTED) -> list[str]:
    """Per kind of request (``expected``: its name and the status it should answer),
    the count, the errors and the latencies of ``run`` (anything with ``results``)."""
    lines = [
        "| request | count | errors | answers | median ms | p95 ms | max ms |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for kind, status in expected.items():
        rows = run.results.get(kind, [])
        if not rows:
            continue
        seconds = [s for _st, s, _at in rows]
        statuses = Counter(str(st) for st, _s, _at in rows)
        errors = sum(n for st, n in statuses.items() if st != str(status))
        answers = ", ".join(f"{st}: {n}" for st, n in sorted(statuses.items()))
        lines.append(
            f"| {kind} | {len(rows)} | {errors} | {answers} | "
            f"{percentile(seconds, 0.5) * 1000:.0f} | {percentile(seconds, 0.95) * 1000:.0f} | "
            f"{max(seconds) * 1000:.0f} |"
        )
    return lines


def lost_work(run: Run, rows: dict) -> list[str]:
    versions = rows["versions"]
    stored = sum(1 for name, digest in run.uploaded if versions.get(name) == [digest, digest])
    unanswered = len(versions) - len({name for name, _d in run.uploaded} & versions.keys())
    reviews = Counter((pk, email) for pk, email in rows["reviews"])
    matched = sum(1 for key in run.approved if reviews.get(tuple(key)))
    twice = sum(1 for n in reviews.values() if n > 1)
    return [
        f"- **Uploads answered 201:** {len(run.uploaded)}; a version row and a stored file "
        f"with the SHA-256 sent: {stored}; lost: {len(run.uploaded) - stored}; "
        f"rows without a 201: {unanswered}.",
        f"- **Approvals answered with the redirect:** {len(run.approved)}; a review row of "
        f"that reviewer: {matched}; lost: {len(run.approved) - matched}; versions approved "
        f"twice: {twice}.",
    ]


def postmaster(cluster: Cluster) -> int:
    return int((cluster.data / "postmaster.pid").read_text().split("\n", 1)[0])


def cpu_line(used: dict[str, float], took: float, people: int) -> str:
    used["Celery worker and beat"] += used.pop("beat")
    cores = os.cpu_count() or 1
    parts = ", ".join(
        f"{name} {seconds:.1f} s" for name, seconds in used.items() if name != "total"
    )
    return (
        f"- **CPU during the rush** ({took:.0f} s × {cores} cores = {cores * took:.0f} "
        f"core-seconds at most; {used['total']:.0f} busy): {parts} (client: the drill's "
        f"{people} threads and its SMTP sink; other: the rest of the machine)."
    )


def loads(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in values)


def server_log(stack: Stack) -> str:
    """What gunicorn logged, counted; the logs are kept for reading (the stack's folder
    goes when it closes)."""
    keep = Path(tempfile.gettempdir()) / "zi-rush-mixed-logs"
    keep.mkdir(exist_ok=True)
    for name in ("web.log", "worker.log"):
        shutil.copy(stack.tmp / name, keep / name)
    print(f"logs kept in {keep}")
    text = (stack.tmp / "web.log").read_text(errors="replace")
    marks = ("WORKER TIMEOUT", "Traceback", " ERROR ", "Booting worker")
    return ", ".join(f"{mark.strip()}: {text.count(mark)}" for mark in marks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--ramp", type=float, help="sign-ins spread over (default: duration/4)")
    parser.add_argument("--think", default="1,3", help="seconds between clicks: low,high")
    parser.add_argument("--waiting", type=int, default=60, help="versions waiting at start")
    parser.add_argument("--workers", type=int, default=GUNICORN["workers"])
    parser.add_argument("--threads", type=int, default=GUNICORN["threads"])
    parser.add_argument("--out", type=Path, help="write the Markdown results here")
    args = parser.parse_args()
    ramp = args.duration / 4 if args.ramp is None else args.ramp
    low, high = (float(x) for x in args.think.split(","))
    kepala = max(1, args.users // 50)
    reviewers = max(2, args.users * 3 // 100)
    pics = args.users - kepala - reviewers
    load_start = os.getloadavg()
    cluster = Cluster()
    cluster.start()
    stack = Stack(
        "rush-mixed",
        database_url=cluster.url,
        ZI_TRUSTED_PROXY_COUNT="1",
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_THREADS=str(args.threads),
    )
    try:
        stack.setup(static=True)
        code = SEED.replace("__PASSWORD__", rush.PASSWORD)
        for name, value in (("PICS", pics), ("KEPALA", kepala), ("REVIEWERS", reviewers)):
            code = code.replace(f"__{name}__", str(value))
        people = stack.shell(code.replace("__WAITING__", str(args.waiting)), "SEED")
        stack.start()
        warm_up(stack.url, 4 * args.workers)
        run = Run(stack.url, (low, high))
        visitors = cast(people, run)
        cpu = CpuShare(
            {
                "gunicorn": ("session", stack.web.pid),
                "PostgreSQL": ("parent", postmaster(cluster)),
                "Celery worker and beat": ("session", stack.worker.pid),
                "beat": ("session", stack.beat.pid),
                "Redis": ("pid", stack.redis.pid),
            }
        )
        load_before = os.getloadavg()
        cpu.start()
        took = rush_for(visitors, run, args.duration, ramp)
        used = cpu.stop()
        load_after = os.getloadavg()
        web_alive = stack.web.poll() is None
        log = server_log(stack)
        rows = stack.shell(CHECK, "ROWS")
    finally:
        stack.close()
        cluster.close()
    total = sum(len(r) for r in run.results.values())
    steady = sum(1 for r in run.results.values() for _st, _s, at in r if ramp <= at < args.duration)
    version = cluster.bin.parent.name
    lines = [
        "# Rush: a working morning, PICs uploading, the Kepala on the dashboard, reviewers"
        " approving",
        "",
        f"- **Command:** `.venv/bin/python bench/rush_mixed.py {' '.join(sys.argv[1:])}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs (`nproc`), Linux "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL {version} "
        f"(a cluster of the drill's own, fsync off) on loopback; client and server share "
        f"the cores. **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Load average** (1, 5, 15 min): {loads(load_start)} before the set-up, "
        f"{loads(load_before)} as the rush began (the set-up's own migrate, seed and "
        f"collectstatic included), {loads(load_after)} after (shared machine)",
        f"- **Server:** gunicorn `zi_portal.gunicorn_conf`, {args.workers} workers × "
        f"{args.threads} threads (docker-compose's count), Celery worker and beat, Redis, "
        f"production settings, media on the local disk (MinIO in docker-compose).",
        f"- **People:** {args.users}: {pics} PICs, {kepala} Kepala, {reviewers} reviewers "
        f"(the Ketua Tim and {reviewers - 1} Asesor TPI); sign-ins spread over {ramp:.0f} s, "
        f"then clicks for {args.duration:.0f} s in all, {low:g}–{high:g} s of thinking "
        f"between clicks; {args.waiting} versions waiting at the start.",
        "",
        *table(run),
        "",
        f"- **Requests:** {total} in {took:.1f} s, {total / took:.1f} a second; after the "
        f"sign-ins ({ramp:.0f}–{args.duration:.0f} s) "
        f"{steady / max(args.duration - ramp, 1e-9):.1f} a second.",
        cpu_line(used, took, len(visitors)),
        *lost_work(run, rows),
        f"- **Server log:** {log}; gunicorn still running: {web_alive}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
