"""Upload throughput of 50 MB and 500 MB evidence files against the disk's own speed.

Issue 15 ("Uploads"): an upload should reach at least 60 % of what
``dd if=/dev/zero of=<media folder>/x bs=1M count=N conv=fdatasync`` writes to the same
folder, with the worker's memory still flat (at most 4 MiB per request).

Starts the real app server as bench/upload_memory.py does (gunicorn, one sync worker,
the production settings, SQLite, local media folder; bench/upload_server.py), with
``ZI_EVIDENCE_MAX_BYTES`` raised to 500 MB so that the large file is accepted. Each run
is a pair, measured under the same conditions: ``sync``, dd of N MiB into the media
folder (its file removed again), ``sync``, then the PW PIC uploads a fresh N MiB PDF
through ``POST /api/v1/requirements/{id}/evidence/`` (multipart streamed from disk in
1 MiB pieces, bench/upload_measure.py). The upload's time runs from the first byte sent
to the 201 answer, so it holds the multipart parsing, the check, the storage and the
database insert. The worker's per-request memory is its ``VmHWM`` reset just before
the request, minus its RSS before it. Every answer's SHA-256 and size are checked, and
that no upload temporary file is left behind.

    .venv/bin/python bench/upload_speed.py                   # 5 × 50 MB, 3 × 500 MB
    .venv/bin/python bench/upload_speed.py --runs-50 3 --runs-500 1 --no-save

Other work on the machine slows both sides of a pair; the load average before and after
the runs is recorded with the figures. Prints Markdown and saves it to
bench/RESULTS-upload-speed.md. Timings are for reading, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import upload_server  # noqa: E402
from bench.stats import percentile  # noqa: E402
from bench.upload_measure import (  # noqa: E402
    MB,
    check_temp_files,
    make_file,
    measure,
    sign_in,
    upload,
)

RESULTS = Path(__file__).resolve().parent / "RESULTS-upload-speed.md"
GOAL = 0.60  # of dd's throughput
MEMORY_GOAL_MIB = 4.0  # per request
DD_LINE = re.compile(r"^(\d+) bytes .* copied, ([\d.]+) s", re.MULTILINE)


@dataclass
class Pair:
    mib: int
    dd_seconds: float
    upload_seconds: float
    delta_kib: int | None  # the request's peak minus the RSS before it
    worker_cpu: float  # seconds on a CPU, all the worker's threads
    client_cpu: float  # seconds on a CPU, the bench's own sending thread
    sync_seconds: float  # fdatasync of the stored file, after the 201

    @property
    def nbytes(self) -> int:
        return self.mib * MB


def rate(nbytes: int, seconds: float) -> float:
    """MB/s in decimal megabytes, as dd prints them."""
    return nbytes / 1e6 / seconds


def dd_seconds(folder: Path, mib: int) -> float:
    """dd's own time for N MiB of zeros written to ``folder`` and made durable."""
    target = folder / f"dd-{os.getpid()}.bin"
    try:
        result = subprocess.run(
            ["dd", "if=/dev/zero", f"of={target}", "bs=1M", f"count={mib}", "conv=fdatasync"],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        target.unlink(missing_ok=True)
    match = DD_LINE.search(result.stderr)
    if not match or int(match.group(1)) != mib * MB:
        sys.exit(f"could not read dd's answer:\n{result.stderr}")
    return float(match.group(2))


def cpu_seconds(pid: int) -> float:
    """Time on a CPU of all threads of ``pid`` (schedstat: nanoseconds, not ticks)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):  # a thread that just ended
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


def fdatasync_seconds(media: Path) -> float:
    """What making the newest stored file durable costs now (the app does not)."""
    newest = max((p for p in (media / "evidence").rglob("*") if p.is_file()), key=os.path.getmtime)
    fd = os.open(newest, os.O_RDONLY)
    try:
        started = time.perf_counter()
        os.fdatasync(fd)
        return time.perf_counter() - started
    finally:
        os.close(fd)


def with_large_limit(limit: int):
    """upload_server.production_env with the evidence size limit raised to ``limit``."""
    plain = upload_server.production_env

    def production_env(tmp: Path) -> dict[str, str]:
        return {**plain(tmp), "ZI_EVIDENCE_MAX_BYTES": str(limit)}

    return production_env


def run(args) -> dict:
    # start_server() builds its environment with this module-level function.
    upload_server.production_env = with_large_limit(max(args.sizes) * MB)
    server = upload_server.start_server("fs", collectstatic=False)
    load_before = os.getloadavg()
    try:
        media = server.tmp / "media"
        files_dir = server.tmp / "client-files"
        files_dir.mkdir()
        token, item_id = sign_in(server)
        small = warm_up(server, token, item_id, files_dir)
        pairs: list[Pair] = []
        for mib, runs in zip(args.sizes, (args.runs_50, args.runs_500), strict=True):
            for i in range(runs):
                path, sha = make_file(files_dir, mib * MB)
                os.sync()
                dd = dd_seconds(media, mib)
                os.sync()

                def send(path=path, sha=sha):
                    code, answer = upload(server, token, item_id, path)
                    assert code == 201, (code, answer)
                    assert answer["sha256"] == sha and answer["size"] == path.stat().st_size
                    return code

                cpu, client = cpu_seconds(server.worker), time.thread_time()
                row = measure(server, f"{mib} MiB ({i + 1})", mib * MB, send)
                cpu, client = cpu_seconds(server.worker) - cpu, time.thread_time() - client
                path.unlink()
                check_temp_files(server)
                delta = (
                    None
                    if row.request_peak_kib is None
                    else row.request_peak_kib - (row.rss_before_kib)
                )
                synced = fdatasync_seconds(media)
                pairs.append(Pair(mib, dd, row.seconds, delta, cpu, client, synced))
                print(
                    f"{mib} MiB run {i + 1}: dd {rate(mib * MB, dd):,.0f} MB/s, "
                    f"upload {rate(mib * MB, row.seconds):,.0f} MB/s, "
                    f"worker CPU {cpu:.3f} s, fdatasync {synced:.3f} s, "
                    f"Δ request {'–' if delta is None else f'{delta / 1024:.1f}'} MiB",
                    file=sys.stderr,
                )
        assert upload_server.children(server.proc.pid) == [server.worker], "worker restarted"
        errors = [
            line
            for line in server.log.read_text().splitlines()
            if "Traceback" in line or "ERROR" in line or "CRITICAL" in line
        ]
        return {
            "pairs": pairs,
            "warm_up": small,
            "load_before": load_before,
            "load_after": os.getloadavg(),
            "errors": errors,
            "media": media,
            "filesystem": filesystem_of(media),
        }
    finally:
        upload_server.stop_server(server, args.keep)


def warm_up(server, token: str, item_id: int, files_dir: Path) -> dict:
    """A 4 MiB upload, then 4 KB ones: the worker's first large request grows its heap
    once (the allocator keeps 1 MiB buffers afterwards), which is not a per-request cost;
    the small ones give the fixed cost of an upload request (API, check, storage, insert)."""
    path, _sha = make_file(files_dir, 4 * MB)
    first = measure(
        server, "warm-up 4 MiB", 4 * MB, lambda: upload(server, token, item_id, path)[0]
    )
    path.unlink()
    small = []
    for i in range(5):
        path, _sha = make_file(files_dir, 4096)
        small.append(
            measure(
                server, f"4 KB ({i})", 4096, lambda p=path: upload(server, token, item_id, p)[0]
            )
        )
        path.unlink()
    assert first.status == 201 and all(r.status == 201 for r in small)
    return {
        "first_delta_kib": None
        if first.request_peak_kib is None
        else first.request_peak_kib - first.rss_before_kib,
        "small_seconds": statistics.median(r.seconds for r in small),
    }


def filesystem_of(folder: Path) -> str:
    result = subprocess.run(
        ["df", "--output=source,fstype", str(folder)], capture_output=True, text=True
    )
    lines = result.stdout.split("\n")
    return " ".join(lines[1].split()) if len(lines) > 1 else "?"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def size_rows(pairs: list[Pair]) -> list[str]:
    rows = []
    for mib in sorted({p.mib for p in pairs}):
        mine = [p for p in pairs if p.mib == mib]
        nbytes = mine[0].nbytes
        dd = [p.dd_seconds for p in mine]
        up = [p.upload_seconds for p in mine]
        ratios = [p.dd_seconds / p.upload_seconds for p in mine]
        cpu = statistics.median(p.worker_cpu for p in mine)
        client = statistics.median(p.client_cpu for p in mine)
        synced = statistics.median(p.sync_seconds for p in mine)
        deltas = [p.delta_kib for p in mine if p.delta_kib is not None]
        dd_med, up_med = statistics.median(dd), statistics.median(up)
        ratio = dd_med / up_med
        memory = f"{max(deltas) / 1024:.1f}" if deltas else "–"
        met = ratio >= GOAL and (not deltas or max(deltas) / 1024 <= MEMORY_GOAL_MIB)
        rows.append(
            f"| {mib} MiB ({nbytes:,} B) | {len(mine)} "
            f"| {rate(nbytes, dd_med):,.0f} | {rate(nbytes, percentile(dd, 0.95)):,.0f} "
            f"| {up_med:.3f} | {percentile(up, 0.95):.3f} "
            f"| {rate(nbytes, up_med):,.0f} | {rate(nbytes, percentile(up, 0.95)):,.0f} "
            f"| {ratio:.2f} | {min(ratios):.2f}–{max(ratios):.2f} | {memory} "
            f"| {'yes' if met else 'no'} "
            f"| {cpu:.3f} ({cpu * 1e9 / nbytes:.2f} ns/B) | {client:.3f} "
            f"| {synced:.3f} | {dd_med / (up_med + synced):.2f} |"
        )
    return rows


def fmt_mib(kib: int | None) -> str:
    return "–" if kib is None else f"{kib / 1024:.1f}"


def report(result: dict, argv: list[str]) -> str:
    before, after = result["load_before"], result["load_after"]
    lines = [
        "## Evidence upload speed against dd (issue 15)",
        "",
        f"- **Command:** `{shlex.join(argv)}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs ({cpu_model()}), "
        f"Linux {platform.release()}, Python {platform.python_version()}",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "- **Load average (1, 5, 15 min):** before "
        + ", ".join(f"{x:.2f}" for x in before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in after)
        + " (other work on the machine slows both dd and the upload)",
        f"- **Media folder:** a temporary folder on `{result['filesystem']}`; the upload's "
        "temporary files are received on the same filesystem, so the stored file is a hard "
        "link to them (zi_portal/core/storage.py)",
        "- **Set-up:** `gunicorn zi_portal.wsgi:application --workers 1 --worker-class sync`, "
        "`zi_portal.settings.production`, SQLite seeded by `seed_demo`, "
        "`ZI_EVIDENCE_MAX_BYTES` = the largest size; the PW PIC uploads fresh random PDFs "
        "through `POST /api/v1/requirements/{id}/evidence/` (multipart streamed from disk "
        "in 1 MiB pieces by a client on the same machine)",
        "- **Each run:** `sync`; `dd if=/dev/zero of=<media folder>/x bs=1M count=N "
        "conv=fdatasync` (dd's own time); `sync`; the upload (first byte sent → 201). "
        "MB/s in decimal megabytes, as dd prints them. *Δ request* = the worker's peak RSS "
        "during the request (VmHWM reset just before it) − its RSS before it.",
        "",
        "| size | runs | dd MB/s median | dd MB/s p95 | upload s median | upload s p95 "
        "| upload MB/s median | upload MB/s at p95 | ratio to dd (medians) "
        "| ratio per run | max Δ request MiB | goal (≥ 0.60, ≤ 4 MiB) "
        "| worker CPU s median | client CPU s median | fdatasync of the stored file s "
        "| ratio if the upload were durable |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- "
        "| ---: | ---: | ---: | ---: |",
        *size_rows(result["pairs"]),
        "",
        "p95 is the nearest-rank p95 of the times (of 5 or 3 runs: the slowest), and "
        '"MB/s at p95" the rate at that time. *Worker CPU* is the time the gunicorn '
        "worker's threads spent on a CPU during the upload (`/proc/<pid>/task/*/schedstat`), "
        "which other work on the machine does not inflate; *client CPU* that of the "
        "bench's sending thread. The app does not make a stored file durable before it "
        "answers 201 (the upload's temporary file is hard-linked, not fsynced); the "
        "*fdatasync* column is what that costs, timed right after the answer, and the last "
        "column dd's median over (upload + fdatasync).",
        f"Before the runs: a 4 MiB warm-up upload (the worker's first large request: Δ "
        f"{fmt_mib(result['warm_up']['first_delta_kib'])} MiB, once) and five 4 KB uploads "
        f"(median {result['warm_up']['small_seconds'] * 1000:.0f} ms: the fixed cost of an "
        "upload request). Checked: every answer "
        "201 with the SHA-256 and size of the bytes sent, no upload temporary file left "
        "behind, the same worker throughout, "
        + (
            "no errors in the gunicorn log."
            if not result["errors"]
            else f"{len(result['errors'])} error lines in the gunicorn log."
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-50", type=int, default=5, help="runs of the 50 MiB upload")
    parser.add_argument("--runs-500", type=int, default=3, help="runs of the 500 MiB upload")
    parser.add_argument("--keep", action="store_true", help="keep the temp folders")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args()
    args.sizes = [50, 500]
    if not Path("/proc/self/status").exists():
        sys.exit("needs Linux /proc to read the worker's VmHWM")
    result = run(args)
    text = report(result, [".venv/bin/python", "bench/upload_speed.py", *sys.argv[1:]])
    print(text)
    if not args.no_save:
        RESULTS.write_text(text + "\n")


if __name__ == "__main__":
    main()
