"""Import a unit's LKE answers from PortalRB's jawaban-unit JSON."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lke import importing
from lke.importing import CHANGED, CLEARED, MERGE, NEW, REPLACE
from lke.validation import LkeRefused


class Command(BaseCommand):
    help = (
        "Import LKE answers (unit and TPI) from a jawaban-unit JSON file; the unit is the "
        "file's unit_id. All answers are imported, or none. --replace makes the file the "
        "unit's whole LKE (answers of soal not in the file are cleared); --merge (the "
        "default) changes only the soal in the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, help="Evaluation year (default: the file's).")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--replace",
            dest="mode",
            action="store_const",
            const=REPLACE,
            help="Replace all answers: soal not in the file are cleared.",
        )
        mode.add_argument(
            "--merge",
            dest="mode",
            action="store_const",
            const=MERGE,
            help="Change only the soal in the file; the others keep their answers (default).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )

    def handle(self, *args, file: Path, year: int | None, mode: str | None, **options):
        mode = mode or MERGE
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        dry_run = options["dry_run"]
        try:
            if dry_run:
                parsed = importing.parse(raw, year=year)
                plan = importing.plan(parsed, mode)
                unit, year, changed = parsed.unit, parsed.year, len(plan.changes)
                unchanged = importing.unchanged(parsed, mode)
            else:
                result = importing.import_jawaban_unit(raw, year=year, mode=mode)
                plan, unit, year = result.plan, result.unit, result.year
                changed, unchanged = result.changed, result.unchanged
        except LkeRefused as exc:
            raise CommandError(exc.message) from exc
        how = (
            "replace (soal not in the file were cleared)"
            if mode == REPLACE
            else f"merge ({plan.kept} soal not in the file kept their answers)"
        )
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            f"{unit.code} {year}, mode {how}: {changed} answers {verb} "
            f"({plan.count(NEW)} new, {plan.count(CHANGED)} changed, "
            f"{plan.count(CLEARED)} cleared), {unchanged} unchanged. "
            f"Unit total {plan.score_before['unit']} -> {plan.score_after['unit']}, "
            f"TPI total {plan.score_before['tpi']} -> {plan.score_after['tpi']}."
        )
        for change in plan.changes if dry_run or options["verbosity"] > 1 else ():
            self.stdout.write(
                f"  soal {change.soal_id} {change.side}: {change.kind} "
                f"{change.before or '-'} -> {change.after or '-'}"
            )
