"""Time and worker memory of the archive inspection, for the files of the penetration test.

Starts the real app server as bench/upload_memory.py does (bench/upload_server.py:
gunicorn, one sync worker, the production settings, a throw-away SQLite database and
media folder), signs in through the API as the PW PIC and uploads, several runs over:

- a zip bomb of 10 ZIPs each holding 1 GiB of zeros (10 GiB extracted, ~26 KB on disk);
- a flat zip bomb of 10 entries of 1 GiB of zeros (10 GiB, ~10 MB: deflate's most);
- 1 GiB of zeros whose directory says 1 KB (stopped by counting the bytes inflated);
- a ZIP of 10,000 entries;
- the penetration test's 510 KB OpenDocument whose ``mimetype`` inflates to ~500 MiB;
- the heaviest file the default caps accept: one entry inflating to 190 MiB (ratio ~7);
- an ordinary 5 MB DOCX.

The accepted ones are new bytes each run, so they are never refused as duplicates.

The files are built by tests/evidence/zipcraft.py, the same builders the tests use. Each
request is measured by bench/upload_measure.py's ``measure``: seconds at the client, and
the worker's ``VmHWM`` from ``/proc`` (reset to the RSS just before the request, so the
request's own peak is read). Checked, never timed in an assertion: each answer's status
and error code, no upload temp file left, only the DOCX versions in the media folder, the
same worker throughout. Usage:

    .venv/bin/python bench/upload_containers.py             # 5 runs
    .venv/bin/python bench/upload_containers.py --runs 10

Prints a Markdown report and saves it to bench/RESULTS-upload-containers.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import percentile  # noqa: E402
from bench.upload_measure import MB, Row, check_temp_files, measure, sign_in, upload  # noqa: E402
from bench.upload_report import delta_kib, mib  # noqa: E402
from bench.upload_server import children, proc_status, start_server, stop_server  # noqa: E402
from tests.evidence import zipcraft as zc  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS-upload-containers.md"
TARGET_SECONDS, TARGET_MIB = 2.0, 50  # from the issue: refused in under 2 s, under 50 MB
SIZES = (
    'The issue\'s "1 MB → 10 GB" cannot be one level deep: deflate packs at most 1032 to 1, '
    "so 10 GiB in one level takes about 10 MB (the second row); nested, it takes 26 KB "
    "(the first)."
)
BEFORE = (
    'Before (the penetration test, on the code that called `archive.read("mimetype")`): '
    "the 510 KB mimetype bomb took 13.5 s and raised the worker from 106 MB to 1.15 GB."
)


@dataclass(frozen=True)
class Case:
    label: str
    filename: str
    extracted: str
    status: int
    code: str | None
    build: Callable[[], bytes]
    fresh: bool = False  # built anew for every run


CASES = [
    Case(
        "zip bomb: 10 ZIPs of 1 GiB of zeros",
        "bom-10gb.zip",
        "10 GiB",
        422,
        "archive_ratio",
        zc.nested_bomb,
    ),
    Case(
        "zip bomb: 10 entries of 1 GiB of zeros",
        "bom-10gb-datar.zip",
        "10 GiB",
        422,
        "archive_too_large",
        lambda: zc.flat_bomb(entries=10),
    ),
    Case(
        "1 GiB of zeros its directory calls 1 KB",
        "bom-bohong.zip",
        "1 GiB",
        400,
        "corrupt_file",
        zc.lying_bomb,
    ),
    Case(
        "ZIP of 10,000 entries",
        "10000-berkas.zip",
        "30 KB",
        422,
        "archive_too_many_entries",
        zc.many_entries,
    ),
    Case(
        "the 510 KB mimetype bomb (ODT)",
        "laporan.odt",
        "about 500 MiB",
        422,
        "archive_too_large",
        zc.mimetype_bomb,
    ),
    Case(
        "the most the caps let through: 190 MiB inflated",
        "rekap.zip",
        "190 MiB",
        201,
        None,
        lambda: zc.heavy_zip(nonce=uuid.uuid4().hex.encode()),
        fresh=True,
    ),
    Case(
        "ordinary 5 MB DOCX",
        "notulen.docx",
        "5 MB",
        201,
        None,
        lambda: zc.large_docx(5 * MB, nonce=uuid.uuid4().hex.encode()),
        fresh=True,
    ),
]


def run(args) -> dict:
    server = start_server("fs", collectstatic=False)
    try:
        folder = server.tmp / "client-files"
        folder.mkdir()
        token, item_id = sign_in(server)

        def send(path: Path, case: Case, answers: list) -> int:
            code, answer = upload(server, token, item_id, path)
            error = answer.get("error", {}) if isinstance(answer, dict) else {}
            assert code == case.status and error.get("code") == case.code, (code, answer)
            answers.append(error.get("message", ""))
            return code

        warm = folder / "pemanasan.zip"
        warm.write_bytes(zc.zip_of({"a.txt": b"pemanasan"}))
        warm_row = measure(
            server,
            "warm-up upload",
            warm.stat().st_size,
            lambda: upload(server, token, item_id, warm)[0],
        )
        baseline = proc_status(server.worker)
        paths = {}
        for case in CASES:
            if not case.fresh:
                paths[case.label] = folder / case.filename
                paths[case.label].write_bytes(case.build())
        rows: dict[str, list[Row]] = {case.label: [] for case in CASES}
        messages: dict[str, list[str]] = {case.label: [] for case in CASES}
        for _ in range(args.runs):
            for case in CASES:
                path = paths.get(case.label)
                if path is None:
                    path = folder / case.filename
                    path.write_bytes(case.build())
                size = path.stat().st_size
                rows[case.label].append(
                    measure(
                        server,
                        case.label,
                        size,
                        lambda path=path, case=case: send(path, case, messages[case.label]),
                    )
                )
                check_temp_files(server)
        stored = sum(1 for p in (server.tmp / "media").rglob("*") if p.is_file())
        accepted = sum(1 for case in CASES if case.status == 201)
        assert stored == accepted * args.runs + 1, f"{stored} files in the media folder"
        assert children(server.proc.pid) == [server.worker], "the worker restarted"
        log = server.log.read_text().splitlines()
        return {
            "warm": warm_row,
            "baseline": baseline,
            "rows": rows,
            "messages": messages,
            "stored": stored,
            "errors": [line for line in log if "Traceback" in line or "ERROR" in line],
            "end": proc_status(server.worker),
        }
    finally:
        stop_server(server, args.keep)


def report(result: dict, argv: list[str], load: tuple[float, float]) -> str:
    base = result["baseline"]
    lines = [
        "## Archive inspection: zip bombs, 10,000 entries, the mimetype bomb",
        "",
        f"- **Command:** `{' '.join(shlex.quote(a) for a in argv)}`",
        f"- **Machine:** {platform.machine()}, {len(os.sched_getaffinity(0))} CPUs (`nproc`), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"load average (1 min) {load[0]:.2f} before, {load[1]:.2f} after (shared machine)",
        f"- **Date:** {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        "- **Set-up:** `gunicorn zi_portal.wsgi:application --workers 1 --worker-class sync`, "
        "`zi_portal.settings.production` with the default `ZI_ARCHIVE_*` limits, SQLite "
        "seeded by `seed_demo`; the PW PIC uploads through `POST "
        "/api/v1/requirements/{id}/evidence/` (multipart streamed from disk), after one "
        f"warm-up upload (a small ZIP: {warm_text(result['warm'])}). "
        f"Runs of each file, interleaved: {len(next(iter(result['rows'].values())))}.",
        "- **Measure:** seconds at the client (upload included). *Δ peak* = the worker's "
        "`VmHWM` for the request (reset to RSS with `/proc/<pid>/clear_refs` just before "
        "it) − RSS before it.",
        "",
        "| request | upload bytes | extracted | answer | median s | p95 s | max s "
        "| median Δ peak MiB | max Δ peak MiB |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    worst_refused_s, worst_mib = 0.0, 0.0
    for case in CASES:
        rows = result["rows"][case.label]
        seconds = [r.seconds for r in rows]
        deltas = [(delta_kib(r) or 0) / 1024 for r in rows]
        if case.status != 201:
            worst_refused_s = max(worst_refused_s, max(seconds))
        worst_mib = max(worst_mib, max(deltas))
        answer = f"{case.status} `{case.code}`" if case.code else f"{case.status}"
        lines.append(
            f"| {case.label} | {rows[0].size:,} | {case.extracted} | {answer} "
            f"| {statistics.median(seconds):.3f} | {percentile(seconds, 0.95):.3f} "
            f"| {max(seconds):.3f} | {statistics.median(deltas):.1f} | {max(deltas):.1f} |"
        )
    growth = max(r.hwm_kib for rows in result["rows"].values() for r in rows) - base["VmHWM"]
    met = worst_refused_s < TARGET_SECONDS and worst_mib < TARGET_MIB
    lines += [
        "",
        f"Checked: every answer and error code, no upload temp file left, "
        f"{result['stored']} files in the media folder (the warm-up and the accepted runs), one "
        f"worker throughout, "
        + (
            "no errors in the gunicorn log."
            if not result["errors"]
            else f"{len(result['errors'])} ERROR lines in the gunicorn log."
        ),
        "",
        f"Reading: the slowest refusal took {worst_refused_s:.3f} s and no request raised the "
        f"worker's peak by more than {worst_mib:.1f} MiB (targets: under {TARGET_SECONDS:.0f} s "
        f"and {TARGET_MIB} MB: {'met' if met else 'NOT MET'}); the worker's peak since the "
        f"warm-up grew by {mib(growth)} MiB in all, and its RSS is {mib(result['end']['VmRSS'])} "
        f"MiB at the end. Bombs are refused from the sizes their directory declares, before "
        f"a byte is inflated, except the one whose directory lies, stopped at its first "
        f"inflated piece; the accepted files are inflated and checked in full. {SIZES} "
        f"{BEFORE}",
        "",
        "What the person is told (first run):",
        "",
    ]
    lines += [f"- {case.label}: {result['messages'][case.label][0]}" for case in CASES if case.code]
    lines.append("")
    return "\n".join(lines)


def warm_text(row: Row) -> str:
    return f"{row.seconds:.2f} s, Δ peak {mib(delta_kib(row))} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="uploads of each file")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args()
    if not Path("/proc/self/status").exists():
        sys.exit("needs Linux /proc to read the worker's VmHWM")
    before = os.getloadavg()[0]
    result = run(args)
    text = report(
        result,
        [".venv/bin/python", "bench/upload_containers.py", *sys.argv[1:]],
        (before, os.getloadavg()[0]),
    )
    print(text)
    if not args.no_save:
        RESULTS.write_text(text + "\n")


if __name__ == "__main__":
    main()
