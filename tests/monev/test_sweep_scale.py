"""The reminder sweep at scale: its reads are batched (the number of queries does not
grow with the number of plans) and streamed (memory stays flat on a backlog of
revision requests). Units come from ``bench_data``, with digests on for everyone."""

import tracemalloc
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evidence.choices import Decision
from evidence.models import EvidenceVersion, Review
from monev import reminders, sweep, sweep_reads
from monev.choices import ReminderKind
from monev.models import Message, ReminderRecord
from workplan.models import WorkPlan
from zi_portal.accounts.models import User

pytestmark = pytest.mark.django_db

# A Monday (the default digest day) ten days before TW IV's deadline: upcoming
# notices, the digest, overdue items of earlier quarters and the revision backlog.
MONDAY = date(2026, 12, 21)


def bench_units(count: int, prefix: str) -> None:
    call_command(
        "bench_data",
        "--units",
        str(count),
        "--versions",
        "2",
        "--prefix",
        prefix,
        stdout=StringIO(),
    )
    User.objects.update(receive_digest=True)
    # Revision requests older than the batching window, so the sweep tells them.
    Review.objects.update(created_at=timezone.now() - timedelta(hours=2))


def dry_run() -> tuple[int, list[reminders.Planned]]:
    with CaptureQueriesContext(connection) as queries:
        planned = list(reminders.unsent(reminders.iter_reminders(today=MONDAY)))
    return len(queries), planned


def test_the_dry_run_reads_the_same_number_of_queries_for_1_and_20_plans(no_demo):
    bench_units(1, "ONE")
    one_queries, one_planned = dry_run()
    bench_units(19, "MORE")
    assert WorkPlan.objects.count() == 20
    twenty_queries, twenty_planned = dry_run()

    kinds = {p.kind for p in twenty_planned}
    assert {ReminderKind.UPCOMING, ReminderKind.DIGEST, ReminderKind.REVISION} <= kinds
    # Twenty units' PICs and leaders are told: about twenty times the messages …
    assert len(twenty_planned) >= 15 * len(one_planned) > 0
    # … read with the same queries (plans, policies, cells, items, states, leaders,
    # findings, revision requests, their uploaders and plans, the records).
    assert twenty_queries == one_queries, (one_queries, twenty_queries)
    # Every unit's digest goes to that unit's leaders only.
    for entry in twenty_planned:
        if entry.kind == ReminderKind.DIGEST:
            assert entry.recipient.unit_id == entry.plan.unit_id


def test_a_backlog_of_20000_revision_requests_is_planned_in_flat_memory(no_demo):
    bench_units(1, "BACK")
    reviewer = User.objects.filter(groups__name="Asesor TPI").first()
    versions = list(EvidenceVersion.objects.values_list("pk", flat=True))
    Review.objects.bulk_create(
        [
            Review(
                version_id=versions[i % len(versions)],
                reviewer=reviewer,
                decision=Decision.REVISE,
                comment=f"Lengkapi tanda tangan pimpinan (catatan {i}).",
            )
            for i in range(20_000)
        ],
        batch_size=2000,
    )
    Review.objects.update(created_at=timezone.now() - timedelta(hours=2))
    backlog = Review.objects.filter(decision=Decision.REVISE).count()
    assert backlog >= 20_000

    tracemalloc.start()
    try:
        planned = list(reminders.iter_reminders(today=MONDAY))
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    told = [p for p in planned if p.kind == ReminderKind.REVISION]
    assert sum(len(p.scopes) for p in told) == backlog
    # The planned notices themselves are most of it (a line per request); the reads
    # hold no model object per review: 20 MiB here, where loading the same reviews
    # as model objects with their version, item, cell, quarter, plan, unit, area and
    # reviewer (as the sweep did before) peaked at 490 MiB.
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_a_backlog_is_delivered_once_with_a_record_per_request(no_demo):
    bench_units(1, "ONCE")
    first = sweep.run_sweep(today=MONDAY)
    revision = [m for m in first.created if m.kind == ReminderKind.REVISION]
    untold = Review.objects.filter(decision=Decision.REVISE).count()
    assert revision and untold > 0
    assert (
        ReminderRecord.objects.filter(kind=ReminderKind.REVISION, message__in=revision).count()
        == untold
    )
    # A second sweep the same day creates nothing: every scope is recorded.
    messages = Message.objects.count()
    again = sweep.run_sweep(today=MONDAY)
    assert again.created == [] and again.skipped > 0
    assert Message.objects.count() == messages


def test_revision_requests_are_planned_one_message_per_uploader_in_batches(no_demo):
    bench_units(1, "GRP")
    notices = list(sweep_reads.revision_notices())
    uploaders = {n.uploader_id for n in notices}
    assert len(uploaders) > 2 and len(notices) > len(uploaders)

    def planned(batch):
        with CaptureQueriesContext(connection) as queries:
            messages = list(reminders.plan_revision_notices(iter(notices), batch=batch))
        return len(queries), {m.recipient.pk: sorted(s.key for s in m.scopes) for m in messages}

    # Streamed by uploader: one uploader at a time (two queries each: the account and
    # the plan) gives the same messages as all of them at once (two queries).
    one_queries, one_at_a_time = planned(1)
    all_queries, all_at_once = planned(len(uploaders))
    assert one_at_a_time == all_at_once
    assert sorted(one_at_a_time) == sorted(uploaders)
    assert sum(len(keys) for keys in all_at_once.values()) == len(notices)
    assert (one_queries, all_queries) == (2 * len(uploaders), 2)
