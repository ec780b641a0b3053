"""Load the 2026 plan if absent and create the demo accounts, the LKE master and the
demo unit's surveys (idempotent)."""

import os
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from lke.models import Category, Proposal
from lke.services import master_ensure
from surveys.choices import SurveyKind, SurveyStatus
from surveys.models import Service, Survey
from surveys.services import questions_from_set
from workplan.services import PlanImportError, cells_link_pics, plan_import_file
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import roles_ensure, user_ensure

PLAN_FILE = settings.BASE_DIR / "fixtures" / "plan-2026.json"
DEFAULT_DEMO_PASSWORD = "zi-demo-2026"  # noqa: S105 - documented demo-only password

# The demo unit's services with plausible yearly numbers of users (code, name, users).
DEMO_SERVICES = [
    ("pelatihan", "Pelatihan", 1200),
    ("sertifikasi", "Sertifikasi", 800),
    ("konsultasi", "Konsultasi", 150),
]
# The surveys of TW IV 2026, open and without responses (kind, title).
DEMO_SURVEY_PERIOD = (date(2026, 10, 1), date(2026, 12, 31))
DEMO_SURVEYS = [
    (SurveyKind.SKM, "Survei Kepuasan Masyarakat TW IV 2026"),
    (SurveyKind.IPKP, "Survei Persepsi Kualitas Pelayanan TW IV 2026"),
    (SurveyKind.IPAK, "Survei Persepsi Anti Korupsi TW IV 2026"),
]

ADMIN_EMAIL = "admin.kementerian@example.org"
INSPEKTORAT_EMAIL = "inspektorat@example.org"

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
        # The demo accounts share one documented password: hashing it once (a second each
        # with the default hasher) keeps the first `make run` short.
        password_hash = make_password(password)
        made, ketua = 0, None
        for email, name, role, position, staff in DEMO_ACCOUNTS:
            user, was_created = user_ensure(
                email=email,
                name=name,
                role=role,
                password_hash=password_hash,
                position=position,
                unit=plan.unit,
                is_staff=staff,
                groups=groups,
            )
            made += was_created
            ketua = user if role == Role.KETUA else ketua
        self._seed_ministry(plan, groups, password_hash)
        linked = cells_link_pics(plan=plan)
        self._seed_lke(plan)
        self._seed_surveys(plan, ketua)
        self.stdout.write(
            f"Demo accounts: {made} created, {len(DEMO_ACCOUNTS) - made} already present; "
            f"{linked} cells linked to their PIC."
        )

    def _seed_ministry(self, plan, groups, password_hash) -> None:
        """The ministry's administrator (no unit) and an Inspektorat assessor, TPI of the
        demo unit (a unit is assigned to them through a membership)."""
        user_ensure(
            email=ADMIN_EMAIL,
            name="Admin Kementerian (demo)",
            role=Role.ADMIN,
            password_hash=password_hash,
            position="Administrator Portal ZI Kementerian",
            groups=groups,
        )
        # The TPI role in the demo unit is the assessor's membership (accounts.units).
        user_ensure(
            email=INSPEKTORAT_EMAIL,
            name="Asesor Inspektorat (demo)",
            role=Role.TPI,
            password_hash=password_hash,
            position="Auditor, Inspektorat Jenderal",
            unit=plan.unit,
            groups=groups,
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

    def _seed_surveys(self, plan, ketua) -> None:
        """The demo unit's services and its open SKM, IPKP and IPAK surveys of TW IV
        2026, without responses; what is already there is left as it is. Written as the
        operator's demo data, like the plan (no audit event in a person's name: the demo
        accounts stay removable), each row checked by ``full_clean``."""
        unit = plan.unit
        for code, name, population in DEMO_SERVICES:
            if not Service.objects.filter(unit=unit, code=code).exists():
                service = Service(unit=unit, code=code, name=name, population=population)
                service.full_clean()
                service.save()
        service_list = list(
            Service.objects.filter(unit=unit, code__in=[c for c, _n, _p in DEMO_SERVICES])
        )
        starts_on, ends_on = DEMO_SURVEY_PERIOD
        # A period already over is left a draft (it could not be opened any more).
        status = SurveyStatus.OPEN if ends_on >= timezone.localdate() else SurveyStatus.DRAFT
        made = 0
        for kind, title in DEMO_SURVEYS:
            if Survey.objects.filter(
                unit=unit, kind=kind, starts_on=starts_on, ends_on=ends_on
            ).exists():
                continue
            survey = Survey(
                unit=unit,
                kind=kind,
                title=title,
                starts_on=starts_on,
                ends_on=ends_on,
                quarter=4,
                status=status,
                created_by=ketua,
            )
            survey.full_clean()
            survey.save()
            survey.services.set(service_list)
            questions_from_set(survey)
            made += 1
        self.stdout.write(
            f"Surveys of TW IV {starts_on.year}: {made} created, "
            f"{len(DEMO_SURVEYS) - made} already present."
        )
