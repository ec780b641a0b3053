"""The production shape, natively, for the fault drills (redis_blip, pg_restart,
worker_kill, rush): gunicorn (``zi_portal.gunicorn_conf``), a Celery worker and beat with
the production settings, a redis-server of the drill's own (broker and cache, keeping
nothing, as in production), a real SMTP sink, and a database: a throw-away SQLite file,
or the ``DATABASE_URL`` the drill gives (a PostgreSQL cluster of its own, pgcluster.py).

Also the drills' common load: reviewers asking for revisions through the API (each
queues a revision e-mail) and people signing in, with what they were answered.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

from aiosmtpd.controller import Controller

from bench.stats import percentile
from bench.upload_server import (
    BASE_DIR,
    VENV_BIN,
    free_port,
    manage,
    production_env,
    shell_line,
    stop,
    wait_for_port,
)

REVIEW_SETUP = """
import json
from evidence import services
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
from monev.sweep_reads import revision_notices
from zi_portal.core.models import OutboxTask
print("CHECK", json.dumps({
    "reviews": Review.objects.filter(decision="revise").count(),
    "untold": sum(1 for _ in revision_notices()),
    "outbox_open": OutboxTask.objects.filter(done_at__isnull=True, gave_up_at__isnull=True).count(),
    "outbox_given_up": OutboxTask.objects.filter(gave_up_at__isnull=False).count(),
    "messages": dict(Counter(Message.objects.values_list("status", flat=True))),
    "sent_ids": list(Message.objects.filter(status="sent").values_list("pk", flat=True)),
}))
"""


class Sink:
    """An SMTP server that counts what reaches it, and each Message id (the portal puts
    it in ``X-ZI-Message``) so that a duplicate send shows."""

    def __init__(self):
        self.count = 0
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        head = envelope.content.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
        ids = [
            line.split(":", 1)[1].strip()
            for line in head.splitlines()
            if line.lower().startswith("x-zi-message:")
        ]
        with self.lock:
            self.count += 1
            self.ids.update(ids)
        return "250 OK"

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.ids.values() if n > 1)


class Stack:
    """Start with ``Stack(database_url=…)``, ``setup()``, then ``start()``; ``close()``
    stops everything and removes the folder."""

    def __init__(self, name: str, database_url: str | None = None, **env: str) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix=f"zi-bench-{name}-"))
        self.redis_port, self.smtp_port, self.port = free_port(), free_port(), free_port()
        self.sink = Sink()
        self.smtp = Controller(self.sink, hostname="127.0.0.1", port=self.smtp_port)
        self.smtp.start()
        self.env = production_env(self.tmp)
        self.env.pop("FILE_UPLOAD_TEMP_DIR")
        self.env.update(
            CELERY_BROKER_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            ZI_CACHE_URL=f"redis://127.0.0.1:{self.redis_port}/1",
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp_port}",
            ZI_MFA_REQUIRED="false",
            ZI_REVISION_BATCH_MINUTES="0",
            LOG_LEVEL="INFO",
        )
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.env.update(env)
        for sub in ("var", "media", "static"):
            (self.tmp / sub).mkdir()
        self.redis: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None
        self.start_redis()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- processes -------------------------------------------------------------------

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def kill_redis(self) -> None:
        self.redis.kill()
        self.redis.wait()

    def setup(self, *, static: bool = False) -> None:
        manage(self.env, "migrate", "--noinput")
        manage(self.env, "seed_demo")
        if static:
            manage(self.env, "collectstatic", "--noinput")

    def shell(self, code: str, tag: str):
        return json.loads(shell_line(self.env, code, tag))

    def _spawn(self, name: str, words: list[str]) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("a")
        # A process group of its own: a drill can kill a process with its children.
        return subprocess.Popen(
            words,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_web(self) -> None:
        self.web = self._spawn(
            "web",
            [
                str(VENV_BIN / "gunicorn"), "-c", "python:zi_portal.gunicorn_conf",
                "zi_portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                "--access-logfile", "/dev/null",
            ],
        )  # fmt: skip
        wait_for_port(self.web, self.port, self.tmp / "web.log", "gunicorn")

    def start_worker(self, concurrency: int = 2) -> None:
        self.worker = self._spawn(
            "worker",
            [
                str(VENV_BIN / "celery"), "-A", "zi_portal", "worker", "--loglevel=INFO",
                f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
            ],
        )  # fmt: skip

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool processes at once (a container killed, the
        machine's OOM killer taking the group): nothing gets to clean up."""
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait()

    def start_beat(self) -> None:
        self.beat = self._spawn(
            "beat",
            [
                str(VENV_BIN / "celery"), "-A", "zi_portal", "beat", "--loglevel=INFO",
                "--schedule", str(self.tmp / "var" / "beat-schedule"),
            ],
        )  # fmt: skip

    def start(self) -> None:
        self.start_web()
        self.start_worker()
        self.start_beat()
        time.sleep(5)  # the worker connects, beat sends its first flush

    def close(self, keep: bool = False) -> None:
        for proc in (self.web, self.worker, self.beat, self.redis):
            stop(proc)
        self.smtp.stop()
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- what the drills check afterwards --------------------------------------------

    def check(self) -> dict:
        return self.shell(CHECK, "CHECK")

    def wait_delivered(self, timeout: float = 120) -> dict:
        """Until the outbox is empty and every sent message reached the sink."""
        deadline = time.monotonic() + timeout
        while True:
            check = self.check()
            sent = check["messages"].get("sent", 0)
            done = not check["outbox_open"] and not check["untold"] and self.sink.count >= sent > 0
            if done or time.monotonic() > deadline:
                return check
            time.sleep(5)


