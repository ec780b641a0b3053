"""A second unit in the test data: "Unit Uji B", with its own 2026 plan (the customer's
document with another unit, other PIC names and another signatory) and one account per
role. It is seeded with the demo into every test database (tests/conftest.py), so every
test runs in a portal that holds two units, and the isolation tests
(tests/accounts/test_isolation.py) act as unit B's people against unit A's objects.

Nothing of unit A's people or names appears in unit B's plan, so a page that B's people
open and that shows one of A's names, e-mails or marked texts has leaked it."""

from __future__ import annotations

import copy
import json

from django.conf import settings
from django.contrib.auth.hashers import make_password

from workplan.models import Pokja, PokjaMember, Unit, WorkPlan
from workplan.services import cells_link_pics, plan_import
from zi_portal.accounts.models import User
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import roles_ensure, user_ensure

# Unit A is the demo (fixtures/plan-2026.json, seed_demo); unit B is seeded here.
UNIT_A = json.loads(
    (settings.BASE_DIR / "fixtures" / "plan-2026.json").read_text(encoding="utf-8")
)["unit"]["code"]
UNIT_B = "UNIT-UJI-B"
DOMAIN_B = "unit-b.test"
PLAN_FILE = settings.BASE_DIR / "fixtures" / "plan-2026.json"

# (key, e-mail, name, role, area of the PIC or member, staff?)
ACCOUNTS_B = [
    ("ketua", f"ketua@{DOMAIN_B}", "Ketua Tim Unit B", Role.KETUA, "", True),
    ("kepala", f"kepala@{DOMAIN_B}", "Kepala Unit B", Role.KEPALA, "", False),
    ("tpi", f"tpi@{DOMAIN_B}", "Asesor TPI Unit B", Role.TPI, "", False),
    *[
        (f"pic.{area.lower()}", f"pic.{area.lower()}@{DOMAIN_B}", f"PIC {area} Unit B", Role.PIC,
         area, False)
        for area in ("MP", "TL", "SDM", "AK", "PW", "PP")
    ],
    ("anggota", f"anggota.pw@{DOMAIN_B}", "Anggota Pokja PW Unit B", Role.MEMBER, "PW", False),
]  # fmt: skip


def plan_b_data() -> dict:
    data = copy.deepcopy(json.loads(PLAN_FILE.read_text(encoding="utf-8")))
    data["unit"].update(
        code=UNIT_B,
        name="Unit Uji B Kementerian Contoh",
        short_name="Unit Uji B",
        parent_name="Kementerian Contoh",
    )
    data["plan"].update(
        title="Program Kerja Pembangunan ZI Unit Uji B 2026",
        signatory_name="Kepala Unit B",
        signatory_title="Kepala Unit Uji B",
    )
    for cell in data["cells"]:
        cell["pic"] = f"PIC {cell['area']} Unit B"
    return data


def second_unit_seed(password: str) -> WorkPlan:
    """Unit B, its plan and its accounts (idempotent, like ``seed_demo``)."""
    plan, _created = plan_import(data=plan_b_data())
    groups = roles_ensure()
    password_hash = make_password(password)
    users = {}
    for key, email, name, role, _area, staff in ACCOUNTS_B:
        users[key], _ = user_ensure(
            email=email,
            name=name,
            role=role,
            password_hash=password_hash,
            unit=plan.unit,
            is_staff=staff,
            groups=groups,
        )
    cells_link_pics(plan=plan)
    pokja = Pokja.objects.get(plan=plan, area__code="PW")
    PokjaMember.objects.get_or_create(
        pokja=pokja, user=users["anggota"], defaults={"added_by": users["pic.pw"]}
    )
    return plan


def unit_b() -> Unit:
    return Unit.objects.get(code=UNIT_B)


def users_b() -> dict[str, User]:
    by_email = {u.email: u for u in User.objects.filter(unit__code=UNIT_B)}
    return {key: by_email[email] for key, email, *_rest in ACCOUNTS_B}
