"""The reminder sweep with controlled dates: who gets what, exactly once."""

import re
import smtplib
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from evidence import services as evidence_services
from evidence.selectors import plan_item_statuses
from monev import reminders
from monev import sweep as the_sweep
from monev.choices import MessageStatus, ReminderKind
from monev.models import Message, Notification, ReminderPolicy, ReminderRecord
from monev.services import SEND_MESSAGE
from monev.tasks import MAX_RETRIES, send_message
from tests.evidence import samples
from tests.multiunit import UNIT_A, UNIT_B
from workplan.models import EvidenceRequirement, Quarter
from zi_portal.core.models import OutboxTask

PICS = ["pic.mp", "pic.tl", "pic.sdm", "pic.ak", "pic.pw", "pic.pp"]


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweep for a date and send what it creates right away (locmem mail)."""

    def run(day: str):
        with django_capture_on_commit_callbacks(execute=True):
            return the_sweep.run_sweep(today=date.fromisoformat(day), send_now=True)

    return run


def of_kind(result, kind):
    return [m for m in of_unit_a(result) if m.kind == kind]


def kinds_by_recipient(result, unit: str = UNIT_A):
    """(person, kind) of the messages the sweep made for the people of ``unit`` (the
    sweep covers every unit; the test data holds two, see tests/multiunit.py)."""
    return sorted(
        (m.recipient.email.split("@")[0], m.kind)
        for m in result.created
        if m.recipient.unit.code == unit
    )


def of_unit_a(result):
    """The messages the sweep made for unit A's people."""
    return [m for m in result.created if m.recipient.unit.code == UNIT_A]


def outbox_of_unit_a():
    return [m for m in mail.outbox if m.to[0].endswith("@example.org")]


def test_overdue_exactly_once_on_the_first_day_past_due_plus_grace(demo, sweep):
    # TW I is due on 31 March 2026 with 7 grace days: overdue from Wednesday 8 April.
    assert of_unit_a(sweep("2026-04-07")) == []
    first = sweep("2026-04-08")
    assert kinds_by_recipient(first) == sorted((p, "overdue") for p in PICS)
    # Unit B's PICs hear about unit B's items, each from their own plan.
    assert kinds_by_recipient(first, UNIT_B) == sorted((p, "overdue") for p in PICS)
    b_mail = next(m for m in mail.outbox if m.to == ["pic.pw@unit-b.test"])
    linked = {int(pk) for pk in re.findall(r"/butir/(\d+)/", b_mail.body)}
    assert linked and set(
        EvidenceRequirement.objects.filter(pk__in=linked).values_list(
            "cell__quarter__plan__unit__code", flat=True
        )
    ) == {UNIT_B}
    assert of_unit_a(sweep("2026-04-08")) == []  # the same day again
    assert of_unit_a(sweep("2026-04-09")) == []  # the next day
    assert len(outbox_of_unit_a()) == 6 and len(mail.outbox) == 12
    pw = next(m for m in mail.outbox if m.to == ["pic.pw@example.org"])
    assert pw.subject == "Bukti dukung ZI terlambat: 5 butir belum lengkap"
    assert "TW I · PW Penguatan Pengawasan" in pw.body
    assert "Dokumen peta risiko dan mitigasinya" in pw.body
    assert "http://127.0.0.1:8000/butir/" in pw.body
    html = pw.alternatives[0][0] if hasattr(pw.alternatives[0], "__getitem__") else ""
    assert "Dokumen peta risiko dan mitigasinya" in html
    # A week later it repeats, until the cap.
    assert kinds_by_recipient(sweep("2026-04-15")) == sorted((p, "overdue") for p in PICS)


def test_overdue_without_grace_starts_the_day_after_the_due_date(demo, sweep):
    Quarter.objects.filter(plan=demo["plan"]).update(grace_days=0)
    due_day = of_unit_a(sweep("2026-03-31"))
    # On the due date itself only the last "upcoming" notice goes out (3-day window).
    assert {m.kind for m in due_day} == {ReminderKind.UPCOMING}
    assert len(of_unit_a(sweep("2026-04-01"))) == 6
    assert of_unit_a(sweep("2026-04-02")) == []


