"""Load the 2026 plan if absent and create the demo accounts (idempotent)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lke.models import Category, Proposal
from lke.services import master_ensure
from workplan.services import PlanImportError, cells_link_pics, plan_import_file
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import roles_ensure, user_ensure

PLAN_FILE = settings.BASE_DIR / "fixtures" / "plan-2026.json"
DEFAULT_DEMO_PASSWORD = "zi-demo-2026"  # noqa: S105 - documented demo-only password

# (e-mail, name, role, position, staff?) – PIC names as the plan document prints them.
DEMO_ACCOUNTS = [
    (
        "ketua@example.org",
        "Ketua Tim ZI (demo)",
        Role.KETUA,
        "Ketua Tim Kerja Pembangunan ZI",
        True,
    ),
    (
        "kepala@example.org",
        "Noor Iza",
        Role.KEPALA,
        "Kepala Pusat Pengembangan Aparatur Komunikasi dan Digital",
        False,
    ),
    ("tpi@example.org", "Asesor TPI (demo)", Role.TPI, "Tim Penilai Internal", False),
    ("pic.mp@example.org", "Annisa Nurul Aini Firdaus", Role.PIC, "PIC Manajemen Perubahan", False),
    ("pic.tl@example.org", "Isnaldi", Role.PIC, "PIC Penataan Tatalaksana", False),
    (
        "pic.sdm@example.org",
        "Johny Aryo Permadi",
        Role.PIC,
        "PIC Penataan Sistem Manajemen SDM",
        False,
    ),
    (
        "pic.ak@example.org",
        "Herri Triansyah",
        Role.PIC,
        "PIC Penguatan Akuntabilitas Kinerja",
        False,
    ),
    ("pic.pw@example.org", "Irene Septine", Role.PIC, "PIC Penguatan Pengawasan", False),
    (
        "pic.pp@example.org",
        "Aji Digda Aguna",
        Role.PIC,
        "PIC Peningkatan Kualitas Pelayanan Publik",
        False,
    ),
]


class Command(BaseCommand):
    help = "Load the 2026 plan (if absent) and the demo accounts; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Demo password (default: $DEMO_PASSWORD).")

    @transaction.atomic
    def handle(self, *args, password: str | None, **options):
        password = password or os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        try:
            plan, created = plan_import_file(path=PLAN_FILE)
        except PlanImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            ("Loaded" if created else "Plan already present:") + f" {plan.title} ({plan.unit})"
        )
        groups = roles_ensure()  # once for all the accounts below
        made = 0
        for email, name, role, position, staff in DEMO_ACCOUNTS:
            _user, was_created = user_ensure(
                email=email,
                name=name,
                role=role,
                password=password,
                position=position,
                unit=plan.unit,
                is_staff=staff,
                groups=groups,
            )
            made += was_created
        linked = cells_link_pics(plan=plan)
        self._seed_lke(plan)
        self.stdout.write(
            f"Demo accounts: {made} created, {len(DEMO_ACCOUNTS) - made} already present; "
            f"{linked} cells linked to their PIC."
        )

    def _seed_lke(self, plan) -> None:
        """The 2026 LKE master list, and the unit proposed for Menuju WBK (so PortalRB's
        endpoints have data)."""
        master = master_ensure()
        _proposal, created = Proposal.objects.get_or_create(
            unit=plan.unit, year=plan.year, defaults={"category": Category.WBK}
        )
        self.stdout.write(
            f"LKE ZI {master.year}: {master.total_soal} soal; {plan.unit} "
            + ("proposed" if created else "already proposed")
            + f" for {plan.year}."
        )
