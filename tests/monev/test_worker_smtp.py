"""E-mail through the real pipeline: task → broker → Celery worker → SMTP server.

A real worker process (as ``make run`` starts it) runs the reminder sweep and the
revision notice against the test database and hands the e-mails to a real SMTP server
(aiosmtpd on loopback). This proves what the in-process tests cannot: the worker's
settings (EMAIL_URL, DEFAULT_FROM_EMAIL) reach Django's SMTP backend, the messages
are well-formed multipart e-mails, and a sweep queued twice mails each reminder once.

Two details keep the test honest and independent of other runs:

* The worker uses the laptop settings (``zi_portal.settings.local``), not the test
  settings: ``zi_portal.settings.test`` pins ``EMAIL_BACKEND`` to locmem, so EMAIL_URL
  would be ignored and nothing would reach the SMTP server.
* Every test uses its own queue on the shared broker (the default queue of this
  process and of the worker), so tasks left in the broker by earlier runs, or queued by
  a run side by side, never reach this worker, and its tasks never reach theirs.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from kombu import Exchange, Queue

from evidence import services as evidence_services
from monev.choices import MessageStatus, ReminderKind
from monev.models import Message, Notification, ReminderRecord
from monev.tasks import reminder_sweep
from tests.conftest import require_service
from tests.core.test_worker import broker_available, start, stop, wait_for
from tests.evidence import samples
from tests.multiunit import DOMAIN_B, UNIT_A
from workplan.models import EvidenceRequirement
from zi_portal.celery import app as celery_app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PICS = ["pic.mp", "pic.tl", "pic.sdm", "pic.ak", "pic.pw", "pic.pp"]
FROM = "ZI Portal <zi@example.org>"
OVERDUE_DAY = "2026-04-08"  # TW I is overdue from Wednesday 8 April 2026


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes

    def parse(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class Inbox:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Received] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self._received.append(
                Received(
                    envelope.mail_from,
                    tuple(envelope.rcpt_tos),
                    bytes(envelope.original_content),
                )
            )
        return "250 Message accepted for delivery"

    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    """A real SMTP server on loopback; yields (inbox, port)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def private_queue(settings):
    """This test's own queue: what this process queues goes there (see the docstring)."""
    require_service(broker_available(), f"the Celery broker at {settings.CELERY_BROKER_URL}")
    name = f"zi-smtp-{uuid.uuid4().hex[:12]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = name
    yield name
    # Leave nothing behind in the shared broker: no messages, no bindings.
    with celery_app.connection_for_write() as conn:
        queue = Queue(name, Exchange(name), routing_key=name)(conn.default_channel)
        queue.declare()
        queue.purge()
        queue.delete()
    control = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("control_folder")
    if control:  # the filesystem transport keeps an (now empty) exchange file
        (Path(control) / f"{name}.exchange").unlink(missing_ok=True)


@contextmanager
def celery_worker(tmp_path: Path, queue: str, smtp_port: int, site_url: str, **env: str):
    """A worker on ``queue`` that sends e-mail to the SMTP server on ``smtp_port``."""
    worker = start(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            # Extra configuration on the command line: what the worker queues itself
            # (send_message after the sweep) goes to the same private queue.
            f"task_default_queue={queue}",
        ],
        tmp_path,
        "worker",
        DJANGO_SETTINGS_MODULE="zi_portal.settings.local",
        DEBUG="false",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        DEFAULT_FROM_EMAIL=FROM,
        ZI_SITE_URL=site_url,
        **env,
    )
    try:
        yield tmp_path / "worker.log"
    finally:
        stop(worker)


def body(mail: EmailMessage, subtype: str) -> str:
    """The decoded text of one alternative, with the line ends Django rendered."""
    return mail.get_body(preferencelist=(subtype,)).get_content().replace("\r\n", "\n")


def task_outcome(log: Path, task: str, task_id: str) -> str | None:
    """The return value the worker logged for a succeeded task, or None (not yet)."""
    found = re.search(
        rf"Task {re.escape(task)}\[{re.escape(task_id)}\] succeeded in [\d.]+s: (.*)",
        log.read_text(),
    )
    return found.group(1).strip() if found else None


