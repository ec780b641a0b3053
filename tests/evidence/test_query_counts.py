"""Evidence pages and API lists run a fixed number of queries however many versions,
reviews and audit entries exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence import services
from tests.evidence import samples
from workplan.models import EvidenceRequirement


def add_evidence(demo, rounds: int) -> None:
    """``rounds`` versions on every PW and TL item, every other one reviewed."""
    users = demo["users"]
    items = EvidenceRequirement.objects.filter(cell__area__code__in=["PW", "TL"]).select_related(
        "cell__area"
    )
    for item in items:
        pic = users["pic.pw"] if item.cell.area.code == "PW" else users["pic.tl"]
        previous = None
        for n in range(rounds):
            version = services.evidence_upload_file(
                requirement=item,
                user=pic,
                upload=samples.upload(f"f{n}.pdf", samples.pdf(f"{item.pk}-{n}-{rounds}")),
                # The last upload replaces the one before (the API shows "replaces").
                replaces=previous if n == rounds - 1 else None,
            )
            previous = version
            if n % 2 == 0:
                services.evidence_review(
                    version=version, user=users["tpi"], decision="revise", comment="Perbaiki"
                )


def pages(item_id):
    return [
        ("pic.pw", reverse("evidence:item", args=[item_id])),
        ("pic.pw", reverse("monev:tasks")),
        ("tpi", reverse("evidence:queue") + "?state=all"),
        ("ketua", reverse("evidence:audit")),
        ("kepala", reverse("evidence:matrix", args=[2026])),
        ("tpi", reverse("api-requirements", args=[2026])),
        ("tpi", reverse("api-requirement", args=[item_id])),
    ]


def count(client, user, path) -> int:
    client.force_login(user)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("index", range(7))
def test_counts_do_not_grow(client, demo, index):
    item = EvidenceRequirement.objects.get(
        cell__quarter__number=2, cell__area__code="PW", text="Laporan monitoring:"
    )
    who, path = pages(item.pk)[index]
    add_evidence(demo, 1)
    small = count(client, demo["users"][who], path)
    add_evidence(demo, 3)
    large = count(client, demo["users"][who], path)
    assert large == small, path
    assert small <= 20, path
