"""Compare the media storage with the database; with --apply, quarantine what no row
names and remove abandoned temporary files (see zi_portal.core.reconcile)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from zi_portal.core import reconcile


class Command(BaseCommand):
    help = (
        "Find stored files that no row names (left by a process killed mid-upload), rows "
        "whose file is missing, and abandoned temporary files. Prints only, unless "
        "--apply: then orphans are moved to the quarantine folder (never deleted) and "
        "temporary files removed. Exit status 1 when a row's file is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Quarantine orphans and remove temporary files (default: only report).",
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=None,
            help="Leave files younger than this alone (default ZI_STORAGE_GRACE_MINUTES).",
        )

    def handle(self, *args, apply: bool, grace_minutes: int | None, **options):
        grace = timedelta(minutes=grace_minutes) if grace_minutes is not None else None
        result = reconcile.reconcile(apply=apply, grace=grace)
        reconcile.record(result)
        out = self.stdout.write
        out(
            f"{result.files} file(s) in storage, {result.referenced} named by rows; "
            f"{len(result.orphans)} orphan(s) ({filesizeformat(result.orphan_bytes)}), "
            f"{len(result.missing)} missing, {len(result.leftovers)} temporary file(s) "
            f"({filesizeformat(result.leftover_bytes)})."
        )
        for orphan in result.orphans:
            out(f"  orphan   {orphan.name} ({filesizeformat(orphan.size)})")
        for row, name in result.missing:
            out(self.style.ERROR(f"  missing  {name} (named by {row})"))
        for leftover in result.leftovers:
            out(f"  temp     {leftover.name} ({filesizeformat(leftover.size)})")
        if apply:
            for name in result.quarantined:
                out(f"  moved to {name}")
            out(f"Removed {len(result.removed)} temporary file(s).")
        elif result.orphans or result.leftovers:
            out("Nothing was changed. Run again with --apply to quarantine and clean up.")
        if result.missing:
            raise SystemExit(1)
