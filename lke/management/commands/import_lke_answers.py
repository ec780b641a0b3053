"""Import a unit's LKE answers from PortalRB's jawaban-unit JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lke.exchange import import_jawaban_unit
from lke.validation import LkeRefused


class Command(BaseCommand):
    help = (
        "Import LKE answers (unit and TPI) from a jawaban-unit JSON file; the unit is the "
        "file's unit_id. All answers are imported, or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, help="Evaluation year (default: the file's).")

    def handle(self, *args, file: Path, year: int | None, **options):
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            result = import_jawaban_unit(raw, year=year)
        except LkeRefused as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{result.unit.code} {result.year}: {result.changed} answers changed, "
            f"{result.unchanged} unchanged."
        )
