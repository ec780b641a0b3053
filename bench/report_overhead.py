"""What the annual monev PDF costs above WeasyPrint alone, in one run, side by side:

(a) the build in-process: ``monev.reports.report_build``, the function the worker's task
    calls (claim the row, context queries, template, WeasyPrint, store the file, SHA-256,
    mark it ready, notify);
(b) WeasyPrint alone in the same process on the exact HTML string (a) rendered;
(c) the build as the worker runs it: a real Celery worker (prefork, one pool process, as
    docker-compose runs it but with one child), timed from ``report_request`` (outbox,
    broker) to the ``finished_at`` the worker stamps as it marks the row ready; the first
    build of a freshly started, idle worker and the build after it; the CPU seconds and
    peak RSS of the pool process that built;
(d) WeasyPrint alone in a fresh process (``python -c``) on the same HTML: wall time from
    spawn to exit, its ``write_pdf`` alone, its peak RSS.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_portal \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/report_overhead.py

Data: bench/report.py's (the demo plan, 300 versions, 20 findings, narratives) on a
throw-away database. The worker uses the test settings (local media, no e-mail). The
broker database should be one nobody else uses. Writes bench/RESULTS-report-overhead.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import weasyprint  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.report import report_database  # noqa: E402 - sets Django up
from bench.stats import percentile  # noqa: E402
from monev import reports  # noqa: E402
from monev.choices import ReportKind, ReportStatus  # noqa: E402
from monev.models import Report  # noqa: E402
from zi_portal.accounts.models import User  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS-report-overhead.md"
BASE = Path(__file__).resolve().parent.parent
PYTHON = BASE / ".venv" / "bin" / "python"
CELERY = BASE / ".venv" / "bin" / "celery"
DB_NAME = "zi_bench_report_overhead"
ALONE = """
import sys, time
start = time.perf_counter()
from weasyprint import HTML
imported = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as fh:
    html = fh.read()
cpu = time.process_time()
pdf = HTML(string=html, base_url=sys.argv[2]).write_pdf()
write, cpu = time.perf_counter() - imported, time.process_time() - cpu
with open("/proc/self/status") as fh:  # VmHWM: getrusage would count the parent's fork
    peak = [line.split()[1] for line in fh if line.startswith("VmHWM")][0]
print(imported - start, write, cpu, len(pdf), peak)
"""


class HtmlTap:
    """Keeps the last report HTML ``monev.reports`` rendered (the string WeasyPrint got)."""

    def __init__(self) -> None:
        self.html = ""
        self._render = reports.render_to_string

    def __call__(self, template_name, context=None, *args, **kwargs):
        html = self._render(template_name, context, *args, **kwargs)
        if template_name == "monev/pdf/report.html":
            self.html = html
        return html


def weasyprint_alone(html: str) -> bytes:
    """What anyone would write: WeasyPrint's defaults, the base URL the app gives."""
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def queued_report(plan, user) -> Report:
    return Report.objects.create(
        plan=plan,
        kind=ReportKind.ANNUAL,
        requested_by=user,
        params={"year": plan.year, "quarter": None, "kind": "annual", "unit": plan.unit.code},
    )


def in_process(plan, user, tap: HtmlTap, runs: int) -> dict:
    """(a) and (b), alternating which goes first; one of each beforehand as warm-up.
    Wall and CPU seconds of each."""
    found: dict[str, list] = {"build": [], "alone": [], "build_cpu": [], "alone_cpu": []}
    reports.report_build(report_id=queued_report(plan, user).pk)
    weasyprint_alone(tap.html)
    for i in range(runs):
        for step in ("build", "alone") if i % 2 == 0 else ("alone", "build"):
            pk = queued_report(plan, user).pk
            start, cpu = time.perf_counter(), time.process_time()
            if step == "build":
                reports.report_build(report_id=pk)
            else:
                weasyprint_alone(tap.html)
            found[step].append(time.perf_counter() - start)
            found[f"{step}_cpu"].append(time.process_time() - cpu)
            if step == "build":
                assert Report.objects.get(pk=pk).status == ReportStatus.READY
    return found


