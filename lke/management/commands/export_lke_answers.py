"""Write a unit's LKE answers as PortalRB's jawaban-unit JSON (or the LKE XLSX)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lke import exchange, selectors, xlsx
from workplan.models import Unit


class Command(BaseCommand):
    help = "Export a unit's LKE answers: jawaban-unit JSON, or XLSX with --xlsx."

    def add_arguments(self, parser):
        parser.add_argument("unit", help="Unit code (the PortalRB unit_id).")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", type=Path, help="File to write (default: stdout).")
        parser.add_argument(
            "--xlsx", dest="as_xlsx", action="store_true", help="Write the LKE workbook."
        )

    def handle(self, *args, unit: str, year: int, output: Path | None, as_xlsx: bool, **opts):
        unit_row = Unit.objects.filter(code=unit).first()
        master = selectors.master_for_year(year)
        if unit_row is None:
            raise CommandError(f"Unknown unit {unit}.")
        if master is None:
            raise CommandError(f"No LKE master list for {year}: run load_lke_master first.")
        if as_xlsx:
            if output is None:
                raise CommandError("--xlsx needs --output.")
            output.write_bytes(xlsx.workbook_bytes(unit=unit_row, master=master))
        else:
            doc = exchange.jawaban_unit(unit=unit_row, master=master)
            text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
            if output:
                output.write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
        if output:
            self.stdout.write(f"Wrote {output}.")
