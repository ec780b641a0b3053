"""Issue, list and revoke the Bearer tokens PortalRB uses."""

from django.core.management.base import BaseCommand, CommandError

from lke import services
from lke.models import PortalRBToken


class Command(BaseCommand):
    help = "PortalRB tokens: create NAME (prints the token once), list, revoke ID."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token and print it.")
        create.add_argument("name")
        sub.add_parser("list", help="List tokens (never the secret).")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action: str, **options):
        if action == "create":
            name = options["name"].strip()
            if not name:
                raise CommandError("NAME must not be empty.")
            _token, raw = services.token_issue(name=name)
            self.stdout.write(raw)
        elif action == "list":
            for t in PortalRBToken.objects.all():
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.name}\t{state}")
        else:
            token = PortalRBToken.objects.filter(pk=options["id"]).first()
            if token is None or not services.token_revoke(token=token):
                raise CommandError(f"No active token with id {options['id']}.")
            self.stdout.write(f"Token {options['id']} revoked.")
