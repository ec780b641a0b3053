"""List and matrix pages run a fixed number of queries whatever the size of the plan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplan.models import (
    Activity,
    CommitmentCell,
    EvidenceRequirement,
    MonitoredOutput,
    Pokja,
    PokjaMember,
    ProgrammeItem,
    WorkPlan,
)
from workplan.stamps import touch
from zi_portal.accounts.models import User

PAGES = [
    ("workplan:overview", [2026]),
    ("evidence:matrix", [2026]),
    ("monev:activities", [2026]),
    ("evidence:area", [2026, "PW"]),
    ("workplan:export", [2026, "xlsx"]),
    ("workplan:export", [2026, "csv"]),
]


def grow(plan) -> None:
    """Triple the plan: more items per cell, activities, programme items and members."""
    cells = list(CommitmentCell.objects.filter(quarter__plan=plan))
    EvidenceRequirement.objects.bulk_create(
        EvidenceRequirement(cell=c, order=100 + i, text=f"Tambahan {i}", sub_points=["x", "y"])
        for c in cells
        for i in range(10)
    )
    MonitoredOutput.objects.bulk_create(
        MonitoredOutput(cell=c, order=100 + i, text=f"Output {i}") for c in cells for i in range(5)
    )
    for pokja in Pokja.objects.filter(plan=plan):
        Activity.objects.bulk_create(
            Activity(
                pokja=pokja,
                number=100 + i,
                name=f"Kegiatan {i}",
                output="Laporan",
                months=[1, 5, 9],
            )
            for i in range(15)
        )
        ProgrammeItem.objects.bulk_create(
            ProgrammeItem(pokja=pokja, order=100 + i, letter=f"z{i}", text="Tambahan")
            for i in range(10)
        )
        for i in range(5):
            user = User.objects.create_user(f"m{pokja.pk}-{i}@example.org", "x", name=f"M {i}")
            PokjaMember.objects.create(pokja=pokja, user=user)


@pytest.mark.parametrize(("name", "args"), PAGES)
@pytest.mark.parametrize("who", ["kepala", "pic.pw", "ketua"])
def test_queries_do_not_grow_with_the_plan(client, demo, name, args, who):
    client.force_login(demo["users"][who])
    path = reverse(name, args=args)
    client.get(path)  # warm up session and caches
    # Measured as computed afresh: a new data stamp, so nothing comes from the cache.
    touch(WorkPlan.objects.filter(pk=demo["plan"].pk))
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    grow(demo["plan"])
    touch(WorkPlan.objects.filter(pk=demo["plan"].pk))
    with CaptureQueriesContext(connection) as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert len(small) <= 21  # the area page of a PIC: 20, and the plan's stamp (one index read)
