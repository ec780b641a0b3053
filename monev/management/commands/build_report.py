"""Build a monev report PDF from the command line (the same PDF the worker builds)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from monev.reports import build_pdf
from workplan.models import WorkPlan


class Command(BaseCommand):
    help = "Build the quarterly (--quarter N) or annual (--annual) monev report as PDF."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        group.add_argument("--annual", action="store_true")
        parser.add_argument("--output", required=True, help="PDF file to write.")
        parser.add_argument("--unit", help="Unit code, when several units have a plan.")
        parser.add_argument("--today", help="Date of the report (YYYY-MM-DD), default today.")

    def handle(self, *args, year, quarter, annual, output, unit, today, **options):
        plans = WorkPlan.objects.filter(year=year).select_related("unit")
        if unit:
            plans = plans.filter(unit__code=unit)
        found = list(plans[:2])
        if len(found) != 1:
            raise CommandError(
                f"No plan for {year}." if not found else "Several units: name one with --unit."
            )
        day = date.fromisoformat(today) if today else None
        data = build_pdf(plan=found[0], quarter=None if annual else quarter, today=day)
        with open(output, "wb") as fh:
            fh.write(data)
        self.stderr.write(f"Wrote {output} ({len(data)} bytes)")