def test_the_sweep_queued_twice_mails_each_overdue_reminder_exactly_once(
    demo, smtp, private_queue, settings, tmp_path
):
    # The test is not wrapped in a transaction: the worker sees the demo data.
    assert not connection.in_atomic_block
    inbox, port = smtp
    site = settings.ZI_SITE_URL.rstrip("/")
    with celery_worker(tmp_path, private_queue, port, site) as log:
        # 1. Queued through the broker as beat queues it; the worker sweeps and mails.
        first = reminder_sweep.delay(OVERDUE_DAY)
        wait_for(
            lambda: len(inbox.received()) >= 12, 90, "twelve e-mails at the SMTP server", tmp_path
        )
        wait_for(
            lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 12,
            30,
            "twelve messages marked sent",
            tmp_path,
        )
        assert task_outcome(log, "monev.tasks.reminder_sweep", first.id) == "12"

        # 2. The same sweep again: it runs, and creates and mails nothing.
        second = reminder_sweep.delay(OVERDUE_DAY)
        wait_for(
            lambda: task_outcome(log, "monev.tasks.reminder_sweep", second.id) is not None,
            60,
            "the second sweep to finish",
            tmp_path,
        )
        assert task_outcome(log, "monev.tasks.reminder_sweep", second.id) == "0"
        deadline = time.monotonic() + 3  # anything it had queued would arrive by now
        while time.monotonic() < deadline:
            assert Message.objects.count() == 12
            assert len(inbox.received()) == 12
            time.sleep(0.25)

    received = inbox.received()
    # The six PICs of each of the two units in the test data (tests/multiunit.py).
    assert len(received) == 12
    assert sorted(r for mail in received for r in mail.rcpt_tos) == sorted(
        f"{pic}@{domain}" for pic in PICS for domain in ("example.org", DOMAIN_B)
    )
    assert {mail.mail_from for mail in received} == {"zi@example.org"}
    messages = Message.objects.select_related("recipient")
    assert {m.status for m in messages} == {MessageStatus.SENT}
    assert {m.kind for m in messages} == {ReminderKind.OVERDUE}
    assert all(m.sent_at is not None and m.attempts == 1 for m in messages)
    # Each message went out once, under its own id.
    ids = sorted(int(mail.parse()["X-ZI-Message"]) for mail in received)
    assert ids == sorted(m.pk for m in messages)
    assert Notification.objects.count() == 12
    assert sorted(Notification.objects.values_list("recipient__email", flat=True)) == sorted(
        f"{pic}@{domain}" for pic in PICS for domain in ("example.org", DOMAIN_B)
    )
    assert ReminderRecord.objects.count() == 12

    pw_mail = next(m for m in received if m.rcpt_tos == ("pic.pw@example.org",))
    pw = pw_mail.parse()
    assert pw["Subject"] == "Bukti dukung ZI terlambat: 5 butir belum lengkap"
    assert pw["From"] == FROM
    assert pw["From"].addresses[0].addr_spec == "zi@example.org"
    assert pw["To"] == "pic.pw@example.org"
    assert pw.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in pw.iter_parts()] == ["text/plain", "text/html"]
    text = body(pw, "plain")
    html = body(pw, "html")
    assert "TW I · PW Penguatan Pengawasan" in text
    assert "Dokumen peta risiko dan mitigasinya" in text
    assert f"{site}/butir/" in text
    assert "TW I · PW Penguatan Pengawasan" in html
    assert "Dokumen peta risiko dan mitigasinya" in html
    assert f"{site}/butir/" in html
    assert text == Message.objects.get(recipient__email="pic.pw@example.org").body_text


def test_a_revision_request_reaches_the_uploader_through_the_worker(
    demo, smtp, private_queue, settings, tmp_path
):
    assert not connection.in_atomic_block
    # The countdown of the queued notice is computed here, by the reviewing process.
    settings.ZI_REVISION_BATCH_MINUTES = 0
    inbox, port = smtp
    users = demo["users"]
    item = (
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=2, cell__area__code="PW"
        )
        .order_by("order", "pk")
        .first()
    )
    comment = "Lampirkan notulen rapat yang sudah ditandatangani."
    with celery_worker(
        tmp_path, private_queue, port, settings.ZI_SITE_URL, ZI_REVISION_BATCH_MINUTES="0"
    ) as log:
        version = evidence_services.evidence_upload_file(
            requirement=item,
            user=users["pic.pw"],
            upload=samples.upload("notulen.pdf", samples.pdf("Notulen")),
        )
        # Committed at once (no test transaction): its on_commit queues notify_revisions.
        evidence_services.evidence_review(
            version=version, user=users["tpi"], decision="revise", comment=comment
        )
        wait_for(lambda: len(inbox.received()) >= 1, 90, "the revision e-mail", tmp_path)
        wait_for(
            lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 1,
            30,
            "the revision message marked sent",
            tmp_path,
        )
        assert "monev.tasks.notify_revisions[" in log.read_text()

    received = inbox.received()
    assert len(received) == 1
    assert received[0].rcpt_tos == ("pic.pw@example.org",)
    mail = received[0].parse()
    assert mail["Subject"] == "Permintaan revisi bukti dukung ZI (1 butir)"
    assert mail["From"] == FROM
    text = body(mail, "plain")
    assert comment in text
    assert item.text in text
    html = body(mail, "html")
    assert comment in html
    message = Message.objects.get()
    assert message.kind == ReminderKind.REVISION
    assert message.recipient == users["pic.pw"]
    assert Notification.objects.filter(recipient=users["pic.pw"], kind="revision").count() == 1
