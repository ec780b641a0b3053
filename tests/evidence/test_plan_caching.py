"""What is the same for every viewer of a plan is computed once per change of the
plan's data (``workplan.stamps``): the items' statuses and the matrix's table. A change
is on the next page, whoever looks, and nobody is served a table built for someone who
may open other cells."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence import services
from evidence.plan_status import item_states
from evidence.selectors import visible_cells
from tests.evidence import samples
from workplan.models import CommitmentCell, EvidenceRequirement, WorkPlan
from workplan.stamps import stamp_of

pytestmark = pytest.mark.django_db

MATRIX = reverse("evidence:matrix", args=[2026])
ITEM_LINK = re.compile(r'href="/butir/(\d+)/"')


def approved_badges(client) -> int:
    return client.get(MATRIX).content.decode().count("st st-approved")


def test_an_approval_is_on_the_next_matrix_and_the_stamp_moves(client, demo):
    users, plan = demo["users"], demo["plan"]
    item = EvidenceRequirement.objects.filter(cell__quarter__plan=plan).first()
    client.force_login(users["kepala"])
    before = approved_badges(client)
    stamp = stamp_of(plan)

    version = services.evidence_upload_file(
        requirement=item,
        user=users["pic." + item.cell.area.code.lower()],
        upload=samples.upload("a.pdf", samples.pdf("a")),
    )
    services.evidence_review(version=version, user=users["tpi"], decision="approve")

    assert stamp_of(plan) > stamp
    assert approved_badges(client) == before + 1
    assert item_states(WorkPlan.objects.get(pk=plan.pk))[item.pk].status == "approved"
    # Unchanged, the table comes from the cache: only the viewer's own reads remain.
    with CaptureQueriesContext(connection) as cached:
        assert approved_badges(client) == before + 1
    assert not any("evidence_evidenceversion" in q["sql"] for q in cached.captured_queries)


def test_each_viewer_gets_the_links_to_the_cells_they_may_open(client, demo):
    plan = demo["plan"]
    seen = {}
    for who in ("kepala", "pic.pw", "pic.mp", "kepala", "pic.pw"):
        user = demo["users"][who]
        client.force_login(user)
        linked = {int(pk) for pk in ITEM_LINK.findall(client.get(MATRIX).content.decode())}
        allowed = set(
            EvidenceRequirement.objects.filter(cell__in=visible_cells(plan, user)).values_list(
                "pk", flat=True
            )
        )
        assert linked == allowed, who
        seen[who] = linked
    # The case this is about exists: two viewers of one plan may open different cells.
    assert len({frozenset(v) for v in seen.values()}) > 1 or CommitmentCell.objects.count() == 0


def test_items_inserted_without_a_signal_are_still_counted(demo):
    plan = demo["plan"]
    states = item_states(plan)
    cell = CommitmentCell.objects.filter(quarter__plan=plan).first()
    extra = EvidenceRequirement.objects.bulk_create(
        [EvidenceRequirement(cell=cell, order=900, text="Tambahan tanpa sinyal")]
    )[0]
    # Same stamp: the cached entry lacks the new item, and is computed again for it.
    assert extra.pk not in states
    assert item_states(plan, holding=[extra.pk])[extra.pk].status == "missing"
