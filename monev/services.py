"""Writes of monitoring: sending a message, recording a failure, reading notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .choices import MessageStatus
from .models import Message, Notification


def message_send(*, message_id: int) -> bool:
    """Send one queued message by e-mail. Safe to call twice: a message already sent is
    not sent again. Returns True when this call sent it. SMTP errors propagate (the task
    retries them)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("recipient").get(pk=message_id)
        if message.status == MessageStatus.SENT:
            return False
        Message.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient.email],
        headers={"X-ZI-Message": str(message.pk)},
    )
    email.attach_alternative(message.body_html, "text/html")
    email.send(fail_silently=False)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def message_retrying(*, message_id: int, error: Exception) -> None:
    Message.objects.filter(pk=message_id).update(
        last_error=f"{type(error).__name__}: {error}"[:2000]
    )


def message_failed(*, message_id: int, error: Exception) -> None:
    """The message finally could not be sent: visible to the Ketua Tim on the status page."""
    Message.objects.filter(pk=message_id).exclude(status=MessageStatus.SENT).update(
        status=MessageStatus.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000]
    )


def message_requeue(*, message: Message) -> None:
    """Put a failed message back in the queue (the Ketua Tim's "Kirim ulang")."""
    from .tasks import send_message

    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status=MessageStatus.FAILED).update(
            status=MessageStatus.QUEUED
        )
        transaction.on_commit(lambda: send_message.delay(message.pk))


def notification_mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def digest_preference_set(*, user: Any, receive: bool) -> None:
    user.receive_digest = receive
    user.save(update_fields=["receive_digest"])