def breakdown(plan, user) -> dict:
    """One more in-process build with each phase timed and its queries counted."""
    spent: dict[str, float] = {}

    def timed(name, func):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    saved = (reports.report_context, reports.render_to_string, weasyprint.HTML.write_pdf)
    storage_save, parse = reports.default_storage.save, weasyprint.HTML.__init__
    reports.report_context = timed("context (queries, numbers, charts)", saved[0])
    reports.render_to_string = timed("template", saved[1])
    weasyprint.HTML.__init__ = timed("WeasyPrint: parse the HTML", parse)
    weasyprint.HTML.write_pdf = timed("WeasyPrint: write_pdf", saved[2])
    reports.default_storage.save = timed("storage write", storage_save)
    pk = queued_report(plan, user).pk
    try:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            reports.report_build(report_id=pk)
            total = time.perf_counter() - start
    finally:
        reports.report_context, reports.render_to_string, weasyprint.HTML.write_pdf = saved
        reports.default_storage.save, weasyprint.HTML.__init__ = storage_save, parse
    spent["rest (claim, hash, rows, notification)"] = total - sum(spent.values())
    return {"total": total, "phases": spent, "queries": len(queries)}


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            values[key] = int(rest.split()[0])
    return values


def _children(pid: int) -> list[int]:
    return [
        int(c)
        for t in Path(f"/proc/{pid}/task").iterdir()
        for c in (t / "children").read_text().split()
    ]


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zi_portal.settings.test",
        "DATABASE_URL": _database_url(),
        "ZI_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    words = ["worker", "--loglevel=INFO", "--pool=prefork", "--concurrency=1"]
    words += ["-n", "zi-overhead@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(
        [str(CELERY), "-A", "zi_portal", *words],
        cwd=BASE,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_idle(worker: subprocess.Popen, log: Path, timeout: float = 180) -> float:
    """Until the worker said it is ready and it and its pool stopped using CPU (whatever
    it loads at start is loaded): a user's request rarely meets a worker starting."""
    start = time.monotonic()
    while " ready." not in log.read_text():
        assert worker.poll() is None and time.monotonic() - start < timeout, log.read_text()
        time.sleep(0.1)
    before = -100
    while True:
        pids = [worker.pid, *_children(worker.pid)]
        ticks = _cpu_ticks(pids)
        if ticks - before <= 2:  # at most 20 ms of CPU in a second
            return time.monotonic() - start
        assert time.monotonic() - start < timeout, "the worker never went idle"
        before = ticks
        time.sleep(1)


def send_and_wait(plan, user, pool: int, timeout: float = 300) -> tuple[float, float]:
    """Seconds from the request to the row's ``finished_at`` (stamped by the worker as it
    marks the row ready, same clock), and the pool process's CPU seconds meanwhile. The
    row is looked at only twice a second: polling faster would take CPU from the build."""
    ticks, start = _cpu_ticks([pool]), time.time()
    report = reports.report_request(plan=plan, kind=ReportKind.ANNUAL, quarter=None, user=user)
    while True:
        row = Report.objects.get(pk=report.pk)
        if row.status in (ReportStatus.READY, ReportStatus.FAILED):
            assert row.status == ReportStatus.READY, row.error
            cpu = (_cpu_ticks([pool]) - ticks) / os.sysconf("SC_CLK_TCK")
            return row.finished_at.timestamp() - start, cpu
        assert time.time() - start < timeout, "the worker did not build the report"
        time.sleep(0.5)


def worker_run(plan, user, log: Path) -> dict:
    worker = start_worker(log)
    try:
        started = wait_idle(worker, log)
        pool = _children(worker.pid)
        idle = max(_status(pid)["VmRSS"] for pid in pool)
        [child] = pool
        first, first_cpu = send_and_wait(plan, user, child)
        second, second_cpu = send_and_wait(plan, user, child)
        peak = max(_status(pid)["VmHWM"] for pid in pool)
        parent = _status(worker.pid)["VmHWM"]
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    return {"start": started, "first": first, "second": second, "idle": idle, "peak": peak,
            "parent": parent, "first_cpu": first_cpu, "second_cpu": second_cpu}  # fmt: skip


def fresh_alone(html_path: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(PYTHON), "-c", ALONE, str(html_path), str(settings.BASE_DIR)],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read()
    proc.wait()
    wall = time.perf_counter() - start
    assert proc.returncode == 0, out
    imported, write, cpu, _size, peak = out.split()
    return {"wall": wall, "import": float(imported), "write": float(write), "cpu": float(cpu),
            "peak": int(peak)}  # fmt: skip


def as_worker(plan, user, html: str, runs: int) -> dict:
    """(c) and (d), alternating which goes first."""
    work = Path(tempfile.mkdtemp(prefix="zi-overhead-"))
    html_path = work / "report.html"
    html_path.write_text(html, encoding="utf-8")
    workers, alones = [], []
    for i in range(runs):
        for step in ("worker", "alone") if i % 2 == 0 else ("alone", "worker"):
            if step == "worker":
                workers.append(worker_run(plan, user, work / f"worker-{i}.log"))
            else:
                alones.append(fresh_alone(html_path))
    return {"worker": workers, "alone": alones}


def row(label: str, values: list[float], unit: str = "s") -> str:
    if unit == "MiB":
        values = [v / 1024 for v in values]
        return f"| {label} | {statistics.median(values):.0f} | {percentile(values, 0.95):.0f} |"
    return f"| {label} | {statistics.median(values):.2f} | {percentile(values, 0.95):.2f} |"


def ratio(label: str, top: list[float], bottom: list[float]) -> str:
    med = statistics.median(top) / statistics.median(bottom)
    p95 = percentile(top, 0.95) / percentile(bottom, 0.95)
    return f"| {label} | {med:.2f} | {p95:.2f} | {'yes' if med <= 1.2 else 'no'} |"


def markdown(args, inproc, parts, worker, loads) -> str:
    w, a = worker["worker"], worker["alone"]
    pick = lambda rows, key: [r[key] for r in rows]  # noqa: E731
    lines = [
        "# Annual monev PDF: the build against WeasyPrint alone (issue 15)",
        "",
        f"- **Command:** `DATABASE_URL=… CELERY_BROKER_URL=redis://127.0.0.1:6379/7 "
        f".venv/bin/python bench/report_overhead.py --runs {args.runs}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
        f"{connection.vendor}; {date.today().isoformat()}",
        "- **Load average (1, 5, 15 min):** "
        + "; ".join(f"{when} {la[0]:.2f}, {la[1]:.2f}, {la[2]:.2f}" for when, la in loads)
        + " (other work shared the machine: only ratios measured side by side count)",
        "- **Data:** bench/report.py's: the 2026 demo plan (77 items), 300 versions with"
        " reviews, 20 findings, six narratives. (b) and (d) get the HTML string (a) rendered"
        f" ({len(args.html) // 1024} KiB); the worker's own differs only in the minute stamp.",
        f"- **Runs:** {args.runs} of each, alternating which goes first; median and p95.",
        "",
        "| in-process | median s | p95 s |",
        "| --- | ---: | ---: |",
        row("(a) `report_build` (the task's function)", inproc["build"]),
        row("(b) WeasyPrint alone, same process, same HTML", inproc["alone"]),
        row("(a) CPU seconds", inproc["build_cpu"]),
        row("(b) CPU seconds", inproc["alone_cpu"]),
        "",
        "| as the worker runs it | median | p95 |",
        "| --- | ---: | ---: |",
        row("(c) worker, first build after start: request → ready, s", pick(w, "first")),
        row("(c) worker, the build after it, s", pick(w, "second")),
        row("(c) worker start → ready and idle, s", pick(w, "start")),
        row("(c) worker, first build: CPU seconds of the pool process", pick(w, "first_cpu")),
        row("(c) worker, the build after it: CPU seconds", pick(w, "second_cpu")),
        row("(d) fresh `python -c` WeasyPrint: `write_pdf`, s", pick(a, "write")),
        row("(d) fresh `python -c` `write_pdf`: CPU seconds", pick(a, "cpu")),
        row("(d) fresh `python -c`: import weasyprint, s", pick(a, "import")),
        row("(d) fresh `python -c`: spawn → exit, s", pick(a, "wall")),
        row("(c) worker pool process idle RSS, MiB", pick(w, "idle"), "MiB"),
        row("(c) worker pool process peak RSS after both builds, MiB", pick(w, "peak"), "MiB"),
        row("(c) worker main process peak RSS, MiB", pick(w, "parent"), "MiB"),
        row("(d) fresh `python -c` peak RSS, MiB", pick(a, "peak"), "MiB"),
        "",
        "| ratio | median | p95 | ≤ 1.2 |",
        "| --- | ---: | ---: | :---: |",
        ratio("in-process: (a) / (b)", inproc["build"], inproc["alone"]),
        ratio("in-process, CPU: (a) / (b)", inproc["build_cpu"], inproc["alone_cpu"]),
        ratio("worker, first build / (d) `write_pdf`", pick(w, "first"), pick(a, "write")),
        ratio("worker, next build / (d) `write_pdf`", pick(w, "second"), pick(a, "write")),
        ratio("worker, first build / (d) spawn → exit", pick(w, "first"), pick(a, "wall")),
        ratio("worker, first build, CPU / (d) CPU", pick(w, "first_cpu"), pick(a, "cpu")),
        ratio("worker, next build, CPU / (d) CPU", pick(w, "second_cpu"), pick(a, "cpu")),
        ratio("worker peak RSS / (d) peak RSS", pick(w, "peak"), pick(a, "peak")),
        ratio(
            "build's own memory: worker (peak − idle) / (d) (peak − RSS after import)",
            [r["peak"] - r["idle"] for r in w],
            [r["peak"] - args.imported_rss for r in a],
        ),
        "",
        f"Where one in-process build's {parts['total']:.2f} s went ({parts['queries']} queries):",
        "",
        "| phase | s | share |",
        "| --- | ---: | ---: |",
    ]
    for name, seconds in parts["phases"].items():
        lines.append(f"| {name} | {seconds:.3f} | {seconds / parts['total']:.0%} |")
    return "\n".join(lines) + "\n"


def imported_rss() -> int:
    """RSS (KiB) of a fresh interpreter that has imported WeasyPrint and nothing else."""
    code = (
        "import weasyprint; print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])"
    )
    return int(subprocess.run([str(PYTHON), "-c", code], capture_output=True, text=True,
                              check=True).stdout)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    loads = [("start", os.getloadavg())]
    with report_database(DB_NAME) as plan:
        user = User.objects.get(email="ketua@example.org")
        tap = HtmlTap()
        reports.render_to_string = tap
        inproc = in_process(plan, user, tap, args.runs)
        parts = breakdown(plan, user)
        args.html = tap.html
        loads.append(("after in-process", os.getloadavg()))
        args.imported_rss = imported_rss()
        worker = as_worker(plan, user, tap.html, args.runs)
        loads.append(("end", os.getloadavg()))
    raw = Path(tempfile.gettempdir()) / "report-overhead-raw.json"
    raw.write_text(json.dumps({"inproc": inproc, "parts": parts, "worker": worker}, indent=1))
    print(f"raw figures: {raw}", file=sys.stderr)
    text = markdown(args, inproc, parts, worker, loads)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
