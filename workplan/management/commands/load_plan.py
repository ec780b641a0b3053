from django.core.management.base import BaseCommand, CommandError

from workplan.services import PlanImportError, plan_import_file


class Command(BaseCommand):
    help = "Load a work plan document (zi-portal-plan/1 JSON, e.g. fixtures/plan-2026.json)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Rebuild the plan if it already exists (only before any upload).",
        )

    def handle(self, *args, path: str, replace: bool, **options):
        try:
            plan, created = plan_import_file(path=path, replace=replace)
        except PlanImportError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Loaded" if created else "Already present, left unchanged:"
        self.stdout.write(f"{verb} {plan.title} – {plan.unit} ({plan.year})")
