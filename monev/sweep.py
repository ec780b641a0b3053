"""The reminder sweep: what ``reminders`` plans for today becomes, per person, one
``Message`` (an e-mail in the recipient's language with a twin ``Notification``). Each
scope is recorded under a unique constraint before anything is sent, so running the
sweep twice, or on two workers at once, tells each person each thing exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi_portal.core.links import absolute_url, site_url
from zi_portal.core.queue import enqueue

from .choices import ReminderKind
from .models import Message, Notification, ReminderRecord, SweepRun
from .reminders import Planned, Scope, iter_reminders, plan_revision_notices
from .services import SEND_MESSAGE, message_failed, message_send
from .sweep_reads import revision_notices

log = logging.getLogger(__name__)

# Reminder records inserted per statement.
RECORD_BATCH = 500


# Marked for extraction here, translated when rendered in the recipient's language.
SUBJECTS = {
    ReminderKind.UPCOMING: gettext_noop(
        "Pengingat: batas waktu bukti dukung %(quarter)s tinggal %(days)s hari"
    ),
    ReminderKind.OVERDUE: gettext_noop("Bukti dukung ZI terlambat: %(count)s butir belum lengkap"),
    ReminderKind.REVISION: gettext_noop("Permintaan revisi bukti dukung ZI (%(count)s butir)"),
    ReminderKind.DIGEST: gettext_noop("Ringkasan mingguan ZI %(unit)s – %(date)s"),
    ReminderKind.FINDING: gettext_noop("Tindak lanjut temuan terlambat (%(count)s temuan)"),
    ReminderKind.REALISATION: gettext_noop(
        "Realisasi kegiatan %(month)s belum dicatat (%(count)s kegiatan)"
    ),
    ReminderKind.PMPZI: gettext_noop(
        "Batas pengusulan PMPZI tinggal %(days)s hari: %(unit)s (%(count)s syarat belum terpenuhi)"
    ),
}
# The e-mail templates of a kind (monev/email/<name>.txt and .html); the rest: reminder.
TEMPLATES = {ReminderKind.REALISATION: "realisation", ReminderKind.PMPZI: "pmpzi"}


def _render(planned: Planned, scopes: list[Scope], today: date) -> dict[str, str]:
    """Subject, text and HTML in the recipient's language, with absolute links."""
    count = sum(len(s.lines) for s in scopes)
    with translation.override(planned.recipient.preferred_language or settings.LANGUAGE_CODE):
        quarter = planned.context.get("quarter")
        month = planned.context.get("month")
        subject = _(SUBJECTS[planned.kind]) % {
            "month": formats.date_format(month, "YEAR_MONTH_FORMAT") if month else "",
            "quarter": quarter.label if quarter else "",
            "days": planned.context.get("days_left", ""),
            "count": count,
            "unit": planned.plan.unit.short_name,
            "date": today.strftime("%d/%m/%Y"),
        }
        link = site_url(
            {
                ReminderKind.DIGEST: reverse("evidence:matrix", args=[planned.plan.year]),
                ReminderKind.FINDING: reverse("findings:list"),
                ReminderKind.REALISATION: reverse("monev:activities", args=[planned.plan.year]),
                ReminderKind.PMPZI: reverse("evaluation:overview", args=[planned.plan.year]),
            }.get(planned.kind, reverse("monev:tasks"))
        )
        context = {
            "kind": planned.kind,
            "recipient": planned.recipient,
            "scopes": scopes,
            "plan": planned.plan,
            "today": today,
            "count": count,
            "link": link,
            "quarter": quarter,
            "days_left": planned.context.get("days_left"),
            "rows": planned.context.get("rows", []),
            "month": month,
            "deadline": planned.context.get("deadline"),
            "preferences_url": absolute_url("monev:preferences"),
        }
        name = TEMPLATES.get(planned.kind, "reminder")
        text = render_to_string(f"monev/email/{name}.txt", context)
        html = render_to_string(f"monev/email/{name}.html", context)
    return {"subject": subject, "text": text, "html": html, "url": link}


