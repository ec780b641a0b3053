"""Background work of monitoring. Tasks take ids and are safe to run twice."""

from __future__ import annotations

import smtplib
from datetime import date

from celery import shared_task
from celery.signals import worker_process_init

from zi_portal.core.dbretry import outlasting_database_restarts

from . import monthly, pdf, services, sweep
from . import pmpzi_reminders as pmpzi_reminders_module
from .reports import report_build, reports_reap

RETRYABLE = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


@shared_task(acks_late=True, ignore_result=True)
@outlasting_database_restarts
def send_message(message_id: int) -> None:
    """Send one message; retry SMTP trouble with exponential backoff, then give up and
    mark it failed (the Ketua Tim sees it on the status page). A retry waits in the
    outbox, not in the broker (``services.message_retry_later``)."""
    try:
        services.message_send(message_id=message_id)
    except RETRYABLE as exc:
        services.message_retry_later(message_id=message_id, error=exc, max_tries=1 + MAX_RETRIES)


@shared_task(ignore_result=True)
def rescue_messages() -> int:
    """Beat runs this every five minutes: messages a killed send left queued go again."""
    return services.messages_rescue()


@shared_task(acks_late=True, ignore_result=True)
@outlasting_database_restarts
def reminder_sweep(today: str | None = None) -> int:
    """Beat runs this daily. ``today`` (YYYY-MM-DD) lets an operator replay a date."""
    result = sweep.run_sweep(today=date.fromisoformat(today) if today else None)
    return len(result.created)


@shared_task(acks_late=True, ignore_result=True)
def reminder_catch_up() -> int | None:
    """Beat runs this every ten minutes: the day's sweep, if its hour has passed and it
    has not run (beat could not hand it over); None when there is nothing to catch up."""
    return sweep.catch_up()


@shared_task(acks_late=True, ignore_result=True)
@outlasting_database_restarts
def realisation_reminders(today: str | None = None) -> int:
    """Beat runs this every hour: on the first working day of a month (from the reminder
    hour) the PICs hear once about last month's activities without realisation; on other
    days it does nothing. ``today`` (YYYY-MM-DD) lets an operator replay a date."""
    day = date.fromisoformat(today) if today else None
    return len(monthly.run_monthly(today=day))


@shared_task(acks_late=True, ignore_result=True)
@outlasting_database_restarts
def pmpzi_reminders(today: str | None = None) -> int:
    """Beat runs this hourly: 30, 14 and 3 days before the year's PMPZI deadline, each
    unit not yet proposed has its Ketua Tim and assessors told what is missing (once:
    the records' unique constraint). ``today`` (YYYY-MM-DD) replays a date."""
    day = date.fromisoformat(today) if today else None
    return len(pmpzi_reminders_module.run_pmpzi(today=day))


@shared_task(acks_late=True, ignore_result=True)
@outlasting_database_restarts
def notify_revisions(user_id: int) -> None:
    """Queued (with a delay) when a reviewer asks for revision: by the time it runs,
    every revision request made for this uploader in the window goes out as one mail."""
    sweep.notify_revisions(user_id=user_id)


@worker_process_init.connect(dispatch_uid="monev.pdf_warm_up")
def pdf_warm_up(**_kwargs) -> None:
    """A pool process (prefork child, or the solo worker) is there to run tasks, report
    builds among them: it loads WeasyPrint as it starts, in the background, so that the
    first build a user waits for does not (monev.pdf)."""
    pdf.warm_up_in_background()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def build_report(report_id: int) -> None:
    """Build one requested report (PDF or evidence ZIP); see monev.reports."""
    report_build(report_id=report_id)


@shared_task(ignore_result=True)
def reap_reports() -> int:
    """Beat runs this: builds whose worker died are marked failed, never left building."""
    return reports_reap()
