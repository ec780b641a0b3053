"""Synthetic activity in existing plans, for benchmarks (monev/synthetic.py creates the
bench units and calls it; bench/dashboard.py gives the demo unit the same shape): link
evidence versions with their reviews, and activity realisations of the months already
past.

Versions of an item, per item exactly ``versions`` (numbered 1…n):
- each version before the last was either sent back for revision (a ``revise`` review)
  and replaced by the next one (superseded), or withdrawn by its uploader;
- the last one is approved (with an ``approve`` review), to revise (with a ``revise``
  review), waiting for review, or now and then withdrawn (the item is then missing).

On PostgreSQL the upload and review times are spread over the weeks before each
quarter's deadline (one UPDATE per batch); elsewhere they keep the time of the run.
The same ``seed`` gives the same data.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from evidence.choices import Decision, Kind, ReviewState
from evidence.models import EvidenceVersion, Review
from monev.choices import Realisation
from monev.models import ActivityRealisation
from workplan.models import Activity, CommitmentCell, EvidenceRequirement, Quarter, WorkPlan
from zi_portal.accounts.models import User

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