def test_overdue_stops_when_the_items_are_in_and_respects_the_cap(demo, sweep):
    users = demo["users"]
    for item in EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="TL"
    ):
        evidence_services.evidence_upload_file(
            requirement=item,
            user=users["pic.tl"],
            upload=samples.upload(f"{item.pk}.pdf", samples.pdf(str(item.pk))),
        )
    first = sweep("2026-04-08")
    assert "pic.tl" not in [m.recipient.email.split("@")[0] for m in of_unit_a(first)]
    ReminderPolicy.objects.create(plan=demo["plan"], upcoming_days=[14, 3], overdue_max_repeats=2)
    assert len(of_unit_a(sweep("2026-04-15"))) == 5  # repeat 1
    assert of_unit_a(sweep("2026-04-22")) == []  # repeat 2 is past the cap


def test_upcoming_fires_14_and_3_days_before(demo, sweep):
    # TW II is due on Tuesday 30 June 2026. (Mondays also bring the leaders' digest.)
    assert of_kind(sweep("2026-06-15"), ReminderKind.UPCOMING) == []
    upcoming = sweep("2026-06-16")
    assert kinds_by_recipient(upcoming) == sorted((p, "upcoming") for p in PICS)
    sdm = next(m for m in mail.outbox if m.to == ["pic.sdm@example.org"])
    assert sdm.subject == "Pengingat: batas waktu bukti dukung TW II tinggal 14 hari"
    assert "Dokumen SKP pada e-Kinerja" in sdm.body
    assert of_unit_a(sweep("2026-06-17")) == []
    # Saturday 27 June is skipped (weekends off); Monday 29 June is inside the 3-day window.
    assert of_unit_a(sweep("2026-06-27")) == []
    late = sweep("2026-06-29")
    assert len(of_kind(late, ReminderKind.UPCOMING)) == 6
    assert {m.kind for m in of_unit_a(late)} == {ReminderKind.UPCOMING, ReminderKind.DIGEST}


def test_weekends_can_be_switched_on(demo, sweep):
    ReminderPolicy.objects.create(plan=demo["plan"], upcoming_days=[14, 3], send_on_weekends=True)
    # Saturday 13 June is 17 days before: nothing; Saturday 20 June (10 days): the 14-day notice.
    assert len(of_unit_a(sweep("2026-06-20"))) == 6


def test_weekly_digest_counts(demo, sweep):
    users = demo["users"]
    mp = list(
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="MP"
        )
    )
    approved = evidence_services.evidence_upload_file(
        requirement=mp[0], user=users["pic.mp"], upload=samples.upload("a.pdf", samples.pdf("a"))
    )
    evidence_services.evidence_review(version=approved, user=users["tpi"], decision="approve")
    evidence_services.evidence_upload_file(
        requirement=mp[1], user=users["pic.mp"], upload=samples.upload("b.pdf", samples.pdf("b"))
    )
    users["kepala"].receive_digest = False
    users["kepala"].save()
    # Monday 13 April 2026.
    result = sweep("2026-04-13")
    digests = [m for m in of_unit_a(result) if m.kind == ReminderKind.DIGEST]
    assert [m.recipient.email for m in digests] == ["ketua@example.org"]
    body = digests[0].body_text
    assert (
        "TW I MP: 4 belum diunggah, 4 terlambat, 1 menunggu reviu, 0 perlu revisi, 1/6 disetujui"
        in body
    )
    assert (
        "TW I PW: 5 belum diunggah, 5 terlambat, 0 menunggu reviu, 0 perlu revisi, 0/5 disetujui"
        in body
    )
    assert "TW II MP: 4 belum diunggah, 0 terlambat" in body
    rows = reminders.digest_rows(demo["plan"], plan_item_statuses(demo["plan"]), date(2026, 4, 13))
    assert sum(r["total"] for r in rows) == 77
    assert sum(r["overdue"] for r in rows) == 18  # TW I: 20 items, 1 approved, 1 waiting
    assert of_unit_a(sweep("2026-04-13")) == []
    assert [m.kind for m in of_unit_a(sweep("2026-04-20")) if m.kind == "digest"] == ["digest"]


