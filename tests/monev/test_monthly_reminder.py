"""The monthly realisation reminder: on the first working day of a month each PIC gets
one e-mail (and notification) about last month's planned activities whose realisation
is not recorded, exactly once, and only about their own unit's areas."""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from monev import monthly
from monev.choices import MessageStatus, Realisation, ReminderKind
from monev.models import Message, Notification, ReminderRecord
from monev.services import realisation_record
from monev.tasks import realisation_reminders
from tests.conftest import require_postgres
from tests.core.test_worker import wait_for
from tests.evidence.test_concurrency import run_together
from tests.monev.test_worker_smtp import (  # noqa: F401 - fixtures used by name
    body,
    celery_worker,
    private_queue,
    smtp,
    task_outcome,
)
from tests.multiunit import DOMAIN_B, UNIT_A, UNIT_B
from workplan.models import Activity, WorkPlan

PICS = ["pic.mp", "pic.tl", "pic.sdm", "pic.ak", "pic.pw", "pic.pp"]
JAKARTA = ZoneInfo("Asia/Jakarta")
FIRST_WORKING_DAY = "2027-01-01"  # a Friday: December 2026's activities are due


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the reminder for a date and send what it makes right away (locmem mail)."""

    def run(day: str):
        with django_capture_on_commit_callbacks(execute=True):
            return monthly.run_monthly(today=date.fromisoformat(day), send_now=True)

    return run


def planned_in(unit: str, area: str, month: int, year: int = 2026) -> list[Activity]:
    return [
        a
        for a in Activity.objects.filter(
            pokja__plan__unit__code=unit, pokja__plan__year=year, pokja__area__code=area
        ).order_by("number")
        if month in a.months
    ]


def mail_to(address: str):
    found = [m for m in mail.outbox if m.to == [address]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


def record(activity: Activity, user, month: int = 12) -> None:
    realisation_record(activity=activity, month=month, status=Realisation.DONE, note="", user=user)


@pytest.mark.parametrize(
    ("year", "month", "first"),
    [
        (2027, 1, date(2027, 1, 1)),  # Friday
        (2027, 5, date(2027, 5, 3)),  # Saturday 1 May → Monday 3 May
        (2027, 8, date(2027, 8, 2)),  # Sunday 1 August → Monday 2 August
        (2027, 3, date(2027, 3, 1)),  # Monday
    ],
)
def test_the_first_working_day_skips_the_weekend(year, month, first):
    assert monthly.first_working_day(year, month) == first


def test_a_pic_gets_one_mail_listing_last_months_unrecorded_activities(demo, remind):
    created = remind(FIRST_WORKING_DAY)
    unit_a = sorted(m.recipient.email for m in created if m.recipient.unit.code == UNIT_A)
    assert unit_a == sorted(f"{p}@example.org" for p in PICS)
    assert {m.kind for m in created} == {ReminderKind.REALISATION}

    pw = demo["users"]["pic.pw"]
    december = planned_in(UNIT_A, "PW", 12)
    assert december
    sent = mail_to("pic.pw@example.org")
    assert sent.subject == (
        f"Realisasi kegiatan Desember 2026 belum dicatat ({len(december)} kegiatan)"
    )
    assert "yang direncanakan pada Desember 2026, belum dicatat" in sent.body
    assert "PW Penguatan Pengawasan" in sent.body
    for activity in december:
        assert f"{activity.number}. {activity.name}" in sent.body
        assert f"/rencana/2026/kegiatan/{activity.pk}/realisasi/?bulan=12" in sent.body
    # Only the PW area's activities, and no other month's.
    linked = {int(pk) for pk in re.findall(r"/kegiatan/(\d+)/realisasi/", sent.body)}
    assert linked == {a.pk for a in december}
    html = sent.alternatives[0][0]
    assert "Catat realisasi" in html and "Desember 2026" in html
    # The twin notification in the portal.
    note = Notification.objects.get(recipient=pw, kind=ReminderKind.REALISATION)
    assert note.title == sent.subject
    assert note.url.endswith("/rencana/2026/kegiatan/")


def test_a_recorded_activity_is_left_out_and_all_recorded_means_no_mail(demo, remind):
    pw, tl = demo["users"]["pic.pw"], demo["users"]["pic.tl"]
    first, *rest = planned_in(UNIT_A, "PW", 12)
    record(first, pw)
    # A realisation of another month does not count for December.
    tl_activities = planned_in(UNIT_A, "TL", 12)
    for activity in tl_activities:
        record(activity, tl)
    record(rest[0], pw, month=11)
    remind(FIRST_WORKING_DAY)
    body_text = mail_to("pic.pw@example.org").body
    assert f"/kegiatan/{first.pk}/realisasi/" not in body_text
    assert all(f"/kegiatan/{a.pk}/realisasi/" in body_text for a in rest)
    assert not [m for m in mail.outbox if m.to == ["pic.tl@example.org"]]


def test_running_twice_still_sends_one(demo, remind):
    first = remind(FIRST_WORKING_DAY)
    assert remind(FIRST_WORKING_DAY) == []
    # The hourly task, replayed for the same day, makes nothing more either.
    assert realisation_reminders(FIRST_WORKING_DAY) == 0
    assert Message.objects.filter(kind=ReminderKind.REALISATION).count() == len(first)
    assert len([m for m in mail.outbox if m.to == ["pic.pw@example.org"]]) == 1
    assert (
        ReminderRecord.objects.filter(
            kind=ReminderKind.REALISATION, recipient=demo["users"]["pic.pw"], period="2026-12"
        ).count()
        == 1
    )


@pytest.mark.parametrize("day", ["2027-01-02", "2027-01-04", "2027-01-15", "2027-02-02"])
def test_nothing_on_other_days(demo, remind, day):
    assert remind(day) == []
    assert mail.outbox == []


def test_a_weekend_first_moves_to_monday(demo, remind):
    # Unit A's plan as a 2027 plan: 1 May 2027 is a Saturday.
    WorkPlan.objects.filter(pk=demo["plan"].pk).update(year=2027)
    april = planned_in(UNIT_A, "PW", 4, year=2027)
    assert april
    assert remind("2027-05-01") == []
    assert remind("2027-05-02") == []
    created = remind("2027-05-03")
    assert sorted(m.recipient.email for m in created) == sorted(f"{p}@example.org" for p in PICS)
    sent = mail_to("pic.pw@example.org")
    assert "April 2027" in sent.subject
    assert f"/rencana/2027/kegiatan/{april[0].pk}/realisasi/?bulan=4" in sent.body
    assert remind("2027-05-04") == []


def test_another_units_pic_is_not_mixed_in(demo, remind):
    remind(FIRST_WORKING_DAY)
    for address, unit, other in (
        ("pic.pw@example.org", UNIT_A, UNIT_B),
        (f"pic.pw@{DOMAIN_B}", UNIT_B, UNIT_A),
    ):
        sent = mail_to(address)
        linked = {int(pk) for pk in re.findall(r"/kegiatan/(\d+)/realisasi/", sent.body)}
        assert linked == {a.pk for a in planned_in(unit, "PW", 12)}
        assert not linked & {a.pk for a in planned_in(other, "PW", 12)}
    # Unit B's PICs are told about unit B's plan only, and nobody else is told.
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {f"{p}@example.org" for p in PICS} | {f"{p}@{DOMAIN_B}" for p in PICS}


def test_the_mail_is_in_the_recipients_language(demo, remind):
    pw = demo["users"]["pic.pw"]
    pw.preferred_language = "en"
    pw.save(update_fields=["preferred_language"])
    remind(FIRST_WORKING_DAY)
    sent = mail_to("pic.pw@example.org")
    count = len(planned_in(UNIT_A, "PW", 12))
    assert (
        sent.subject == f"Activity realisation for December 2026 not recorded ({count} activities)"
    )
    assert "planned for December 2026, has not been recorded" in sent.body


def test_the_hourly_run_starts_at_the_reminder_hour(demo, settings, monkeypatch):
    # Without a date (beat), the local clock decides: nothing before 07:00, then once.
    settings.ZI_REMINDER_HOUR, settings.ZI_REMINDER_MINUTE = 7, 0
    original = timezone.localtime
    clock = {"now": datetime(2027, 1, 1, 6, 59, tzinfo=JAKARTA)}

    def localtime(value=None, timezone=None):
        return clock["now"] if value is None else original(value, timezone)

    monkeypatch.setattr(monthly.timezone, "localtime", localtime)
    assert monthly.run_monthly() == []
    clock["now"] = datetime(2027, 1, 1, 7, 0, tzinfo=JAKARTA)
    assert len([m for m in monthly.run_monthly() if m.recipient.unit.code == UNIT_A]) == 6
    clock["now"] = datetime(2027, 1, 1, 8, 0, tzinfo=JAKARTA)
    assert monthly.run_monthly() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("parallel", [2, 4])
def test_concurrent_runs_send_each_pic_one_mail(demo, parallel):
    require_postgres()
    day = date.fromisoformat(FIRST_WORKING_DAY)

    def one_run():
        return len(monthly.run_monthly(today=day))

    results, errors = run_together([one_run] * parallel)
    assert errors == []
    assert sum(results) == 2 * len(PICS)
    messages = Message.objects.filter(kind=ReminderKind.REALISATION)
    assert messages.count() == 2 * len(PICS)
    assert len(set(messages.values_list("recipient_id", flat=True))) == 2 * len(PICS)
    assert ReminderRecord.objects.filter(kind=ReminderKind.REALISATION).count() == 2 * len(PICS)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_queued_twice_mails_each_pic_once_over_smtp(
    demo,
    smtp,  # noqa: F811 - the fixture imported above
    private_queue,  # noqa: F811 - the fixture imported above
    settings,
    tmp_path,
):
    assert not connection.in_atomic_block
    inbox, port = smtp
    site = settings.ZI_SITE_URL.rstrip("/")
    expected = sorted(f"{p}@{d}" for p in PICS for d in ("example.org", DOMAIN_B))
    with celery_worker(tmp_path, private_queue, port, site) as log:
        first = realisation_reminders.delay(FIRST_WORKING_DAY)
        wait_for(lambda: len(inbox.received()) >= 12, 90, "twelve e-mails", tmp_path)
        assert task_outcome(log, "monev.tasks.realisation_reminders", first.id) == "12"
        second = realisation_reminders.delay(FIRST_WORKING_DAY)
        wait_for(
            lambda: task_outcome(log, "monev.tasks.realisation_reminders", second.id) is not None,
            60,
            "the second run",
            tmp_path,
        )
        assert task_outcome(log, "monev.tasks.realisation_reminders", second.id) == "0"
        wait_for(
            lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 12,
            30,
            "twelve messages marked sent",
            tmp_path,
        )
        time.sleep(2)  # anything the second run had queued would arrive by now
    received = inbox.received()
    assert sorted(r for m in received for r in m.rcpt_tos) == expected
    pw = next(m for m in received if m.rcpt_tos == ("pic.pw@example.org",)).parse()
    assert pw["Subject"].startswith("Realisasi kegiatan Desember 2026 belum dicatat")
    text = body(pw, "plain")
    assert f"{site}/rencana/2026/kegiatan/" in text and "?bulan=12" in text
    assert Notification.objects.filter(kind=ReminderKind.REALISATION).count() == 12
