"""The Markdown report of bench/upload_memory.py: the summary per storage, a short
reading of what the numbers say, and the table of one storage's requests."""

from __future__ import annotations

import os
import platform
import shlex
import statistics
from datetime import UTC, datetime

from bench.stats import percentile
from bench.upload_measure import MB, Row


def mib(kib: int | None) -> str:
    return "–" if kib is None else f"{kib / 1024:.1f}"


STORAGE_NAMES = {
    "fs": "local media folder (FileSystemStorage)",
    "s3": "django-storages S3Storage with the app's options (`s3_storage()` in "
    "zi_portal/core/storage.py) → moto server on loopback",
}
SHORT_NAMES = {"fs": "the local media folder", "s3": "S3"}
FEW_MIB = 10  # more than this for one 50 MB request means the file was held in memory


def delta_kib(row: Row) -> int | None:
    return None if row.request_peak_kib is None else row.request_peak_kib - row.rss_before_kib


def summary(result: dict) -> dict:
    rows = result["rows"]
    uploads = [r for r in rows if r.size == 50 * MB and r.label.startswith("50 MB")]
    downloads = [r for r in rows if r.label.startswith("download")]
    last_upload = max((r for r in rows if not r.label.startswith("download")), key=rows.index)
    times = [r.seconds for r in uploads]
    return {
        "rss_start": result["baseline"]["VmRSS"],
        "first_delta": delta_kib(rows[0]) or 0,
        "upload_delta": max((delta_kib(r) or 0) for r in uploads),
        "download_delta": max((delta_kib(r) or 0) for r in downloads),
        "upload_hwm": last_upload.hwm_kib,
        "upload_growth": last_upload.hwm_kib - result["baseline"]["VmHWM"],
        "rss_end": result["rss_end"]["VmRSS"],
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
    }


def reading(by_storage: dict[str, dict]) -> str:
    """Two or three sentences on what the numbers say."""
    names = list(by_storage)
    held = [
        SHORT_NAMES[k]
        for k, s in by_storage.items()
        if max(s["upload_delta"], s["download_delta"]) > FEW_MIB * 1024
    ]
    verdict = (
        f"the file is HELD IN MEMORY with {' and '.join(held)} (more than {FEW_MIB} MiB "
        f"for one request): check zi_portal/core/storage.py"
        if held
        else "the file is never held in memory"
    )
    ups = " and ".join(f"{mib(by_storage[k]['upload_delta'])} MiB" for k in names)
    downs = " and ".join(f"{mib(by_storage[k]['download_delta'])} MiB" for k in names)
    where = " and ".join(names)
    text = (
        f"Reading: at its peak the worker grows by at most {ups} ({where}) for a 50 MB "
        f"upload and by {downs} for a 50 MB download; {verdict}."
    )
    s3 = by_storage.get("s3")
    if s3 and not held:
        text += (
            " With S3 the upload goes part by part from the request thread "
            "(`TransferConfig(use_threads=False)`) and the download spills to a temporary "
            "file past `max_memory_size` = 1 MiB."
        )
    if s3:
        fs = by_storage.get("fs")
        text += (
            f" The S3 worker starts at {mib(s3['rss_start'])} MiB"
            + (f" instead of {mib(fs['rss_start'])} MiB" if fs else "")
            + f" (the settings import boto3), its first upload adds "
            f"{mib(s3['first_delta'])} MiB once (the boto3 client), and a 50 MB upload takes "
            f"{s3['median']:.2f} s at the median"
            + (f" ({fs['median']:.2f} s with the local folder)." if fs else ".")
        )
    return text


def report(results: list[dict], argv: list[str]) -> str:
    summaries = {r["storage"]: summary(r) for r in results}
    lines = [
        "## Evidence upload memory",
        "",
        f"- **Command:** `{' '.join(shlex.quote(a) for a in argv)}`",
        f"- **Machine:** {platform.machine()}, {len(os.sched_getaffinity(0))} CPUs (`nproc`), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"- **Date:** {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        "- **Set-up:** `gunicorn zi_portal.wsgi:application --workers 1 --worker-class sync`, "
        "`zi_portal.settings.production`, SQLite seeded by `seed_demo`; the PW PIC uploads "
        "to one item through `POST /api/v1/requirements/{id}/evidence/` (multipart streamed "
        "from disk in 1 MB pieces; 50 MB = 52,428,800 bytes = `ZI_EVIDENCE_MAX_BYTES`), "
        "then downloads the last 50 MB version twice through `GET /api/v1/evidence/{id}/file/`.",
        "- **Measure:** `VmHWM` (peak RSS) of the gunicorn worker. *Δ request* = the "
        "request's peak (VmHWM reset to RSS with `/proc/<pid>/clear_refs` just before it) "
        "− RSS before it. *Growth* = peak since start − VmHWM after the warm-up requests.",
        "",
        "| storage | RSS after warm-up MiB | 50 MB upload: max Δ request MiB "
        "| 50 MB download: max Δ request MiB | peak since start after the uploads MiB "
        "| growth MiB | RSS at the end MiB | 50 MB upload median s | p95 s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for storage, s in summaries.items():
        lines.append(
            f"| {storage} | {mib(s['rss_start'])} | {mib(s['upload_delta'])} "
            f"| {mib(s['download_delta'])} | {mib(s['upload_hwm'])} "
            f"| {mib(s['upload_growth'])} | {mib(s['rss_end'])} "
            f"| {s['median']:.2f} | {s['p95']:.2f} |"
        )
    lines.append("")
    lines.append("; ".join(f"`{k}`: {STORAGE_NAMES[k]}" for k in summaries) + ".")
    checks = [
        f"{r['storage']}: "
        + (
            "no errors in the gunicorn log"
            if not r["errors"]
            else f"{len(r['errors'])} ERROR lines"
        )
        + (f", {r['stored']} files in the media folder" if r["stored"] is not None else "")
        for r in results
    ]
    lines += [
        "Checked: every answer (201, 413 for 50 MB + 1 byte, 200) and SHA-256, no upload "
        "temp file left behind; " + "; ".join(checks) + ".",
        "",
        reading(summaries),
        "",
    ]
    # One per-request table: S3's, the configuration the numbers are about.
    result = next((r for r in results if r["storage"] == "s3"), results[0])
    base = result["baseline"]
    lines += [
        f"### Per request: {result['storage']}",
        "",
        "| request | bytes | status | seconds | RSS before MiB | request peak MiB "
        "| Δ request MiB | peak since start MiB | growth MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row.label} | {row.size:,} | {row.status} | {row.seconds:.2f} "
            f"| {mib(row.rss_before_kib)} | {mib(row.request_peak_kib)} "
            f"| {mib(delta_kib(row))} | {mib(row.hwm_kib)} "
            f"| {mib(row.hwm_kib - base['VmHWM'])} |"
        )
    lines.append("")
    return "\n".join(lines)
