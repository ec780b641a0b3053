"""Load a year's LKE ZI master question list (PortalRB's JSON)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lke.services import master_load
from lke.validation import LkeRefused


class Command(BaseCommand):
    help = "Load an LKE ZI master question list (PortalRB master soal JSON); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            master, status = master_load(raw, source_name=file.name)
        except LkeRefused as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"LKE ZI {master.year}: {master.total_soal} soal, {status}.")
