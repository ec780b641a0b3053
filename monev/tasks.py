"""Background work of monitoring. Tasks take ids and are safe to run twice."""

from __future__ import annotations

import smtplib
from datetime import date

from celery import shared_task

from . import services, sweep
from .reports import report_build, reports_reap

RETRYABLE = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, ignore_result=True)
def send_message(self, message_id: int) -> None:
    """Send one message; retry SMTP trouble with exponential backoff, then give up and
    mark it failed (the Ketua Tim sees it on the status page)."""
    try:
        services.message_send(message_id=message_id)
    except RETRYABLE as exc:
        if self.request.retries >= self.max_retries:
            services.message_failed(message_id=message_id, error=exc)
            return
        services.message_retrying(message_id=message_id, error=exc)
        raise self.retry(exc=exc, countdown=min(3600, 30 * 2**self.request.retries)) from exc


@shared_task(acks_late=True, ignore_result=True)
def reminder_sweep(today: str | None = None) -> int:
    """Beat runs this daily. ``today`` (YYYY-MM-DD) lets an operator replay a date."""
    result = sweep.run_sweep(today=date.fromisoformat(today) if today else None)
    return len(result.created)


@shared_task(acks_late=True, ignore_result=True)
def notify_revisions(user_id: int) -> None:
    """Queued (with a delay) when a reviewer asks for revision: by the time it runs,
    every revision request made for this uploader in the window goes out as one mail."""
    sweep.notify_revisions(user_id=user_id)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def build_report(report_id: int) -> None:
    """Build one requested report (PDF or evidence ZIP); see monev.reports."""
    report_build(report_id=report_id)


@shared_task(ignore_result=True)
def reap_reports() -> int:
    """Beat runs this: builds whose worker died are marked failed, never left building."""
    return reports_reap()
