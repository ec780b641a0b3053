"""A gunicorn worker killed in the middle of an upload (an OOM kill, a power cut):
no row, no stored file; only its temporary file remains, which the storage
reconciliation removes. gunicorn runs with the portal's configuration (threaded
workers) on the test database; the upload arrives slowly over a real socket."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.models import EvidenceVersion
from tests.conftest import free_port, test_database_url
from tests.core.test_worker import wait_for
from tests.evidence.conftest import files_under
from tests.evidence.test_disk_full import big_pdf
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement
from zi_portal.accounts.services import api_token_for

pytestmark = pytest.mark.django_db(transaction=True)

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _worker_pids(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return found


def test_a_worker_killed_mid_upload_leaves_no_row_and_no_file(demo, settings, tmp_path):
    media = Path(settings.MEDIA_ROOT)
    incoming = media / ".incoming"
    item = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__area__code="PW"
    ).first()
    token = api_token_for(user=demo["users"]["pic.pw"], name="test")
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zi_portal.settings.test",
        "DATABASE_URL": test_database_url(),
        "ZI_TEST_MEDIA_ROOT": str(media),
    }
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                GUNICORN,
                "-c",
                "python:zi_portal.gunicorn_conf",
                "zi_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: _worker_pids(server.pid), 30, "a gunicorn worker", tmp_path)
        data = big_pdf(4)
        boundary = "zikilledupload"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="laporan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        length = len(head) + len(data) + len(f"\r\n--{boundary}--\r\n")
        request = (
            f"POST /api/v1/requirements/{item.pk}/evidence/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Token {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {length}\r\n\r\n"
        ).encode()
        deadline = time.monotonic() + 30
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        with sock:
            sock.sendall(request + head + data[: 2 * 1024 * 1024])  # half of the file
            wait_for(
                lambda: any(p.stat().st_size > 0 for p in incoming.glob("*.upload*")),
                30,
                "the upload to be received",
                tmp_path,
            )
            for pid in _worker_pids(server.pid):
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert EvidenceVersion.objects.count() == 0
    stored = [p for p in files_under(media) if ".incoming" not in p.parts]
    assert stored == []
    leftovers = list(incoming.glob("*.upload*"))
    assert len(leftovers) == 1  # what the killed worker was receiving
    # Six hours on, the daily check (or the command) removes it.
    then = time.time() - 7 * 3600
    os.utime(leftovers[0], (then, then))
    out = io.StringIO()
    call_command("reconcile_storage", "--apply", stdout=out)
    assert "Removed 1 temporary file(s)." in out.getvalue()
    assert files_under(media) == []