def test_revision_requests_are_batched_and_told_once(demo, django_capture_on_commit_callbacks):
    users = demo["users"]
    items = list(
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=2, cell__area__code="PW"
        )
    )
    versions = [
        evidence_services.evidence_upload_file(
            requirement=it,
            user=users["pic.pw"],
            upload=samples.upload(f"{i}.pdf", samples.pdf(str(i))),
        )
        for i, it in enumerate(items[:2])
    ]
    for v in versions:
        evidence_services.evidence_review(
            version=v, user=users["tpi"], decision="revise", comment=f"Perbaiki v{v.pk}"
        )
    # In the portal at once, one per request, with the reviewer's comment.
    told = Notification.objects.filter(recipient=users["pic.pw"], kind="revision")
    assert sorted(n.body for n in told) == sorted(
        f"Asesor TPI (demo) meminta revisi Berkas 1: Perbaiki v{v.pk}" for v in versions
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = the_sweep.notify_revisions(user_id=users["pic.pw"].pk, send_now=True)
    assert message is not None and message.kind == ReminderKind.REVISION
    assert message.subject == "Permintaan revisi bukti dukung ZI (2 butir)"
    assert all(f"Perbaiki v{v.pk}" in message.body_text for v in versions)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pic.pw@example.org"]
    assert the_sweep.notify_revisions(user_id=users["pic.pw"].pk) is None
    assert ReminderRecord.objects.filter(kind=ReminderKind.REVISION).count() == 2
    # The batched e-mail adds no second notification.
    assert Notification.objects.filter(recipient=users["pic.pw"], kind="revision").count() == 2


def test_the_daily_sweep_catches_revision_notices_the_worker_missed(demo, sweep, settings):
    settings.ZI_REVISION_BATCH_MINUTES = 0
    users = demo["users"]
    item = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=2, cell__area__code="PW"
    ).first()
    version = evidence_services.evidence_upload_file(
        requirement=item, user=users["pic.pw"], upload=samples.upload("x.pdf", samples.pdf("x"))
    )
    evidence_services.evidence_review(
        version=version, user=users["ketua"], decision="revise", comment="Kurang lengkap"
    )
    result = sweep("2026-05-20")
    assert [m.kind for m in of_unit_a(result) if m.recipient == users["pic.pw"]] == ["revision"]
    assert of_unit_a(sweep("2026-05-20")) == []


def test_every_message_is_also_a_notification_in_the_users_language(demo, sweep):
    pw = demo["users"]["pic.pw"]
    pw.preferred_language = "en"
    pw.save()
    sweep("2026-04-08")
    message = Message.objects.get(recipient=pw)
    assert message.subject == "Overdue ZI evidence: 5 items incomplete"
    note = Notification.objects.get(recipient=pw)
    assert note.title == message.subject and note.read_at is None
    assert message.status == MessageStatus.SENT and message.sent_at is not None


def test_command_dry_run_and_real_run(demo, capsys, django_capture_on_commit_callbacks):
    call_command("send_reminders", "--today", "2026-04-08", "--dry-run")
    out = capsys.readouterr().out
    # Six PICs in each of the two units of the test data.
    assert "Dry run for 2026-04-08: 12 message(s) would be sent." in out
    assert (
        "overdue   → pic.pw@example.org (Irene Septine): TW I · PW Penguatan Pengawasan [5]" in out
    )
    assert Message.objects.count() == 0 and ReminderRecord.objects.count() == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", "2026-04-08")
    out = capsys.readouterr().out
    assert "12 message(s) created" in out
    assert len(outbox_of_unit_a()) == 6 and len(mail.outbox) == 12
    call_command("send_reminders", "--today", "2026-04-08")
    assert "0 message(s) created, 0 failed, 12 already sent before." in capsys.readouterr().out
    call_command("send_reminders", "--today", "2026-04-08", "--dry-run")
    assert "0 message(s) would be sent" in capsys.readouterr().out


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server gone")


