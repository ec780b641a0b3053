"""A real Celery worker and beat, as `make run` and docker-compose start them.

On a laptop they run on Celery's filesystem transport; in CI on Redis. The tasks write
to the same database the test reads, so this proves web → broker → worker → database
and beat → broker → worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_service, test_database_url
from zi_portal.core.models import WorkerHeartbeat
from zi_portal.core.tasks import heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CELERY = str(Path(sys.executable).with_name("celery"))


database_url = test_database_url  # kept for the other worker tests that import it


def broker_available() -> bool:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return True
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 - any failure means the broker is not there
        return False


def start(args: list[str], tmp_path: Path, name: str, **extra_env: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zi_portal.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **extra_env,
    }
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [CELERY, "-A", "zi_portal", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for(predicate, timeout: float, what: str, logs: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    dump = "\n".join(p.read_text()[-3000:] for p in logs.glob("*.log"))
    pytest.fail(f"timed out waiting for {what}\n{dump}")


def test_worker_runs_tasks_from_the_web_and_from_beat(tmp_path):
    require_service(broker_available(), f"the Celery broker at {settings.CELERY_BROKER_URL}")
    worker = start(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "-n",
            "zi-test@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        tmp_path,
        "worker",
    )
    beat = None
    try:
        # 1. A task queued by the web process (this test) is run by the worker.
        heartbeat.delay()
        wait_for(
            lambda: WorkerHeartbeat.objects.filter(hostname__startswith="zi-test@").exists(),
            60,
            "the worker to run a queued task",
            tmp_path,
        )
        first = WorkerHeartbeat.objects.get(hostname__startswith="zi-test@")
        # 2. Beat publishes the heartbeat on its schedule and the worker runs it.
        beat = start(
            ["beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")],
            tmp_path,
            "beat",
            ZI_HEARTBEAT_SECONDS="1",
        )
        wait_for(
            lambda: WorkerHeartbeat.objects.get(pk=first.pk).beats >= first.beats + 2,
            60,
            "two scheduled heartbeats from beat",
            tmp_path,
        )
    finally:
        stop(*(p for p in (beat, worker) if p is not None))
    assert worker.returncode is not None


def test_status_page_shows_the_worker(client, django_user_model):
    from django.utils import timezone

    from zi_portal.accounts.roles import GROUP_NAMES, Role
    from zi_portal.accounts.services import roles_ensure

    groups = roles_ensure()
    ketua = django_user_model.objects.create_user("k@example.org", "x", name="Ketua")
    ketua.groups.add(groups[Role.KETUA])
    WorkerHeartbeat.objects.create(hostname="celery@server", last_seen=timezone.now(), beats=5)
    WorkerHeartbeat.objects.create(
        hostname="celery@old", last_seen=timezone.now() - timezone.timedelta(hours=2), beats=1
    )
    client.force_login(ketua)
    body = client.get("/status/").content.decode()
    assert "<title>Status sistem · ZI Portal</title>" in body
    assert "celery@server" in body and "Aktif" in body
    assert "celery@old" in body and "Tidak ada detak" in body
    # No beat row yet: the page says beat was never seen, even with a worker alive.
    assert 'Penjadwal</td><td colspan="3"><span class="badge badge-bad">' in body
    WorkerHeartbeat.objects.create(
        hostname="beat@server", kind="beat", last_seen=timezone.now(), beats=3
    )
    body = client.get("/status/").content.decode()
    assert 'Penjadwal</td><td data-label="Nama">beat@server</td>' in body
    assert GROUP_NAMES[Role.KETUA] == "Ketua Tim ZI"


def test_status_page_shows_the_broker_and_the_outbox(
    client, django_user_model, settings, django_assert_max_num_queries, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from zi_portal.accounts.roles import Role
    from zi_portal.accounts.services import roles_ensure
    from zi_portal.core.models import OutboxTask

    ketua = django_user_model.objects.create_user("k@example.org", "x", name="Ketua")
    ketua.groups.add(roles_ensure()[Role.KETUA])
    now = timezone.now()
    rows = [
        {"not_before": now - timedelta(minutes=5), "failures": 2, "last_error": "refused"},
        {"not_before": now - timedelta(minutes=1)},
        {"not_before": now + timedelta(minutes=15)},
        {"not_before": now, "sent_at": now},
        {"not_before": now, "gave_up_at": now, "sends": 6, "last_error": "ConnectionError: x"},
    ]
    for n, row in enumerate(rows):
        OutboxTask.objects.create(task="monev.tasks.send_message", args=[n], task_id=f"t{n}", **row)
    client.force_login(ketua)
    with django_assert_max_num_queries(12):
        body = client.get("/status/").content.decode()
    assert "Menunggu dikirim ke broker</dt><dd>2 · tertua sejak" in body
    assert 'Ditolak broker, dicoba lagi</dt><dd><span class="badge badge-warn">1</span>' in body
    assert "Diterima broker, belum dijalankan</dt><dd>1</dd>" in body
    assert "Terjadwal nanti</dt><dd>1</dd>" in body
    assert "ConnectionError: x" in body
    # The broker is asked now: a port nobody listens on is shown as not connected.
    from celery import Celery

    from zi_portal.celery import app as portal_app

    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # wins over conf
    away = Celery("zi-away", set_as_current=False)
    away.conf.update(broker_url="redis://127.0.0.1:1/0", broker_connection_timeout=1)
    away.set_current()
    try:
        body = client.get("/status/").content.decode()
    finally:
        portal_app.set_current()
        away.close()
    assert "Tidak terhubung</span> redis" in body
    assert "Connection refused" in body
