"""Writes of monitoring: sending a message, recording a failure, reading notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import EvidenceVersion
from zi_portal.accounts.permissions import Action, require
from zi_portal.core import outbox
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction
from zi_portal.core.dbretry import outlasting_database_restarts
from zi_portal.core.errors import Refused
from zi_portal.core.queue import enqueue

from .choices import MessageStatus, Realisation
from .models import ActivityRealisation, AreaNarrative, Message, Notification

CLAIM_TIMEOUT = timedelta(minutes=10)
# The task that sends one message (monev.tasks, which calls message_send).
SEND_MESSAGE = "monev.tasks.send_message"


def message_send(*, message_id: int) -> bool:
    """Send one queued message by e-mail; returns True when this call sent it.

    A conditional UPDATE claims the message first, so two workers running the task for
    the same id at once cannot both send it; a claim older than ``CLAIM_TIMEOUT`` (a worker
    killed mid-send) may be taken over. A message already sent is never sent again. SMTP
    errors release the claim and propagate (the task retries them). Delivery stays
    at-least-once only where the SMTP server accepted the mail but the connection broke
    before it said so."""
    now = timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id)
        .exclude(status=MessageStatus.SENT)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    message = Message.objects.select_related("recipient").get(pk=message_id)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient.email],
        headers={"X-ZI-Message": str(message.pk)},
    )
    email.attach_alternative(message.body_html, "text/html")
    try:
        email.send(fail_silently=False)
    except BaseException:
        Message.objects.filter(pk=message_id).update(claimed_at=None)
        raise
    # The mail is out: record it even across a database restart. Left undone, the task's
    # retry would find the claim and leave the message queued although it was sent.
    outlasting_database_restarts(_mark_sent)(message_id, timezone.now())
    return True


def _mark_sent(message_id: int, sent_at) -> None:
    Message.objects.filter(pk=message_id).update(
        status=MessageStatus.SENT, sent_at=sent_at, last_error="", claimed_at=None
    )


def messages_rescue(*, now=None) -> int:
    """Queue again the messages a send left half-way: claimed longer than
    ``CLAIM_TIMEOUT`` ago and still not sent (the worker was killed during the send, or
    the database went away after the claim, and the task was not run again). A message
    whose task still waits in the outbox is left to it. Beat runs this every five
    minutes; returns how many were queued."""
    now = now or timezone.now()
    stale = Message.objects.filter(
        status=MessageStatus.QUEUED, claimed_at__lt=now - CLAIM_TIMEOUT
    ).exclude(pk__in=outbox.open_ids(SEND_MESSAGE))
    ids = list(stale.order_by("pk").values_list("pk", flat=True)[:500])
    with transaction.atomic():
        for pk in ids:
            enqueue(SEND_MESSAGE, pk)
    return len(ids)


def message_retry_later(*, message_id: int, error: Exception, max_tries: int) -> None:
    """A send failed: try again after 30 s, 60 s, 120 s … (at most an hour), through the
    outbox; after ``max_tries`` tries the message is failed."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == MessageStatus.SENT:
            return
        if message.attempts >= max_tries:
            message_failed(message_id=message_id, error=error)
            return
        Message.objects.filter(pk=message_id).update(
            last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        delay = min(3600, 30 * 2 ** max(0, message.attempts - 1))
        enqueue(SEND_MESSAGE, message_id, countdown=delay)


def message_failed(*, message_id: int, error: Exception) -> None:
    """The message finally could not be sent: visible to the Ketua Tim on the status page."""
    Message.objects.filter(pk=message_id).exclude(status=MessageStatus.SENT).update(
        status=MessageStatus.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000]
    )


@transaction.atomic
def message_requeue(*, message: Message) -> None:
    """Put a failed message back in the queue (the Ketua Tim's "Kirim ulang")."""
    Message.objects.filter(pk=message.pk, status=MessageStatus.FAILED).update(
        status=MessageStatus.QUEUED
    )
    enqueue(SEND_MESSAGE, message.pk)


def notification_mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def digest_preference_set(*, user: Any, receive: bool) -> None:
    user.receive_digest = receive
    user.save(update_fields=["receive_digest"])


def realisation_record(
    *,
    activity,
    month: int,
    status: str,
    note: str,
    user: Any,
    evidence_ids=(),
    ip: str | None = None,
):
    """Record (or correct) what happened to ``activity`` in ``month``. The plan's months
    stay as they are; the audit trail keeps every change."""
    require(user, Action.RECORD_REALISATION, activity.pokja)
    if status not in Realisation.values or not 1 <= int(month) <= 12:
        raise ValueError("invalid realisation")
    with transaction.atomic():
        row = (
            ActivityRealisation.objects.select_for_update()
            .filter(activity=activity, month=month)
            .first()
        )
        before = {"status": row.status, "note": row.note} if row else {}
        if row is None:
            row = ActivityRealisation(activity=activity, month=month, recorded_by=user)
        row.status, row.note, row.recorded_by = status, note.strip(), user
        row.full_clean()
        row.save()
        versions = EvidenceVersion.objects.filter(
            pk__in=list(evidence_ids),
            requirement__cell__quarter__plan_id=activity.pokja.plan_id,
            requirement__cell__area_id=activity.pokja.area_id,
        )
        row.evidence.set(versions)
        audit_record(
            actor=user,
            ip=ip,
            action=AuditAction.REALISATION,
            obj=row,
            area=activity.pokja.area,
            summary=f"{activity.pokja.area.code} {activity.number}. {activity.name} · "
            f"bulan {month}: {row.get_status_display()}"[:500],
            before=before,
            after={"status": status, "note": row.note, "evidence": sorted(v.pk for v in versions)},
        )
    return row


NARRATIVE_MAX_CHARS = 20_000


def narrative_save(
    *, pokja: Any, user: Any, good_practice: str, impact: str, ip: str | None = None
) -> AreaNarrative:
    """Save the area's good-practice and impact narratives for the plan's year."""
    require(user, Action.WRITE_NARRATIVE, pokja)
    good_practice, impact = (good_practice or "").strip(), (impact or "").strip()
    if len(good_practice) > NARRATIVE_MAX_CHARS or len(impact) > NARRATIVE_MAX_CHARS:
        raise Refused(
            _("Narasi terlalu panjang: paling banyak %(n)s karakter per isian.")
            % {"n": NARRATIVE_MAX_CHARS}
        )
    with transaction.atomic():
        AreaNarrative.objects.get_or_create(plan_id=pokja.plan_id, area_id=pokja.area_id)
        narrative = AreaNarrative.objects.select_for_update().get(
            plan_id=pokja.plan_id, area_id=pokja.area_id
        )
        narrative.good_practice = good_practice
        narrative.impact = impact
        narrative.updated_by = user
        narrative.full_clean()
        narrative.save()
        audit_record(
            actor=user,
            ip=ip,
            action=AuditAction.NARRATIVE,
            obj=narrative,
            area=pokja.area,
            summary=f"Narasi {pokja.area.code} {pokja.plan.year}",
            after={"good_practice": len(good_practice), "impact": len(impact)},
        )
    return narrative
