"""Fixtures shared by the evidence tests."""

import pytest

from evidence import services
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement


@pytest.fixture
def item(demo):
    """TW II PW, item 5: 'Laporan monitoring:' (PIC Irene Septine, pic.pw)."""
    return EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__number=2,
        cell__area__code="PW",
        text="Laporan monitoring:",
    )


@pytest.fixture
def users(demo):
    return demo["users"]


def up(item, user, name="laporan.pdf", data=None, **kw):
    """Upload ``data`` (a small PDF by default) as ``user`` through the service."""
    data = data if data is not None else samples.pdf(name)
    return services.evidence_upload_file(
        requirement=item, upload=samples.upload(name, data), user=user, **kw
    )
