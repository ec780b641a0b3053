"""Quiet logs: one line per request problem, and `make run` stopping cleanly on Ctrl+C.

A refused (403), missing (404) or bad (400) request is one WARNING record without
traceback, saying status, method, path and user id; a 500 keeps its traceback. The dev
runner (``zi_portal.devrun``, what `make run` runs) stops runserver, the Celery worker
and beat on SIGINT with exit 0, no ERROR line and nothing killed.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from evidence import services
from tests.conftest import free_port, test_database_url
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement

REQUEST_LOGGERS = ("django.request", "django.security")


def problems(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(REQUEST_LOGGERS)]


@pytest.fixture
def pic(demo):
    user = demo["users"]["pic.pw"]
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client, user


def test_a_404_is_one_warning_line_without_traceback(pic, caplog):
    client, user = pic
    with caplog.at_level(logging.INFO):
        assert client.get("/tidak-ada/").status_code == 404
    [record] = problems(caplog)
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    assert record.getMessage().startswith(f"404 GET /tidak-ada/ user={user.pk}: Not Found")
    assert "\n" not in record.getMessage()


def test_a_403_is_one_warning_line_with_the_reason_and_no_traceback(pic, caplog):
    client, user = pic
    with caplog.at_level(logging.INFO):
        assert client.get("/status/").status_code == 403
    [record] = problems(caplog)
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    message = record.getMessage()
    assert message.startswith(f"403 GET /status/ user={user.pk}: Forbidden (Permission denied)")
    assert "Ketua Tim ZI" in message  # the refusal's own text


def test_a_400_is_one_warning_line(pic, caplog):
    client, user = pic
    with caplog.at_level(logging.INFO):
        assert client.get("/rencana/2026/?area=%00").status_code == 400
    [record] = problems(caplog)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage().startswith(f"400 GET /rencana/2026/ user={user.pk}")


def test_a_suspicious_request_is_one_line_not_an_error_and_a_bad_request(caplog, settings):
    settings.ALLOWED_HOSTS = ["portal.example"]
    with caplog.at_level(logging.INFO):
        assert Client(raise_request_exception=False).get("/", HTTP_HOST="x.test").status_code == 400
    [record] = problems(caplog)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage().startswith("400 GET / user=-: Invalid HTTP_HOST header")


def test_a_500_keeps_its_traceback_once(demo, monkeypatch, caplog):
    def fail(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "evidence_upload_file", fail)
    item = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__area__code="PW"
    ).first()
    client = Client(raise_request_exception=False)
    client.force_login(demo["users"]["pic.pw"])
    with caplog.at_level(logging.INFO):
        response = client.post(
            reverse("evidence:upload", args=[item.pk]),
            {"file": samples.upload("a.pdf", samples.pdf("a")), "evidence_date": "2027-01-05"},
        )
    assert response.status_code == 500
    [record] = problems(caplog)
    assert record.levelname == "ERROR"
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)


def test_the_access_line_of_a_problem_is_dropped_and_others_kept():
    from zi_portal.core.logs import RequestProblems

    keep = RequestProblems()

    def server_record(status: int) -> logging.LogRecord:
        record = logging.LogRecord(
            "django.server", logging.INFO, "", 0, '"GET / HTTP/1.1" %s 1', (status,), None
        )
        record.status_code = status
        return record

    assert keep.filter(server_record(200)) and keep.filter(server_record(302))
    assert not keep.filter(server_record(404)) and not keep.filter(server_record(500))


# --- make run, stopped with Ctrl+C --------------------------------------------------


def _wait(predicate, seconds: float, what: str, output: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}:\n{output.read_text()[-4000:]}")


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_make_runs_runner_stops_web_worker_and_beat_cleanly_on_ctrl_c(tmp_path):
    """``make run``'s last step on a free port, the test database and a private var
    folder (the filesystem broker in ``tmp_path``), so nothing is shared with other runs.
    The worker listens on a queue of its own: beat's due tasks wait in the private broker
    and the test database is left alone; its start and stop are the same."""
    port = free_port()
    procfile = tmp_path / "Procfile.dev"
    lines = []
    for line in (settings.BASE_DIR / "Procfile.dev").read_text().splitlines():
        if line.startswith("worker:"):
            line += " -Q zi-devrun-test"
        lines.append(line)
    procfile.write_text("\n".join(lines) + "\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_", "ZI_", "EMAIL_"))
    }
    env.update(
        ZI_HOST="127.0.0.1",
        ZI_PORT=str(port),
        ZI_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=test_database_url(),
    )
    output = tmp_path / "run.log"
    with output.open("wb") as sink:
        runner = subprocess.Popen(
            [sys.executable, "-m", "zi_portal.devrun", str(procfile)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait(lambda: _answers(f"http://127.0.0.1:{port}/tidak-ada/"), 90, "runserver", output)
            _wait(lambda: "ready." in output.read_text(), 90, "the worker", output)
            _wait(lambda: "beat: Starting" in output.read_text(), 90, "beat", output)
            runner.send_signal(signal.SIGINT)
            code = runner.wait(timeout=60)
        finally:
            if runner.poll() is None:
                runner.kill()
                runner.wait()
    text = output.read_text()
    assert code == 0, text
    assert "ERROR" not in text and "Traceback" not in text, text
    assert "SIGKILL" not in text and "Killed" not in text and "killing" not in text, text
    for name in ("web", "worker", "beat"):
        assert f"{name} stopped (exit 0)" in text, text
