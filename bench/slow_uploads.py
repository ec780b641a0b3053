"""Fault drill: slow uploaders against gunicorn, and the sign-in page meanwhile.

Three PICs upload a large PDF each over a slow office link (default 40 MB at 256 KB/s,
about 160 s, longer than gunicorn's 120 s timeout) through the API, while a fourth
person opens the sign-in page twice a second. Run once per worker class:

    .venv/bin/python bench/slow_uploads.py --worker-class sync
    .venv/bin/python bench/slow_uploads.py --worker-class gthread

gunicorn runs as docker-compose runs it (``-c python:zi_portal.gunicorn_conf``: three
workers; gthread with eight threads each), with the production settings on a
throw-away SQLite database and media folder. Printed: each upload's outcome (HTTP status,
seconds, a row and a stored file with its SHA-256 afterwards), and the sign-in page's
latency (median, p95, max, failures) while the uploads run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stats import percentile  # noqa: E402
from bench.upload_server import (  # noqa: E402
    BASE_DIR,
    VENV_BIN,
    free_port,
    manage,
    production_env,
    shell_line,
    stop,
    wait_for_port,
)

SETUP = """
from workplan.models import EvidenceRequirement
from zi_portal.accounts.models import User
from zi_portal.accounts.services import api_token_for
items = list(EvidenceRequirement.objects.filter(cell__area__code="PW").order_by("pk")[:3])
user = User.objects.get(email="pic.pw@example.org")
print("SETUP", [i.pk for i in items], api_token_for(user=user, name="bench"))
"""

CHECK = """
import hashlib, json
from evidence.models import EvidenceVersion
rows = [
    (v.requirement_id, v.sha256, hashlib.sha256(v.file.read()).hexdigest())
    for v in EvidenceVersion.objects.all()
]
print("CHECK", json.dumps(rows))
"""


def pdf_of(size: int) -> bytes:
    filler = os.urandom(size)
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + b"3 0 obj<</Length %d>>stream\n" % len(filler)
        + filler
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def slow_upload(port, item, token, data, rate, result):
    boundary = "zibenchboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="lambat-{item}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body_length = len(head) + len(data) + len(tail)
    request = (
        f"POST /api/v1/requirements/{item}/evidence/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Token {token}\r\nContent-Type: multipart/form-data; "
        f"boundary={boundary}\r\nContent-Length: {body_length}\r\nConnection: close\r\n\r\n"
    ).encode()
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=600) as sock:
            sock.sendall(request + head)
            chunk = 16 * 1024
            for offset in range(0, len(data), chunk):
                sock.sendall(data[offset : offset + chunk])
                # Pace to ``rate`` bytes per second from the start.
                ahead = (offset + chunk) / rate - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)
            sock.sendall(tail)
            answer = b""
            while piece := sock.recv(65536):
                answer += piece
        status = int(answer.split(b" ", 2)[1]) if answer else 0
        result.update(status=status, seconds=time.monotonic() - start)
    except OSError as exc:
        result.update(status=f"{type(exc).__name__}", seconds=time.monotonic() - start)


def probe_sign_in(port, stop_event, samples, failures):
    while not stop_event.is_set():
        start = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.settimeout(30)
                sock.sendall(
                    b"GET /akun/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                answer = b""
                while piece := sock.recv(65536):
                    answer += piece
            if not answer.startswith(b"HTTP/1.1 200"):
                failures.append(answer[:40])
            else:
                samples.append(time.monotonic() - start)
        except OSError as exc:
            failures.append(f"{type(exc).__name__} after {time.monotonic() - start:.1f} s")
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread")
    parser.add_argument("--mb", type=float, default=40.0, help="size of each upload (MB)")
    parser.add_argument("--rate-kb", type=float, default=256.0, help="each link, KB/s")
    parser.add_argument("--uploads", type=int, default=3)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="zi-bench-slow-"))
    env = production_env(tmp)
    env.pop("FILE_UPLOAD_TEMP_DIR")  # the default: inside the media folder
    for sub in ("var", "media", "static"):
        (tmp / sub).mkdir()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")
    items, token = shell_line(env, SETUP, "SETUP").rsplit(" ", 1)
    items = json.loads(items)
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        "-c",
        "python:zi_portal.gunicorn_conf",
        "zi_portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        args.worker_class,
        # gunicorn silently runs gthread when threads > 1, whatever the class says.
        "--threads",
        "8" if args.worker_class == "gthread" else "1",
        "--access-logfile",
        "/dev/null",
    ]
    log = tmp / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(server, port, log, "gunicorn")
        time.sleep(2)
        data = [pdf_of(int(args.mb * 1024 * 1024)) for _ in range(args.uploads)]
        results = [{} for _ in data]
        samples, failures, done = [], [], threading.Event()
        prober = threading.Thread(target=probe_sign_in, args=(port, done, samples, failures))
        uploaders = [
            threading.Thread(
                target=slow_upload,
                args=(port, items[n % len(items)], token, data[n], args.rate_kb * 1024, results[n]),
            )
            for n in range(args.uploads)
        ]
        for thread in uploaders:
            thread.start()
        time.sleep(1)
        prober.start()
        for thread in uploaders:
            thread.join()
        done.set()
        prober.join()
        stored = json.loads(shell_line(env, CHECK, "CHECK"))
    finally:
        stop(server)
    kills = log.read_text().count("WORKER TIMEOUT")
    print(
        f"gunicorn {args.worker_class}: {args.uploads} uploads of {args.mb:g} MB at "
        f"{args.rate_kb:g} KB/s (machine: {os.cpu_count()} cores)"
    )
    for n, result in enumerate(results):
        expected = hashlib.sha256(data[n]).hexdigest()
        kept = any(row[1] == expected == row[2] for row in stored)
        print(
            f"  upload {n + 1}: status {result.get('status')} after "
            f"{result.get('seconds', 0):.1f} s; row and file with its SHA-256: {kept}"
        )
    print(f"  worker timeouts (killed workers): {kills}")
    if samples:
        print(
            f"  sign-in page while uploading: {len(samples)} answers, median "
            f"{percentile(samples, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(samples, 0.95) * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms"
        )
    print(f"  sign-in page failures: {len(failures)} {failures[:3]}")
    if any(str(r.get("status")).startswith("5") for r in results):
        print(log.read_text()[-6000:])
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
