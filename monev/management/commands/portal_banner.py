"""Printed by `make run` before the processes start: where to go, who to sign in as."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from .seed_demo import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "Print the portal URL and the demo sign-ins."

    def handle(self, *args, **options):
        host = os.environ.get("ZI_HOST", "127.0.0.1")
        port = os.environ.get("ZI_PORT", "8000")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
        mail = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
        lines = [
            "",
            "=" * 64,
            f"  ZI Portal: http://{host}:{port}/",
            f"  database: {db} · broker: {broker} · e-mail: {mail}",
            f"  demo sign-ins (password: {password}):",
        ]
        lines += [f"    {email:<22} {name}" for email, name, *_rest in DEMO_ACCOUNTS]
        lines += ["  web, Celery worker and beat start now; Ctrl+C stops all three.", "=" * 64, ""]
        self.stdout.write("\n".join(lines))
