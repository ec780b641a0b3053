"""Issue, list and revoke the Bearer tokens PortalRB uses."""

from django.core.management.base import BaseCommand, CommandError

from lke import services
from lke.models import PortalRBToken
from workplan.models import Unit


class Command(BaseCommand):
    help = "PortalRB tokens: create NAME (prints the token once), list, revoke ID."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token and print it.")
        create.add_argument("name")
        create.add_argument(
            "--unit", help="Code of the one unit the token reads (default: every unit)."
        )
        sub.add_parser("list", help="List tokens (never the secret).")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action: str, **options):
        if action == "create":
            name = options["name"].strip()
            if not name:
                raise CommandError("NAME must not be empty.")
            unit = None
            if options.get("unit"):
                unit = Unit.objects.filter(code=options["unit"]).first()
                if unit is None:
                    raise CommandError(f"No unit with code {options['unit']}.")
            _token, raw = services.token_issue(name=name, unit=unit)
            self.stdout.write(raw)
        elif action == "list":
            for t in PortalRBToken.objects.select_related("unit"):
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                scope = t.unit.code if t.unit_id else "all units"
                self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.name}\t{scope}\t{state}")
        else:
            token = PortalRBToken.objects.filter(pk=options["id"]).first()
            if token is None or not services.token_revoke(token=token):
                raise CommandError(f"No active token with id {options['id']}.")
            self.stdout.write(f"Token {options['id']} revoked.")
