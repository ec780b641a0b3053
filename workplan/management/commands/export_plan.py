import json
import sys

from django.core.management.base import BaseCommand, CommandError

from workplan import exports
from workplan.documents import plan_document
from workplan.models import WorkPlan


class Command(BaseCommand):
    help = (
        "Export a year's plan: --table commitments|activities --format csv to stdout "
        "(or --output FILE), --format xlsx --output FILE with both tables as sheets, or "
        "--format json: the plan as a zi-portal-plan/1 document that load_plan and the "
        "ministry's year start read."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--table", choices=sorted(exports.TABLES), default="commitments")
        parser.add_argument("--format", dest="fmt", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", help="File to write (required for xlsx).")
        parser.add_argument("--unit", help="Unit code, when several units have a plan that year.")

    def handle(
        self,
        *args,
        year: int,
        table: str,
        fmt: str,
        output: str | None,
        unit: str | None,
        **options,
    ):
        plans = WorkPlan.objects.filter(year=year).select_related("unit")
        if unit:
            plans = plans.filter(unit__code=unit)
        found = list(plans[:2])
        if not found:
            raise CommandError(f"No plan for {year}" + (f" of unit {unit}" if unit else "") + ".")
        if len(found) > 1:
            raise CommandError(f"Several units have a plan for {year}: name one with --unit.")
        plan = found[0]
        if fmt == "json":
            text = json.dumps(plan_document(plan), ensure_ascii=False, indent=2) + "\n"
            if output:
                with open(output, "w", encoding="utf-8") as fh:
                    fh.write(text)
                self.stderr.write(f"Wrote {output}")
            else:
                self.stdout.write(text, ending="")
            return
        if fmt == "xlsx":
            if not output:
                raise CommandError("--format xlsx needs --output FILE.")
            with open(output, "wb") as fh:
                fh.write(exports.workbook_bytes(plan))
            self.stderr.write(f"Wrote {output}")
            return
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                exports.write_csv(plan, table, fh)
            self.stderr.write(f"Wrote {output}")
        else:
            try:
                exports.write_csv(plan, table, sys.stdout)
                sys.stdout.flush()
            except BrokenPipeError:  # e.g. piped into `head`: stop quietly
                sys.stdout = None