@dataclass
class SweepResult:
    created: list[Message] = field(default_factory=list)
    skipped: int = 0


def deliver(planned: Planned, *, today: date, send_now: bool = False) -> Message | None:
    """Record and create the message for ``planned``, each scope exactly once.

    The scopes' records are inserted in one statement that skips those someone else
    has already recorded (another sweep, another worker); if none is left, nothing is
    created. The e-mail is queued when the transaction commits."""
    with transaction.atomic():
        message = Message.objects.create(
            recipient=planned.recipient,
            kind=planned.kind,
            subject="…",
            body_text="",
            body_html="",
        )
        ReminderRecord.objects.bulk_create(
            [
                ReminderRecord(
                    kind=planned.kind,
                    recipient=planned.recipient,
                    scope=scope.key,
                    period=scope.period,
                    message=message,
                )
                for scope in planned.scopes
            ],
            ignore_conflicts=True,
            batch_size=RECORD_BATCH,
        )
        # The scopes this message won: a record someone else inserted first (another
        # sweep, another worker: the insert waits for theirs) names their message.
        mine = set(ReminderRecord.objects.filter(message=message).values_list("scope", "period"))
        kept = [s for s in planned.scopes if (s.key, s.period) in mine]
        if not kept:
            transaction.set_rollback(True)
            return None
        rendered = _render(planned, kept, today)
        message.subject = rendered["subject"][:255]
        message.body_text = rendered["text"]
        message.body_html = rendered["html"]
        message.url = rendered["url"]
        message.save(update_fields=["subject", "body_text", "body_html", "url"])
        if planned.kind != ReminderKind.REVISION:  # those were shown at once (receivers.py)
            Notification.objects.create(
                recipient=planned.recipient,
                message=message,
                kind=planned.kind,
                title=message.subject,
                body=rendered["text"],
                url=rendered["url"],
            )
        if send_now:
            transaction.on_commit(lambda: _send_now(message.pk))
        else:
            enqueue(SEND_MESSAGE, message.pk)
    return message


def _send_now(message_id: int) -> None:
    try:
        message_send(message_id=message_id)
    except Exception as exc:  # noqa: BLE001 - recorded on the message, shown to the Ketua
        message_failed(message_id=message_id, error=exc)


def run_sweep(*, today: date | None = None, send_now: bool = False) -> SweepResult:
    """The daily sweep (beat runs it; ``send_reminders`` runs it by hand)."""
    today = today or timezone.localdate()
    result = SweepResult()
    for planned in iter_reminders(today=today):
        message = deliver(planned, today=today, send_now=send_now)
        if message is None:
            result.skipped += 1
        else:
            result.created.append(message)
    if today == timezone.localdate():
        SweepRun.objects.update_or_create(
            day=today,
            defaults={"finished_at": timezone.now(), "messages": len(result.created)},
        )
    log.info(
        "reminder sweep %s: %s messages, %s already sent",
        today,
        len(result.created),
        result.skipped,
    )
    return result


def catch_up(*, now=None) -> int | None:
    """Run today's sweep if its hour (ZI_REMINDER_HOUR:MINUTE, local time) has passed and
    no sweep ran today; the number of messages it made, or None if none was due."""
    now = timezone.localtime(now)
    due = now.replace(hour=settings.ZI_REMINDER_HOUR, minute=settings.ZI_REMINDER_MINUTE, second=0)
    if now < due or SweepRun.objects.filter(day=now.date()).exists():
        return None
    log.warning("reminder sweep of %s did not run at its hour: running it now", now.date())
    return len(run_sweep(today=now.date()).created)


def notify_revisions(*, user_id: int, send_now: bool = False) -> Message | None:
    """Tell one uploader about every revision request not yet told (batched)."""
    planned = next(plan_revision_notices(revision_notices(user_id=user_id)), None)
    if planned is None:
        return None
    return deliver(planned, today=timezone.localdate(), send_now=send_now)