# --- the load ---------------------------------------------------------------------------


def call(
    url: str,
    body: dict | None = None,
    token: str | None = None,
    timeout: float = 30,
    client: str | None = None,
):
    """POST JSON (or GET without a body); return the status (or the error's name) and
    the seconds it took. ``client``: the address a proxy in front would append
    (X-Forwarded-For; the portal reads it with ZI_TRUSTED_PROXY_COUNT=1)."""
    data = json.dumps(body).encode() if body is not None else None
    # Only http:// URLs of the drill's own server reach here.
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    if client:
        request.add_header("X-Forwarded-For", client)
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError as exc:
        status = type(exc).__name__
    return status, time.monotonic() - start


class ReviewLoad:
    """Four reviewers ask for revisions of the prepared versions through the API, spread
    over ``duration`` seconds, and one client signs in at the token endpoint (``password``
    right or wrong) every 0.2 s, each time from another office address (X-Forwarded-For,
    read when the stack trusts one proxy). ``results[kind]`` holds (status, seconds, at) with ``at``
    seconds since the start."""

    def __init__(self, stack: Stack, count: int, duration: float, password: str) -> None:
        setup = stack.shell(REVIEW_SETUP.replace("COUNT", str(count)), "SETUP")
        self.base = stack.url
        self.versions = list(setup["versions"])
        self.token = setup["token"]
        self.duration = duration
        self.password = password
        self.pause = 4 * duration / count
        self.results: dict[str, list] = defaultdict(list)
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def _record(self, kind: str, status, seconds: float) -> None:
        with self.lock:
            self.results[kind].append((status, seconds, time.monotonic() - self.began))

    def _reviewer(self) -> None:
        while time.monotonic() < self.end:
            with self.lock:
                if not self.versions:
                    return
                pk = self.versions.pop()
            status, seconds = call(
                f"{self.base}/api/v1/evidence/{pk}/review/",
                {"decision": "revise", "comment": "Lengkapi tanda tangan."},
                self.token,
            )
            self._record('review "Minta revisi" (API)', status, seconds)
            time.sleep(self.pause)

    def _signer(self) -> None:
        kind = "sign-in (API token, " + (
            "right password)" if self.password == "zi-demo-2026" else "wrong password)"
        )
        n = 0
        while time.monotonic() < self.end:
            n += 1
            status, seconds = call(
                f"{self.base}/api/v1/auth/token/",
                {"email": "pic.pw@example.org", "password": self.password},
                client=f"10.20.{n // 250 % 250}.{n % 250 + 1}",
            )
            self._record(kind, status, seconds)
            time.sleep(0.2)

    def start(self) -> None:
        self.began = time.monotonic()
        self.end = self.began + self.duration
        self.threads = [threading.Thread(target=self._reviewer) for _ in range(4)]
        self.threads.append(threading.Thread(target=self._signer))
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join()

    def answered(self, status=201, kind='review "Minta revisi" (API)') -> int:
        return sum(1 for st, _s, _at in self.results[kind] if st == status)


def print_table(results: dict[str, list], window: tuple[float, float] | None = None) -> None:
    """Per request type: answers, by status, median and p95; with ``window`` (from, to
    seconds since the start) also the answers in it by status."""
    head = "| request | answers | by status | median ms | p95 ms |"
    rule = "| --- | ---: | --- | ---: | ---: |"
    if window:
        head += " during the fault |"
        rule += " --- |"
    print(head)
    print(rule)
    for kind, rows in results.items():
        seconds = [s for _st, s, _at in rows]
        statuses = dict(Counter(str(st) for st, _s, _at in rows))
        line = (
            f"| {kind} | {len(rows)} | {statuses} | {percentile(seconds, 0.5) * 1000:.0f} | "
            f"{percentile(seconds, 0.95) * 1000:.0f} |"
        )
        if window:
            during = Counter(str(st) for st, _s, at in rows if window[0] <= at <= window[1])
            line += f" {dict(during)} |"
        print(line)


def machine() -> str:
    return f"{os.cpu_count()} cores"
