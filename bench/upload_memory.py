"""Peak memory of the gunicorn worker while evidence files of 1, 10 and 50 MB are uploaded.

Starts the real app server (gunicorn, one sync worker, the production settings) on a
throw-away SQLite database and media folder, signs in through the API as the PW PIC,
uploads files with a streaming client (the multipart body is sent from the file on disk
in 1 MB pieces, never built in memory) and one byte over the 50 MB limit (must be
refused with 413), then downloads the last 50 MB file twice. After
each request it reads the worker's ``VmHWM`` (peak resident set) from
``/proc/<pid>/status``; before each request it resets that peak
(``echo 5 > /proc/<pid>/clear_refs``) so that the per-request peak can be read as well.
Usage:

    .venv/bin/python bench/upload_memory.py                # local folder, then S3
    .venv/bin/python bench/upload_memory.py --storage fs   # only the local media folder

``--storage fs`` stores in the local media folder (FileSystemStorage). ``--storage s3``
points the same server at moto's S3 server on loopback, as docker-compose points it at
MinIO, through the AWS_* variables, so the app's own S3 configuration is measured
(``s3_storage()`` in zi_portal/core/storage.py). Prints a Markdown report and saves it to
bench/RESULTS-upload-memory.md. Timings and sizes are for reading, never asserted; only
the HTTP answers, the stored bytes and the cleanup of upload temp files are checked.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import platform
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import percentile  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULTS = Path(__file__).resolve().parent / "RESULTS-upload-memory.md"
MB = 1024 * 1024
SECRET_KEY = "bench-upload-memory-secret-key-7d1c9e3a5b"  # >= 32 characters, bench only
PASSWORD = "zi-demo-2026"
PIC_EMAIL = "pic.pw@example.org"
ITEM_TEXT = "Laporan monitoring:"
START_SECONDS = 60
CHUNK = MB
S3_KEY, S3_SECRET, S3_REGION = "bench-access-key", "bench-secret-key", "us-east-1"


# --- processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(proc: subprocess.Popen, port: int, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"{what} did not answer in {START_SECONDS} s:\n{log.read_text()[-4000:]}")
            time.sleep(0.2)


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(c) for c in text)
    return found


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS / RssFile / RssShmem … of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            values[key] = int(parts[0])
    return values


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0, own processes only)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# --- the server under test ---------------------------------------------------------------


@dataclass
class Server:
    storage: str
    tmp: Path
    env: dict[str, str]
    port: int = 0
    proc: subprocess.Popen | None = None
    moto: subprocess.Popen | None = None
    worker: int = 0
    log: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def production_env(tmp: Path) -> dict[str, str]:
    """What the production settings need, nothing inherited but PATH/HOME/LANG."""
    return {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", str(tmp)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "zi_portal.settings.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",  # only parsed
        "EMAIL_URL": "smtp://127.0.0.1:1025",  # only parsed
        "ZI_SITE_URL": "http://127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ZI_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        # The API answers JSON and renders no template, so no static manifest is needed:
        # an empty STATIC_ROOT saves a 40 s collectstatic (see --collectstatic).
        "STATIC_ROOT": str(tmp / "static"),
        # Upload temp files in a folder of their own, to check they are cleaned up.
        "FILE_UPLOAD_TEMP_DIR": str(tmp / "upload-tmp"),
        "DEMO_PASSWORD": PASSWORD,
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def start_moto(tmp: Path) -> tuple[subprocess.Popen, str]:
    moto_server = VENV_BIN / "moto_server"
    if not moto_server.exists():
        sys.exit(f"{moto_server} is missing (pip install 'moto[server]')")
    port = free_port()
    log = tmp / "moto.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wait_for_port(proc, port, log, "moto_server")
    return proc, f"http://127.0.0.1:{port}"


def create_bucket(endpoint: str, name: str) -> None:
    import boto3

    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name=S3_REGION,
    ).create_bucket(Bucket=name)


def start_server(storage: str, collectstatic: bool) -> Server:
    tmp = Path(tempfile.mkdtemp(prefix=f"zi-bench-upload-{storage}-"))
    env = production_env(tmp)
    for sub in ("var", "media", "static", "upload-tmp"):
        (tmp / sub).mkdir()
    server = Server(storage=storage, tmp=tmp, env=env)
    if storage == "s3":
        server.moto, endpoint = start_moto(tmp)
        bucket = f"zi-bench-{uuid.uuid4().hex[:10]}"
        create_bucket(endpoint, bucket)
        env.update(
            AWS_STORAGE_BUCKET_NAME=bucket,
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID=S3_KEY,
            AWS_SECRET_ACCESS_KEY=S3_SECRET,
            AWS_S3_REGION_NAME=S3_REGION,
        )
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    if collectstatic:
        manage(env, "collectstatic", "--noinput")
    server.port = free_port()
    server.log = tmp / "gunicorn.log"
    command = [
        str(VENV_BIN / "gunicorn"),
        "zi_portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{server.port}",
        "--workers",
        "1",
        "--worker-class",
        "sync",
        "--timeout",
        "120",
    ]
    with server.log.open("w") as out:
        server.proc = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    wait_for_port(server.proc, server.port, server.log, "gunicorn")
    deadline = time.monotonic() + START_SECONDS
    while not (workers := children(server.proc.pid)):
        if time.monotonic() > deadline:
            sys.exit(f"no gunicorn worker appeared:\n{server.log.read_text()[-4000:]}")
        time.sleep(0.1)
    if len(workers) != 1:
        sys.exit(f"expected one gunicorn worker, found {workers}")
    server.worker = workers[0]
    return server


def stop_server(server: Server, keep: bool) -> None:
    stop(server.proc)
    stop(server.moto)
    if not keep:
        shutil.rmtree(server.tmp, ignore_errors=True)


# --- HTTP ----------------------------------------------------------------------------------


def call(server: Server, method: str, path: str, token: str | None = None, data=None):
    headers = {"Accept": "application/json"}
    body = None
    if token:
        headers["Authorization"] = f"Token {token}"
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(  # noqa: S310 - loopback http
        server.url + path, data=body, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def make_file(folder: Path, size: int) -> tuple[Path, str]:
    """A unique file of exactly ``size`` bytes that the sniffer takes for a PDF."""
    path = folder / f"bench-{size}-{uuid.uuid4().hex[:8]}.pdf"
    digest = hashlib.sha256()
    head = b"%PDF-1.4\n% zi bench " + uuid.uuid4().hex.encode() + b"\n"
    with path.open("wb") as out:
        written = 0
        while written < size:
            piece = head if written == 0 else os.urandom(min(CHUNK, size - written))
            piece = piece[: size - written]
            out.write(piece)
            digest.update(piece)
            written += len(piece)
    return path, digest.hexdigest()


def upload(server: Server, token: str, item_id: int, path: Path) -> tuple[int, dict | str]:
    """POST the file as multipart/form-data, streamed from disk in 1 MB pieces."""
    boundary = f"zi-bench-{uuid.uuid4().hex}"
    preamble = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="note"\r\n\r\nbench upload_memory\r\n'
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n"
    ).encode()
    epilogue = f"\r\n--{boundary}--\r\n".encode()
    length = len(preamble) + path.stat().st_size + len(epilogue)

    def body():
        yield preamble
        with path.open("rb") as fh:
            while piece := fh.read(CHUNK):
                yield piece
        yield epilogue

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    try:
        conn.request(
            "POST",
            f"/api/v1/requirements/{item_id}/evidence/",
            body=body(),
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(length),
                "Accept": "application/json",
            },
        )
        response = conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw.decode(errors="replace")
    finally:
        conn.close()


def download(server: Server, token: str, version_id: int) -> tuple[int, int, str]:
    """GET the version's file, reading it in 1 MB pieces; returns status, size, sha256."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    try:
        conn.request(
            "GET",
            f"/api/v1/evidence/{version_id}/file/",
            headers={"Authorization": f"Token {token}"},
        )
        response = conn.getresponse()
        digest, size = hashlib.sha256(), 0
        while piece := response.read(CHUNK):
            digest.update(piece)
            size += len(piece)
        return response.status, size, digest.hexdigest()
    finally:
        conn.close()


