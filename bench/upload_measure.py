"""The client side of bench/upload_memory.py: the API calls, the streamed upload and
download, and the run of one storage against its server, request by request, with the
worker's memory read before and after each request."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.upload_server import (
    PASSWORD,
    Server,
    children,
    proc_status,
    reset_peak,
    start_server,
    stop_server,
)

MB = 1024 * 1024
CHUNK = MB
PIC_EMAIL = "pic.pw@example.org"
ITEM_TEXT = "Laporan monitoring:"


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


def sign_in(server: Server) -> tuple[str, int]:
    """The PW PIC's API token and the item the bench uploads to, after three warm-up
    requests (the worker's baseline is read after them)."""
    status, answer = call(
        server, "POST", "/api/v1/auth/token/", data={"email": PIC_EMAIL, "password": PASSWORD}
    )
    assert status == 200, (status, answer)
    token = answer["token"]
    status, items = call(server, "GET", "/api/v1/plans/2026/requirements/?area=PW&quarter=2", token)
    assert status == 200, (status, items)
    item_id = next(i["id"] for i in items if i["text"] == ITEM_TEXT)
    for _ in range(3):  # warm-up requests
        assert call(server, "GET", f"/api/v1/requirements/{item_id}/", token)[0] == 200
    return token, item_id


def run_storage(storage: str, args) -> dict:
    server = start_server(storage, args.collectstatic)
    try:
        files_dir = server.tmp / "client-files"
        files_dir.mkdir()
        token, item_id = sign_in(server)
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
