"""`manage.py bench_data`: synthetic units for the benchmarks (two small units here)."""

from io import StringIO

import pytest
from django.core.management import call_command

from evidence.choices import Decision, ReviewState
from evidence.models import EvidenceVersion, Review
from monev.models import ActivityRealisation
from workplan.models import CommitmentCell, EvidenceRequirement, Unit, WorkPlan
from zi_portal.accounts.models import User

pytestmark = pytest.mark.django_db


def bench(*args: str) -> str:
    out = StringIO()
    call_command("bench_data", "--units", "2", "--versions", "3", *args, stdout=out)
    return out.getvalue()


def test_two_units_with_plans_versions_and_reviews(client, no_demo):
    summary = bench()
    assert "2 units created" in summary and "462 versions" in summary

    assert sorted(Unit.objects.values_list("code", "name")) == [
        ("BENCH-001", "Unit Bench 001"),
        ("BENCH-002", "Unit Bench 002"),
    ]
    assert WorkPlan.objects.filter(year=2026).count() == 2
    assert EvidenceRequirement.objects.count() == 154  # 77 per plan
    # Exactly --versions link versions per item, numbered 1..3, no files.
    assert EvidenceVersion.objects.count() == 154 * 3
    assert not EvidenceVersion.objects.exclude(kind="link").exists()
    assert EvidenceVersion.objects.values("url").distinct().count() == 154 * 3
    assert set(EvidenceVersion.objects.values_list("number", flat=True)) == {1, 2, 3}

    # A mix of review states, with reviews behind every decided version.
    states = set(EvidenceVersion.objects.values_list("review_state", flat=True))
    assert states == {ReviewState.PENDING, ReviewState.APPROVED, ReviewState.REVISE}
    assert EvidenceVersion.objects.filter(superseded_at__isnull=False).exists()
    assert EvidenceVersion.objects.filter(withdrawn_at__isnull=False).exists()
    decided = EvidenceVersion.objects.exclude(review_state=ReviewState.PENDING).count()
    assert Review.objects.count() == decided > 0
    assert not Review.objects.filter(decision=Decision.REVISE, comment="").exists()
    # A replacement points at the version it superseded, of the same item.
    for v in EvidenceVersion.objects.filter(replaces__isnull=False)[:20]:
        assert v.replaces.requirement_id == v.requirement_id
        assert v.replaces.superseded_at is not None

    # Every cell has its area's PIC of the same unit; realisations of past months.
    unit = Unit.objects.get(code="BENCH-001")
    cells = CommitmentCell.objects.filter(quarter__plan__unit=unit).select_related("pic", "area")
    assert all(c.pic and c.pic.unit_id == unit.pk and c.area.code in c.pic.name for c in cells)
    assert ActivityRealisation.objects.exists()

    kepala = User.objects.get(email="kepala.bench-001@bench.example.org")
    assert kepala.unit == unit and kepala.groups.filter(name="Kepala Pusbang").exists()
    assert User.objects.filter(unit=unit, groups__name="Asesor TPI").count() == 1
    client.force_login(kepala)
    response = client.get("/dasbor/?tahun=2026")
    assert response.status_code == 200
    assert "Bench 001" in response.content.decode()


def test_running_again_skips_existing_units():
    bench()
    counts = (WorkPlan.objects.count(), EvidenceVersion.objects.count(), Review.objects.count())
    summary = bench()
    assert "0 units created, 2 already present" in summary
    assert (
        WorkPlan.objects.count(),
        EvidenceVersion.objects.count(),
        Review.objects.count(),
    ) == counts


def test_same_seed_same_data():
    bench("--seed", "7")
    first = list(
        EvidenceVersion.objects.order_by(
            "requirement__cell__quarter__plan__unit__code", "pk"
        ).values_list("number", "review_state", "superseded_at", "withdrawn_at")
    )
    EvidenceVersion.objects.update(replaces=None)
    Review.objects.all().delete()
    EvidenceVersion.objects.all().delete()
    ActivityRealisation.objects.all().delete()
    WorkPlan.objects.all().delete()
    bench("--seed", "7")
    again = list(
        EvidenceVersion.objects.order_by(
            "requirement__cell__quarter__plan__unit__code", "pk"
        ).values_list("number", "review_state", "superseded_at", "withdrawn_at")
    )
    shape = [(n, s, a is None, b is None) for n, s, a, b in first]
    assert shape == [(n, s, a is None, b is None) for n, s, a, b in again]