# --- the measurement -----------------------------------------------------------------------


@dataclass
class Row:
    label: str
    size: int
    status: int
    seconds: float
    hwm_kib: int  # the worker's VmHWM after the request (peak since start)
    rss_before_kib: int
    request_peak_kib: int | None  # VmHWM after the request, reset just before it


def measure(server: Server, label: str, size: int, action) -> Row:
    before = proc_status(server.worker)
    was_reset = reset_peak(server.worker)
    started = time.perf_counter()
    status = action()
    seconds = time.perf_counter() - started
    after = proc_status(server.worker)
    return Row(
        label,
        size,
        status,
        seconds,
        server_hwm(server, after),
        before["VmRSS"],
        after["VmHWM"] if was_reset else None,
    )


_peak_since_start: dict[int, int] = {}


def server_hwm(server: Server, status: dict[str, int]) -> int:
    """VmHWM since the worker started, although clear_refs resets it before each request."""
    peak = max(_peak_since_start.get(server.worker, 0), status["VmHWM"])
    _peak_since_start[server.worker] = peak
    return peak


def check_temp_files(server: Server) -> None:
    """The upload's temp file is gone once the worker has finished the request (it is
    removed after the response is sent, so allow a moment)."""
    deadline = time.monotonic() + 5
    while leftovers := list((server.tmp / "upload-tmp").iterdir()):
        if time.monotonic() > deadline:
            raise AssertionError(f"upload temp files left behind: {leftovers}")
        time.sleep(0.05)