def test_a_message_that_finally_fails_is_visible_to_the_ketua(
    demo, settings, client, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.monev.test_reminders.FailingBackend"
    with django_capture_on_commit_callbacks(execute=False):
        result = the_sweep.run_sweep(today=date(2026, 4, 8))
    message = of_unit_a(result)[0]
    # Each failed try leaves its retry in the outbox, due 30 s, 60 s, 120 s … later;
    # run here as the flush would hand them over: 1 try + 5 retries, then failed.
    OutboxTask.objects.update(done_at=timezone.now())  # the sweep's own first sends
    send_message.apply(args=[message.pk])
    delays = []

    def next_retry():
        pending = OutboxTask.objects.filter(task=SEND_MESSAGE, done_at__isnull=True)
        return next((row for row in pending if row.args == [message.pk]), None)

    while row := next_retry():
        delays.append(round((row.not_before - row.created_at).total_seconds()))
        OutboxTask.objects.filter(pk=row.pk).update(done_at=timezone.now())
        send_message.apply(args=row.args)
    assert delays == [30, 60, 120, 240, 480]
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1 + MAX_RETRIES
    assert "mail server gone" in message.last_error
    client.force_login(demo["users"]["ketua"])
    page = client.get("/status/").content.decode()
    assert "E-mail yang gagal terkirim" in page and message.subject in page
    assert "SMTPServerDisconnected: mail server gone" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(f"/pesan/{message.pk}/kirim-ulang/").status_code == 302
    assert len(queued) == 1  # send_message.delay, after the commit
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    send_message.apply(args=[message.pk])
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert client.post(f"/pesan/{message.pk}/kirim-ulang/").status_code == 404


def test_a_message_being_sent_is_not_sent_twice(demo, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from monev.services import message_send

    with django_capture_on_commit_callbacks(execute=False):
        message = the_sweep.run_sweep(today=date(2026, 4, 8)).created[0]
    Message.objects.filter(pk=message.pk).update(claimed_at=timezone.now())  # another worker
    assert message_send(message_id=message.pk) is False
    assert mail.outbox == []
    stale = timezone.now() - timedelta(minutes=11)  # that worker died mid-send
    Message.objects.filter(pk=message.pk).update(claimed_at=stale)
    assert message_send(message_id=message.pk) is True
    assert message_send(message_id=message.pk) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.claimed_at is None


def test_a_message_a_killed_send_left_claimed_is_queued_again(
    demo, django_capture_on_commit_callbacks
):
    """A send that died after its claim (worker killed, database gone) leaves the message
    queued with a claim nobody will finish; the rescue queues it again, once, and only
    when the claim is older than a live send can be."""
    from datetime import timedelta

    from django.utils import timezone

    from monev.services import SEND_MESSAGE, message_send, messages_rescue
    from zi_portal.core.models import OutboxTask

    with django_capture_on_commit_callbacks(execute=False):
        dead, live, sent = the_sweep.run_sweep(today=date(2026, 4, 8)).created[:3]
    OutboxTask.objects.all().delete()  # the sweep's own hand-overs ran long ago
    now = timezone.now()
    Message.objects.filter(pk=dead.pk).update(claimed_at=now - timedelta(minutes=11))
    Message.objects.filter(pk=live.pk).update(claimed_at=now - timedelta(minutes=2))
    Message.objects.filter(pk=sent.pk).update(
        status=MessageStatus.SENT, claimed_at=now - timedelta(minutes=30)
    )

    with django_capture_on_commit_callbacks(execute=False):
        assert messages_rescue() == 1
        assert messages_rescue() == 0  # its task waits in the outbox: not queued twice
    rows = OutboxTask.objects.filter(task=SEND_MESSAGE)
    assert [r.args for r in rows] == [[dead.pk]]
    assert message_send(message_id=dead.pk) is True
    assert [m.to for m in mail.outbox] == [[dead.recipient.email]]


def test_overdue_finding_follow_ups_join_the_sweep(demo, sweep):
    from findings.models import Finding
    from workplan.models import CommitmentCell

    users = demo["users"]
    cell = CommitmentCell.objects.get(
        quarter__plan__unit__code=UNIT_A, quarter__number=2, area__code="PW"
    )
    finding = Finding.objects.create(
        plan=demo["plan"],
        cell=cell,
        area=cell.area,
        owner=users["pic.pw"],
        description="Peta risiko belum memuat gratifikasi",
        recommendation="Lengkapi peta risiko",
        due_date=date(2026, 5, 5),
        created_by=users["tpi"],
    )
    assert of_kind(sweep("2026-05-05"), ReminderKind.FINDING) == []  # due today: not yet late
    late = of_kind(sweep("2026-05-06"), ReminderKind.FINDING)
    assert [m.recipient for m in late] == [users["pic.pw"]]
    assert late[0].subject == "Tindak lanjut temuan terlambat (1 temuan)"
    assert "Peta risiko belum memuat gratifikasi" in late[0].body_text
    assert f"/temuan/{finding.pk}/" in late[0].body_text
    assert of_kind(sweep("2026-05-07"), ReminderKind.FINDING) == []
    assert len(of_kind(sweep("2026-05-13"), ReminderKind.FINDING)) == 1  # a week later
    Finding.objects.filter(pk=finding.pk).update(status="done")
    assert of_kind(sweep("2026-05-20"), ReminderKind.FINDING) == []
