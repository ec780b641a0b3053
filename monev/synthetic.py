"""Synthetic data for benchmarks (``manage.py bench_data``): many units, each with a
full year's plan, accounts, several evidence versions per required item with their
reviews, and activity realisations for the months already past.

Units are ``BENCH-001`` … (names "Unit Bench 001" …); a unit that already has a plan
for the year is skipped, so running the command again adds nothing. Every unit gets
its plan from fixtures/plan-2026.json through ``workplan.services.plan_import``, a
Kepala, a TPI reviewer and one PIC per change area (the PIC of that area's cells),
all with ``unit`` set to it. Evidence versions are links (no files): this is about
database size. Everything else is written with ``bulk_create``, one transaction per
batch of units. The same ``--seed`` gives the same data. The versions, reviews and
realisations, and their times, are filled in by monev/synthetic_fill.py.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from monev.synthetic_fill import (
    BATCH_SIZE,
    EMAIL_DOMAIN,
    evidence_fill,
    realisations_fill,
    timestamps_spread,
)
from workplan.choices import AREA_ORDER
from workplan.models import EvidenceRequirement, Unit, WorkPlan
from workplan.services import plan_import
from zi_portal.accounts.models import Membership, User
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import roles_ensure

PLAN_FILE = settings.BASE_DIR / "fixtures" / "plan-2026.json"
UNITS_PER_BATCH = 10


def unit_code(prefix: str, index: int) -> str:
    return f"{prefix}-{index:03d}"


def unit_number(code: str) -> str:
    return code.rsplit("-", 1)[-1]


def accounts_for(code: str) -> list[tuple[str, str, str, str]]:
    """(e-mail, name, role, area code or "") of a bench unit's accounts."""
    slug, number = code.lower(), unit_number(code)
    rows = [
        (f"kepala.{slug}@{EMAIL_DOMAIN}", f"Kepala Unit Bench {number}", Role.KEPALA, ""),
        (f"tpi.{slug}@{EMAIL_DOMAIN}", f"Asesor TPI Bench {number}", Role.TPI, ""),
    ]
    rows += [
        (f"pic.{area.lower()}.{slug}@{EMAIL_DOMAIN}", f"PIC {area} Bench {number}", Role.PIC, area)
        for area in AREA_ORDER
    ]
    return rows


def plan_data(fixture: dict, *, code: str, year: int) -> dict:
    """The fixture plan for bench unit ``code`` and ``year``, its cells' PIC being the
    unit's PIC of the area (``plan_import`` links them by name)."""
    data = copy.deepcopy(fixture)
    number = unit_number(code)
    data["unit"].update(
        code=code, name=f"Unit Bench {number}", short_name=f"Bench {number}", parent_name="Bench"
    )
    data["plan"]["year"] = year
    data["plan"]["title"] = f"Program Kerja Pembangunan ZI Unit Bench {number} {year}"
    for quarter in data["quarters"]:
        quarter.pop("due_date", None)  # the default: the quarter's last day in ``year``
    for cell in data["cells"]:
        cell["pic"] = f"PIC {cell['area']} Bench {number}"
    return data


def users_ensure(codes: list[str], units: dict[str, Unit], groups: dict) -> dict[str, User]:
    """The bench accounts of ``codes`` (created in bulk when missing), by e-mail."""
    wanted = {row[0]: (code, row) for code in codes for row in accounts_for(code)}
    existing = {u.email: u for u in User.objects.filter(email__in=list(wanted))}
    new = []
    for email, (code, (_email, name, _role, area)) in wanted.items():
        if email in existing:
            continue
        user = User(
            email=email,
            name=name,
            position=f"PIC area {area}" if area else "",
            unit=units[code],
            receive_digest=False,
            unit_count=1,
        )
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=BATCH_SIZE)
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=u.pk, group_id=groups[wanted[u.email][1][2]].pk) for u in new],
        batch_size=BATCH_SIZE,
    )
    # The same role as a membership of the unit (what the m2m receiver would add).
    Membership.objects.bulk_create(
        [Membership(user_id=u.pk, unit_id=u.unit_id, role=wanted[u.email][1][2]) for u in new],
        batch_size=BATCH_SIZE,
    )
    existing.update({u.email: u for u in new})
    return existing


def units_with_plan(codes: list[str], year: int) -> set[str]:
    """The codes among ``codes`` whose unit already has a plan for ``year``."""
    return set(
        WorkPlan.objects.filter(unit__code__in=codes, year=year).values_list(
            "unit__code", flat=True
        )
    )


def units_ensure(codes: list[str]) -> dict[str, Unit]:
    """The bench units ``codes`` (created in bulk when missing), by code."""
    have = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    Unit.objects.bulk_create(
        [
            Unit(
                code=c,
                name=f"Unit Bench {unit_number(c)}",
                short_name=f"Bench {unit_number(c)}",
                parent_name="Bench",
            )
            for c in codes
            if c not in have
        ]
    )
    return {u.code: u for u in Unit.objects.filter(code__in=codes)}


def units_create(
    codes: list[str], *, fixture: dict, year: int, versions: int, seed: int
) -> Iterator[tuple[list[str], dict[str, float]]]:
    """Create the bench units ``codes`` with their accounts, plans (from the plan
    document ``fixture``), versions, reviews and realisations, ``UNITS_PER_BATCH`` units
    a transaction. Yields each batch once committed, with how many plans, versions,
    reviews and realisations it created and the seconds spent in ``plan_import`` and in
    the rest of the filling."""
    groups = roles_ensure()
    today = timezone.localdate()
    for start in range(0, len(codes), UNITS_PER_BATCH):
        batch = codes[start : start + UNITS_PER_BATCH]
        with transaction.atomic():
            accounts = users_ensure(batch, units_ensure(batch), groups)
            t0 = time.perf_counter()
            plans = [plan_import(data=plan_data(fixture, code=c, year=year))[0] for c in batch]
            t1 = time.perf_counter()
            reviewers = {p.pk: accounts[f"tpi.{p.unit.code.lower()}@{EMAIL_DOMAIN}"] for p in plans}
            n_versions, n_reviews = evidence_fill(
                plans=plans, reviewers=reviewers, versions=versions, seed=seed
            )
            n_real = realisations_fill(plans=plans, seed=seed, today=today)
            timestamps_spread(plans)
            fill_seconds = time.perf_counter() - t1
        yield (
            batch,
            {
                "plans": len(plans),
                "versions": n_versions,
                "reviews": n_reviews,
                "realisations": n_real,
                "import_seconds": t1 - t0,
                "fill_seconds": fill_seconds,
            },
        )


def items_count(codes: list[str], year: int) -> int:
    """How many required items the plans for ``year`` of units ``codes`` hold."""
    return EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code__in=codes, cell__quarter__plan__year=year
    ).count()
