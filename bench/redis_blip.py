"""Fault drill: Redis (broker and cache) goes away for a while under load.

    .venv/bin/python bench/redis_blip.py --outage 30 --duration 70

Runs the production shape natively: gunicorn (``zi_portal.gunicorn_conf``), a Celery
worker and beat, all with the production settings, a throw-away SQLite database, a
redis-server of its own (killed and restarted, keeping nothing, as in production) and a
real SMTP sink. Four client threads review evidence through the API ("Minta revisi",
which queues a revision e-mail) and one signs in (the token endpoint) without pause.
Redis is killed ``--outage`` seconds into the run, for ``--outage`` seconds.

Printed per request type: answers by status, median and p95; then lost work: reviews
answered 201 without a row, outbox tasks not run two minutes after Redis returned,
revision e-mails that never reached the SMTP sink, and whether the worker survived.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

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
import json
from evidence import services
from evidence.models import EvidenceVersion
from django.core.files.uploadedfile import SimpleUploadedFile
from workplan.models import EvidenceRequirement
from zi_portal.accounts.models import User
from zi_portal.accounts.services import api_token_for
pic = User.objects.get(email="pic.pw@example.org")
tpi = User.objects.get(email="tpi@example.org")
items = list(EvidenceRequirement.objects.filter(
    cell__area__code="PW", cell__quarter__plan__unit__code="PUSBANG-APARATUR-KOMDIGI"
))
ids = []
for n in range(COUNT):
    body = (b"%PDF-1.4\\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\\ntrailer<</Root 1 0 R>>\\n% "
            + str(n).encode() + b"\\n%%EOF\\n")
    v = services.evidence_upload_file(requirement=items[n % len(items)], user=pic,
        upload=SimpleUploadedFile(f"bukti-{n}.pdf", body, "application/pdf"))
    ids.append(v.pk)
print("SETUP", json.dumps({"versions": ids, "token": api_token_for(user=tpi, name="bench")}))
"""

CHECK = """
import json
from collections import Counter
from evidence.models import Review
from monev.models import Message
from zi_portal.core.models import OutboxTask
print("CHECK", json.dumps({
    "reviews": Review.objects.filter(decision="revise").count(),
    "outbox_open": OutboxTask.objects.filter(done_at__isnull=True, gave_up_at__isnull=True).count(),
    "outbox_given_up": OutboxTask.objects.filter(gave_up_at__isnull=False).count(),
    "messages": dict(Counter(Message.objects.values_list("status", flat=True))),
}))
"""


class Sink:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


def call(url, body, token=None):
    # Only http:// URLs of the bench's own server reach here.
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError as exc:
        status = type(exc).__name__
    return status, time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outage", type=float, default=30)
    parser.add_argument("--duration", type=float, default=70)
    parser.add_argument("--reviews", type=int, default=600)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="zi-bench-blip-"))
    redis_port, smtp_port = free_port(), free_port()
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = production_env(tmp)
    env.pop("FILE_UPLOAD_TEMP_DIR")
    env.update(
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        ZI_CACHE_URL=f"redis://127.0.0.1:{redis_port}/1",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        ZI_MFA_REQUIRED="false",
        ZI_REVISION_BATCH_MINUTES="0",
        LOG_LEVEL="INFO",
    )
    for sub in ("var", "media", "static"):
        (tmp / sub).mkdir()
    redis_cmd = [
        "redis-server",
        "--port",
        str(redis_port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp),
    ]
    redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
    procs = []
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput")
        setup = json.loads(shell_line(env, SETUP.replace("COUNT", str(args.reviews)), "SETUP"))
        port = free_port()
        logs = {name: (tmp / f"{name}.log").open("w") for name in ("web", "worker", "beat")}
        web = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "python:zi_portal.gunicorn_conf",
                "zi_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=logs["web"],
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "zi_portal",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
        )
        beat = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "zi_portal",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(tmp / "var" / "beat-schedule"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=logs["beat"],
            stderr=subprocess.STDOUT,
        )
        procs = [web, worker, beat]
        wait_for_port(web, port, tmp / "web.log", "gunicorn")
        time.sleep(5)
        base = f"http://127.0.0.1:{port}"
        results = defaultdict(list)
        versions = list(setup["versions"])
        lock = threading.Lock()
        end = time.monotonic() + args.duration
        stop_at = time.monotonic() + args.outage
        pause = 4 * args.duration / args.reviews

        def reviewer():
            while time.monotonic() < end:
                with lock:
                    if not versions:
                        return
                    pk = versions.pop()
                status, seconds = call(
                    f"{base}/api/v1/evidence/{pk}/review/",
                    {"decision": "revise", "comment": "Lengkapi tanda tangan."},
                    setup["token"],
                )
                with lock:
                    results["review"].append((status, seconds, time.monotonic() < stop_at))
                time.sleep(pause)  # spread the reviews over the whole run

        def signer():
            while time.monotonic() < end:
                status, seconds = call(
                    f"{base}/api/v1/auth/token/",
                    {"email": "pic.pw@example.org", "password": "salah"},
                )
                with lock:
                    results["sign-in (wrong password)"].append((status, seconds, False))
                time.sleep(0.2)

        threads = [threading.Thread(target=reviewer) for _ in range(4)]
        threads.append(threading.Thread(target=signer))
        for t in threads:
            t.start()
        time.sleep(max(0, stop_at - time.monotonic()))
        redis.kill()
        redis.wait()
        killed_at = time.monotonic()
        time.sleep(args.outage)
        redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
        back_at = time.monotonic()
        for t in threads:
            t.join()
        # Beat's flush (every 20 s) hands over what waited; give it two minutes.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            check = json.loads(shell_line(env, CHECK, "CHECK"))
            if not check["outbox_open"] and sink.count >= check["messages"].get("sent", 0) > 0:
                break
            time.sleep(5)
        drained = time.monotonic() - back_at
        worker_alive = worker.poll() is None
    finally:
        for proc in procs:
            stop(proc)
        stop(redis)
        smtp.stop()
    print(
        f"Redis down {args.outage:g} s of a {args.duration:g} s run "
        f"(killed {killed_at - (end - args.duration):.0f} s in); {os.cpu_count()} cores"
    )
    print("| request | answers | by status | median ms | p95 ms |")
    print("| --- | ---: | --- | ---: | ---: |")
    for kind, rows in results.items():
        ok = [s for _st, s, _ in rows]
        statuses = dict(Counter(str(st) for st, _s, _ in rows))
        print(
            f"| {kind} | {len(rows)} | {statuses} | {percentile(ok, 0.5) * 1000:.0f} | "
            f"{percentile(ok, 0.95) * 1000:.0f} |"
        )
    answered = sum(1 for st, _s, _ in results["review"] if st == 201)
    print(
        f"reviews answered 201: {answered}; revision reviews stored: {check['reviews']} "
        f"(lost: {answered - check['reviews']})"
    )
    print(
        f"outbox after {drained:.0f} s: open {check['outbox_open']}, given up "
        f"{check['outbox_given_up']}; messages {check['messages']}; e-mails at the sink "
        f"{sink.count}; worker alive: {worker_alive}"
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
