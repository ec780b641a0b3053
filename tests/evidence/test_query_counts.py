"""Evidence pages and API lists run a fixed number of queries however many versions,
reviews and audit entries exist."""

import pytest
from django.urls import reverse

from evidence import services
from tests.evidence import samples
from tests.multiunit import UNIT_A
from tests.query_counts import Measurement
from workplan.models import EvidenceRequirement


def add_evidence(demo, rounds: int) -> None:
    """``rounds`` versions on every PW and TL item, every other one reviewed."""
    users = demo["users"]
    items = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__area__code__in=["PW", "TL"]
    ).select_related("cell__area")
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


def item_of_the_pages() -> EvidenceRequirement:
    return EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__number=2,
        cell__area__code="PW",
        text="Laporan monitoring:",
    )


# One version per PW and TL item, then three more: every page counted before and after.
MEASURED = Measurement(
    small=lambda demo: add_evidence(demo, 1), grow=lambda demo: add_evidence(demo, 3)
)


@pytest.mark.parametrize("index", range(7))
def test_counts_do_not_grow(client, demo, index):
    page_list = pages(item_of_the_pages().pk)
    small, large = MEASURED.of(index, client=client, data=demo, pages=page_list)
    path = page_list[index][1]
    assert large == small, path
    assert small <= 20, path
