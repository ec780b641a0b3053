"""Synthetic data for benchmarks: many units, each with a full year's plan, accounts,
several evidence versions per required item with their reviews, and activity
realisations for the months already past.

    python manage.py bench_data --units 200 [--versions 5] [--year 2026] [--seed 1]

Units are ``BENCH-001`` … (names "Unit Bench 001" …); a unit that already has a plan
for the year is skipped, so running the command again adds nothing. Every unit gets
its plan from fixtures/plan-2026.json through ``workplan.services.plan_import``, a
Kepala, a TPI reviewer and one PIC per change area (the PIC of that area's cells),
all with ``unit`` set to it. Evidence versions are links (no files): this is about
database size. Everything else is written with ``bulk_create``, one transaction per
batch of units. The same ``--seed`` gives the same data.

Versions of an item, per item exactly ``--versions`` (numbered 1…n):
- each version before the last was either sent back for revision (a ``revise`` review)
  and replaced by the next one (superseded), or withdrawn by its uploader;
- the last one is approved (with an ``approve`` review), to revise (with a ``revise``
  review), waiting for review, or now and then withdrawn (the item is then missing).

On PostgreSQL the upload and review times are spread over the weeks before each
quarter's deadline (one UPDATE per batch); elsewhere they keep the time of the run.
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from evidence.choices import Decision, Kind, ReviewState
from evidence.models import EvidenceVersion, Review
from monev.choices import Realisation
from monev.models import ActivityRealisation
from workplan.choices import AREA_ORDER
from workplan.models import (
    Activity,
    CommitmentCell,
    EvidenceRequirement,
    Quarter,
    Unit,
    WorkPlan,
)
from workplan.services import plan_import
from zi_portal.accounts.models import User
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import roles_ensure

PLAN_FILE = settings.BASE_DIR / "fixtures" / "plan-2026.json"
UNITS_PER_BATCH = 10
BATCH_SIZE = 2000
EMAIL_DOMAIN = "bench.example.org"

# Fate of the last version of an item (cumulative thresholds on rng.random()).
LAST_WITHDRAWN, LAST_APPROVED, LAST_REVISE = 0.05, 0.60, 0.78  # else: pending
# Share of earlier versions that were withdrawn rather than revised and replaced.
EARLIER_WITHDRAWN = 0.25
REVISE_COMMENTS = [
    "Lampirkan dokumen yang sudah ditandatangani.",
    "Tanggal kegiatan tidak sesuai dengan triwulan.",
    "Daftar hadir belum dilampirkan.",
    "Tautan tidak dapat dibuka tanpa izin akses.",
    "Foto kegiatan belum diberi keterangan.",
]
WITHDRAW_REASONS = ["Salah unggah.", "Berkas keliru, diganti versi baru.", "Duplikat."]
# Realisation of a planned month already past (cumulative): done, partial, not done;
# the rest is left unrecorded (shows as late on the dashboard).
REAL_DONE, REAL_PARTIAL, REAL_NOT_DONE = 0.65, 0.80, 0.90


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


def rng_for(seed: int, plan: WorkPlan) -> random.Random:
    return random.Random(f"{seed}:{plan.unit.code}:{plan.year}")


def evidence_fill(
    *,
    plans: list[WorkPlan],
    reviewers: dict[int, User],
    versions: int,
    seed: int,
    fallback_uploader: User | None = None,
) -> tuple[int, int]:
    """Add exactly ``versions`` link versions to every required item of ``plans``
    (uploaded by the cell's PIC, else ``fallback_uploader``) and the reviews by
    ``reviewers[plan.pk]``. Returns (versions, reviews) created."""
    if versions <= 0 or not plans:
        return 0, 0
    now = timezone.now()
    requirements = list(
        EvidenceRequirement.objects.filter(cell__quarter__plan__in=plans)
        .select_related("cell__quarter", "cell__area")
        .order_by("cell__quarter__plan_id", "cell__quarter__number", "cell__area__order", "order")
    )
    plans_by_id = {p.pk: p for p in plans}
    rngs = {p.pk: rng_for(seed, p) for p in plans}
    # Fates, drawn in a fixed order: "revised"/"withdrawn" for earlier versions;
    # "withdrawn"/"approved"/"revise"/"pending" for the last one.
    fates: list[list[str]] = []
    for req in requirements:
        rng = rngs[req.cell.quarter.plan_id]
        row = [
            "withdrawn" if rng.random() < EARLIER_WITHDRAWN else "revised"
            for _ in range(versions - 1)
        ]
        r = rng.random()
        row.append(
            "withdrawn"
            if r < LAST_WITHDRAWN
            else "approved"
            if r < LAST_APPROVED
            else "revise"
            if r < LAST_REVISE
            else "pending"
        )
        fates.append(row)

    previous: list[EvidenceVersion | None] = [None] * len(requirements)
    reviews: list[Review] = []
    created = 0
    for k in range(versions):
        layer = []
        for i, req in enumerate(requirements):
            plan = plans_by_id[req.cell.quarter.plan_id]
            fate = fates[i][k]
            uploader_id = req.cell.pic_id or (fallback_uploader.pk if fallback_uploader else None)
            if uploader_id is None:
                raise CommandError(f"Cell {req.cell} has no PIC and no fallback uploader.")
            last = k == versions - 1
            replaced = previous[i] if k and fates[i][k - 1] == "revised" else None
            state = {
                "revised": ReviewState.REVISE,
                "approved": ReviewState.APPROVED,
                "revise": ReviewState.REVISE,
            }.get(fate, ReviewState.PENDING)
            layer.append(
                EvidenceVersion(
                    requirement_id=req.pk,
                    number=k + 1,
                    kind=Kind.LINK,
                    url=f"https://{EMAIL_DOMAIN}/{plan.unit.code.lower()}/{plan.year}/"
                    f"req-{req.pk}/v{k + 1}",
                    note=f"Versi {k + 1}",
                    uploaded_by_id=uploader_id,
                    replaces=replaced,
                    superseded_at=now if fate == "revised" and not last else None,
                    withdrawn_at=now if fate == "withdrawn" else None,
                    withdrawn_by_id=uploader_id if fate == "withdrawn" else None,
                    withdraw_reason=WITHDRAW_REASONS[(i + k) % len(WITHDRAW_REASONS)]
                    if fate == "withdrawn"
                    else "",
                    review_state=state,
                )
            )
        EvidenceVersion.objects.bulk_create(layer, batch_size=BATCH_SIZE)
        created += len(layer)
        for i, version in enumerate(layer):
            previous[i] = version
            fate = fates[i][k]
            reviewer = reviewers[requirements[i].cell.quarter.plan_id]
            if fate == "approved":
                reviews.append(
                    Review(version=version, reviewer=reviewer, decision=Decision.APPROVE)
                )
            elif fate in ("revised", "revise"):
                comment = REVISE_COMMENTS[(i + k) % len(REVISE_COMMENTS)]
                reviews.append(
                    Review(
                        version=version,
                        reviewer=reviewer,
                        decision=Decision.REVISE,
                        comment=comment,
                    )
                )
    Review.objects.bulk_create(reviews, batch_size=BATCH_SIZE)
    return created, len(reviews)


def realisations_fill(*, plans: list[WorkPlan], seed: int, today: date) -> int:
    """Record, for every planned month already over, done / partial / not done (or
    nothing) by the area's PIC. Returns how many realisations were created."""
    if not plans:
        return 0
    recorders: dict[tuple[int, int], int] = {}
    for plan_id, area_id, pic_id in (
        CommitmentCell.objects.filter(quarter__plan__in=plans, pic__isnull=False)
        .order_by("quarter__number")
        .values_list("quarter__plan_id", "area_id", "pic_id")
    ):
        recorders.setdefault((plan_id, area_id), pic_id)
    rows = []
    by_plan = defaultdict(list)
    for act in (
        Activity.objects.filter(pokja__plan__in=plans)
        .select_related("pokja")
        .order_by("pokja__plan_id", "pokja__area__order", "number")
    ):
        by_plan[act.pokja.plan_id].append(act)
    for plan in plans:
        rng = random.Random(f"{seed}:realisation:{plan.unit.code}:{plan.year}")
        for act in by_plan[plan.pk]:
            recorder = recorders.get((plan.pk, act.pokja.area_id))
            for month in sorted(act.months):
                if (plan.year, month) >= (today.year, today.month):
                    continue
                r = rng.random()
                if r >= REAL_NOT_DONE or recorder is None:
                    continue
                status = (
                    Realisation.DONE
                    if r < REAL_DONE
                    else Realisation.PARTIAL
                    if r < REAL_PARTIAL
                    else Realisation.NOT_DONE
                )
                rows.append(
                    ActivityRealisation(
                        activity=act,
                        month=month,
                        status=status,
                        note="" if status == Realisation.DONE else "Tertunda (data bench).",
                        recorded_by_id=recorder,
                    )
                )
    ActivityRealisation.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def timestamps_spread(plans: list[WorkPlan]) -> None:
    """PostgreSQL only: upload times spread over the weeks before each quarter's
    deadline (never in the future), reviews two days after their upload, withdrawal
    and supersession a few days after it."""
    if connection.vendor != "postgresql" or not plans:
        return
    v = EvidenceVersion._meta.db_table
    r = Review._meta.db_table
    req = EvidenceRequirement._meta.db_table
    cell, quarter = CommitmentCell._meta.db_table, Quarter._meta.db_table
    plan_ids = [p.pk for p in plans]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {v} AS v SET uploaded_at = LEAST(
                now() - interval '1 hour',
                q.due_date::timestamptz - interval '50 days'
                    + v.number * interval '7 days' + (v.id %% 4001) * interval '1 minute')
            FROM {req} AS r, {cell} AS c, {quarter} AS q
            WHERE v.requirement_id = r.id AND r.cell_id = c.id AND c.quarter_id = q.id
              AND q.plan_id = ANY(%s)
            """,  # noqa: S608 - table names from the models, values as parameters
            [plan_ids],
        )
        cursor.execute(
            f"""
            UPDATE {v} AS v SET
                superseded_at = CASE WHEN v.superseded_at IS NULL THEN NULL
                    ELSE LEAST(now(), v.uploaded_at + interval '7 days') END,
                withdrawn_at = CASE WHEN v.withdrawn_at IS NULL THEN NULL
                    ELSE LEAST(now(), v.uploaded_at + interval '1 day') END
            FROM {req} AS r, {cell} AS c, {quarter} AS q
            WHERE v.requirement_id = r.id AND r.cell_id = c.id AND c.quarter_id = q.id
              AND q.plan_id = ANY(%s)
              AND (v.superseded_at IS NOT NULL OR v.withdrawn_at IS NOT NULL)
            """,  # noqa: S608
            [plan_ids],
        )
        cursor.execute(
            f"""
            UPDATE {r} AS rv SET created_at = LEAST(now(), v.uploaded_at + interval '2 days')
            FROM {v} AS v, {req} AS r, {cell} AS c, {quarter} AS q
            WHERE rv.version_id = v.id AND v.requirement_id = r.id AND r.cell_id = c.id
              AND c.quarter_id = q.id AND q.plan_id = ANY(%s)
            """,  # noqa: S608
            [plan_ids],
        )


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
        )
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=BATCH_SIZE)
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=u.pk, group_id=groups[wanted[u.email][1][2]].pk) for u in new],
        batch_size=BATCH_SIZE,
    )
    existing.update({u.email: u for u in new})
    return existing


class Command(BaseCommand):
    help = "Create synthetic units, plans, accounts, evidence versions and reviews for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=200, help="How many units (200).")
        parser.add_argument(
            "--versions", type=int, default=5, help="Versions per required item (5)."
        )
        parser.add_argument("--year", type=int, default=2026, help="Plan year (2026).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (1).")
        parser.add_argument("--prefix", default="BENCH", help="Unit code prefix (BENCH).")

    def handle(self, *args, units: int, versions: int, year: int, seed: int, prefix: str, **opts):
        if units < 1 or versions < 0:
            raise CommandError("--units must be at least 1 and --versions at least 0.")
        started = time.perf_counter()
        try:
            fixture = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {PLAN_FILE}: {exc}") from exc
        codes = [unit_code(prefix, i) for i in range(1, units + 1)]
        done = set(
            WorkPlan.objects.filter(unit__code__in=codes, year=year).values_list(
                "unit__code", flat=True
            )
        )
        todo = [c for c in codes if c not in done]
        groups = roles_ensure()
        today = timezone.localdate()
        totals = defaultdict(int)
        import_seconds = fill_seconds = 0.0
        for start in range(0, len(todo), UNITS_PER_BATCH):
            batch = todo[start : start + UNITS_PER_BATCH]
            with transaction.atomic():
                have = {u.code: u for u in Unit.objects.filter(code__in=batch)}
                Unit.objects.bulk_create(
                    [
                        Unit(
                            code=c,
                            name=f"Unit Bench {unit_number(c)}",
                            short_name=f"Bench {unit_number(c)}",
                            parent_name="Bench",
                        )
                        for c in batch
                        if c not in have
                    ]
                )
                by_code = {u.code: u for u in Unit.objects.filter(code__in=batch)}
                accounts = users_ensure(batch, by_code, groups)
                t0 = time.perf_counter()
                plans = [plan_import(data=plan_data(fixture, code=c, year=year))[0] for c in batch]
                t1 = time.perf_counter()
                import_seconds += t1 - t0
                reviewers = {
                    p.pk: accounts[f"tpi.{p.unit.code.lower()}@{EMAIL_DOMAIN}"] for p in plans
                }
                n_versions, n_reviews = evidence_fill(
                    plans=plans, reviewers=reviewers, versions=versions, seed=seed
                )
                n_real = realisations_fill(plans=plans, seed=seed, today=today)
                timestamps_spread(plans)
                fill_seconds += time.perf_counter() - t1
            totals["plans"] += len(plans)
            totals["versions"] += n_versions
            totals["reviews"] += n_reviews
            totals["realisations"] += n_real
            if opts.get("verbosity", 1) >= 2:
                self.stdout.write(
                    f"  {batch[0]}…{batch[-1]}: {time.perf_counter() - started:.1f} s so far"
                )
        items = EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code__in=todo, cell__quarter__plan__year=year
        ).count()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"bench_data: {len(todo)} units created, {len(done)} already present (skipped); "
            f"{totals['plans']} plans, {items} required items, "
            f"{totals['versions']} versions, {totals['reviews']} reviews, "
            f"{totals['realisations']} activity realisations; "
            f"{seconds:.1f} s (plan_import {import_seconds:.1f} s, "
            f"versions/reviews/realisations {fill_seconds:.1f} s)."
        )