def run_storage(storage: str, args) -> dict:
    server = start_server(storage, args.collectstatic)
    try:
        files_dir = server.tmp / "client-files"
        files_dir.mkdir()
        status, answer = call(
            server, "POST", "/api/v1/auth/token/", data={"email": PIC_EMAIL, "password": PASSWORD}
        )
        assert status == 200, (status, answer)
        token = answer["token"]
        status, items = call(
            server, "GET", "/api/v1/plans/2026/requirements/?area=PW&quarter=2", token
        )
        assert status == 200, (status, items)
        item_id = next(i["id"] for i in items if i["text"] == ITEM_TEXT)
        for _ in range(3):  # warm-up requests
            assert call(server, "GET", f"/api/v1/requirements/{item_id}/", token)[0] == 200
        baseline = proc_status(server.worker)
        server_hwm(server, baseline)

        plan = [("first upload (4 KB)", 4 * 1024)]
        plan += [(f"{n} MB", n * MB) for n in args.sizes]
        plan += [(f"50 MB, repeat {i + 2}", 50 * MB) for i in range(args.repeat - 1)]
        rows: list[Row] = []
        last_version = None
        for label, size in plan:
            path, sha = make_file(files_dir, size)
            answer = {}

            def send(path=path, sha=sha):
                nonlocal answer
                code, answer = upload(server, token, item_id, path)
                assert code == 201, (code, answer)
                assert answer["sha256"] == sha and answer["size"] == path.stat().st_size
                return code

            rows.append(measure(server, label, size, send))
            path.unlink()
            if size == 50 * MB:
                last_version = (answer["id"], sha)
            check_temp_files(server)

        # One byte over the limit: abandoned by the upload handler and refused with 413.
        path, _sha = make_file(files_dir, 50 * MB + 1)

        def send_too_big(path=path):
            code, answer = upload(server, token, item_id, path)
            assert code == 413, (code, answer)
            return code

        rows.append(measure(server, "50 MB + 1 byte (refused)", 50 * MB + 1, send_too_big))
        path.unlink()

        # Download the last 50 MB version back through the application.
        version_id, sha = last_version

        def fetch():
            code, size, got = download(server, token, version_id)
            assert code == 200 and size == 50 * MB and got == sha, (code, size)
            return code

        for i in range(2):
            rows.append(measure(server, f"download 50 MB ({i + 1})", 50 * MB, fetch))

        stored = (
            sum(1 for p in (server.tmp / "media").rglob("*") if p.is_file())
            if storage == "fs"
            else None
        )
        worker_now = children(server.proc.pid)
        assert worker_now == [server.worker], f"worker restarted: {worker_now}"
        rss_end = proc_status(server.worker)
        errors = [
            line
            for line in server.log.read_text().splitlines()
            if "Traceback" in line or "ERROR" in line or "CRITICAL" in line
        ]
        return {
            "storage": storage,
            "baseline": baseline,
            "rows": rows,
            "stored": stored,
            "rss_end": rss_end,
            "errors": errors,
        }
    finally:
        stop_server(server, args.keep)


# --- report --------------------------------------------------------------------------------


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", choices=["fs", "s3", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the 50 MB upload")
    parser.add_argument(
        "--collectstatic", action="store_true", help="run collectstatic first (not needed)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folders")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args()
    args.sizes = [1, 10, 50]
    if not Path("/proc/self/status").exists():
        sys.exit("needs Linux /proc to read the worker's VmHWM")

    storages = ["fs", "s3"] if args.storage == "all" else [args.storage]
    results = [run_storage(storage, args) for storage in storages]
    argv = [".venv/bin/python", "bench/upload_memory.py", *sys.argv[1:]]
    text = report(results, argv)
    print(text)
    if not args.no_save:
        RESULTS.write_text(text + "\n")


if __name__ == "__main__":
    main()
