"""Run the reminder sweep in the foreground (no worker needed) and send the e-mails."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from monev import reminders, sweep
from monev.choices import MessageStatus
from monev.models import Message


class Command(BaseCommand):
    help = (
        "Run today's reminder sweep by hand: upcoming and overdue notices, revision "
        "requests and the weekly digest, each sent once. --dry-run only prints."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if it were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get what; record and send nothing.",
        )

    def handle(self, *args, today: str | None, dry_run: bool, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD, not {today!r}.") from exc
        if dry_run:
            pending = list(reminders.unsent(reminders.iter_reminders(today=day)))
            self.stdout.write(
                f"Dry run for {day.isoformat()}: {len(pending)} message(s) would be sent."
            )
            for item in pending:
                self.stdout.write("  " + item.describe())
            return
        result = sweep.run_sweep(today=day, send_now=True)
        sent = Message.objects.filter(pk__in=[m.pk for m in result.created])
        failed = sent.filter(status=MessageStatus.FAILED).count()
        self.stdout.write(
            f"Sweep for {day.isoformat()}: {len(result.created)} message(s) created, "
            f"{failed} failed, {result.skipped} already sent before."
        )
        for message in sent.select_related("recipient"):
            self.stdout.write(f"  [{message.status}] {message.recipient.email}: {message.subject}")
        if failed:
            raise CommandError(f"{failed} message(s) could not be sent; see the status page.")
