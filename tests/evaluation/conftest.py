"""The evaluation tests' unit: unit B with the Inspektorat assessor as lead and a
second auditor as member, assigned through the administrator's page."""

from __future__ import annotations

import pytest

from lke import services as lke_services
from lke.models import LkeQuestion
from tests.ministry.conftest import signed_in
from tests.multiunit import UNIT_B
from workplan.models import Unit

YEAR = 2026


_client = signed_in


@pytest.fixture
def unit_b(demo):
    lke_services.master_ensure()
    unit = Unit.objects.get(code=UNIT_B)
    admin = _client("admin.kementerian@example.org")
    for email, lead in (("inspektorat@example.org", True), ("auditor2@itjen.example.org", False)):
        response = admin.post(
            f"/kementerian/unit/{unit.pk}/asesor/",
            {
                "year": YEAR,
                "email": email,
                "name": "Auditor Kedua",
                "is_lead": "on" if lead else "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:1500]
    assessor = _client("inspektorat@example.org")
    assert assessor.post("/unit/pindah/", {"unit": unit.pk}).status_code == 302
    question = LkeQuestion.objects.filter(master__year=YEAR, area_code="PW").order_by("order")[0]
    return {"unit": unit, "assessor": assessor, "question": question}
