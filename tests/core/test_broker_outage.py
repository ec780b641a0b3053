"""Redis goes away and comes back, under a real worker, with real e-mail.

Each test starts its own redis-server on a free port (never the shared 6379) and a real
Celery worker on it, stops and restarts that Redis, and checks what a user would see:

* the worker does not die when Redis restarts while it holds a waiting task (kombu 5.7
  crashed it: ``zi_portal/brokerfix.py``), and runs the next task;
* with Redis down, a review asking for revision, a report request and the reminder
  sweep are saved and answered 2xx, their tasks wait in the outbox; when Redis is back
  the flush (what beat runs every 20 s) hands them over, the e-mails arrive at a real
  SMTP server and the report is built.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from evidence import services as evidence_services
from evidence.models import Review
from monev import sweep
from monev.choices import MessageStatus, ReportStatus
from monev.models import Message, Report
from tests.conftest import free_port, require_service
from tests.core.test_worker import start, stop, wait_for
from tests.evidence import samples
from tests.monev.test_worker_smtp import celery_worker, smtp  # noqa: F401 - fixture
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement
from zi_portal.celery import app as portal_app
from zi_portal.core import outbox
from zi_portal.core.models import OutboxTask, WorkerHeartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class OwnRedis:
    """A redis-server of this test only, which keeps nothing on disk (as in production)."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=open(self.folder / "redis.log", "a"),  # noqa: SIM115 - closed with it
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # as a crash: nothing is saved
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path):
    require_service(shutil.which("redis-server") is not None, "redis-server (Debian: redis)")
    folder = tmp_path / "redis"
    folder.mkdir()
    redis = OwnRedis(folder)
    redis.start()
    yield redis
    redis.stop()


@contextmanager
def current_broker(url: str):
    """This process hands tasks to ``url`` (the outbox publishes through current_app).
    Celery's CELERY_BROKER_URL environment variable wins over any configuration, so it
    is pointed at ``url`` too while this lasts."""
    before = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    app = Celery("zi-outage", set_as_current=False)
    app.conf.update(
        broker_url=url,
        broker_transport_options=dict(django_settings.CELERY_BROKER_TRANSPORT_OPTIONS),
        broker_connection_timeout=1,
        task_publish_retry_policy=django_settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
        task_default_queue="celery",
    )
    app.set_current()
    try:
        yield app
    finally:
        portal_app.set_current()
        app.close()
        if before is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = before


def test_the_worker_survives_redis_restarting_under_a_waiting_task(own_redis, tmp_path):
    worker = start(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "-n",
            "outage@%h",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            "celery",
        ],
        tmp_path,
        "worker",
        CELERY_BROKER_URL=own_redis.url,
    )
    log = tmp_path / "worker.log"
    try:
        with current_broker(own_redis.url) as app:
            wait_for(lambda: "ready." in log.read_text(), 60, "the worker to start", tmp_path)
            # A task with a countdown is held by the worker, unacknowledged, until due:
            # what crashed kombu 5.7 when the connection went.
            app.send_task("zi_portal.core.tasks.heartbeat", countdown=600)
            wait_for(lambda: "heartbeat[" in log.read_text(), 30, "the task", tmp_path)
            own_redis.stop()
            time.sleep(3)
            own_redis.start()
            wait_for(
                lambda: log.read_text().count("Connected to redis://") >= 2,
                90,
                "the worker to reconnect",
                tmp_path,
            )
            assert worker.poll() is None, log.read_text()[-3000:]
            assert "Unrecoverable error" not in log.read_text()
            assert "unacknowledged message(s) not put back now" in log.read_text()
            # And it still works: a new task is run and writes its heartbeat row.
            app.send_task("zi_portal.core.tasks.heartbeat")
            wait_for(
                lambda: WorkerHeartbeat.objects.filter(kind="worker").exists(),
                60,
                "the worker to run a task after the restart",
                tmp_path,
            )
    finally:
        stop(worker)


def test_work_saved_while_redis_is_down_is_delivered_when_it_returns(
    demo,
    own_redis,
    smtp,  # noqa: F811 - the fixture imported above
    settings,
    tmp_path,
    client,
):
    assert not connection.in_atomic_block  # the worker must see what this test writes
    inbox, port = smtp
    users = demo["users"]
    settings.ZI_REVISION_BATCH_MINUTES = 0  # the revision notice is due at once
    settings.ZI_OUTBOX_BACKOFF_SECONDS = 0  # every request tries the broker itself
    item = (
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=2, cell__area__code="PW"
        )
        .order_by("order", "pk")
        .first()
    )
    version = evidence_services.evidence_upload_file(
        requirement=item, user=users["pic.pw"], upload=samples.upload("a.pdf", samples.pdf("a"))
    )
    with current_broker(own_redis.url):
        own_redis.stop()

        # 1. The TPI asks for a revision: saved, answered with the page, not a 500.
        client.force_login(users["tpi"])
        response = client.post(
            reverse("evidence:review", args=[version.pk]),
            {"decision": "revise", "comment": "Lampirkan notulen yang ditandatangani."},
        )
        assert response.status_code == 302
        assert Review.objects.filter(version=version, decision="revise").count() == 1

        # 2. The Ketua asks for the TW I report: queued, answered, not a 500.
        client.force_login(users["ketua"])
        response = client.post(reverse("monev:report_request"), {"jenis": "tw1"}, follow=True)
        assert response.status_code == 200
        assert "dimasukkan ke antrean" in response.content.decode()
        report = Report.objects.get()
        assert report.status == ReportStatus.QUEUED

        # 3. The day's sweep (as a worker runs it): every message is kept, none lost. It
        # also takes up the revision notice, whose own task has not run yet.
        result = sweep.run_sweep(today=date(2026, 4, 8))
        assert len(result.created) == 12 + 1
        assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.QUEUED}

        waiting = OutboxTask.objects.filter(sent_at__isnull=True, done_at__isnull=True)
        assert waiting.count() == 1 + 1 + 13  # notice task, report build, thirteen e-mails
        assert waiting.filter(failures__gt=0).count() == waiting.count()
        assert "Error" in waiting.first().last_error
        assert outbox.flush() == {"sent": 0, "failed": 1, "resent": 0, "given_up": 0}

        # 4. Redis returns, empty. A worker runs; beat's flush hands everything over.
        own_redis.start()
        with celery_worker(
            tmp_path,
            "celery",
            port,
            settings.ZI_SITE_URL,
            CELERY_BROKER_URL=own_redis.url,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
        ):
            flushed = outbox.flush()
            assert flushed["sent"] == 15 and flushed["failed"] == 0
            wait_for(lambda: len(inbox.received()) >= 13, 120, "thirteen e-mails", tmp_path)
            wait_for(
                lambda: Report.objects.get().status == ReportStatus.READY,
                120,
                "the report to be built",
                tmp_path,
            )
            wait_for(
                lambda: not OutboxTask.objects.filter(done_at__isnull=True).exists(),
                60,
                "every outbox row done",
                tmp_path,
            )
    recipients = sorted(r for mail in inbox.received() for r in mail.rcpt_tos)
    assert recipients.count("pic.pw@example.org") == 2  # the overdue reminder and the notice
    assert len(recipients) == 13
    subjects = [mail.parse()["Subject"] for mail in inbox.received()]
    assert "Permintaan revisi bukti dukung ZI (1 butir)" in subjects
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    report = Report.objects.get()
    assert report.file.read(5) == b"%PDF-"
