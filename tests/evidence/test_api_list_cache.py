"""The API's requirement list is built once per change of the plan's data and per set
of cells its reader may open: an upload, a review or a withdrawal is in the next list,
whoever asks, and nobody is served a list built for someone who sees other cells."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from evidence import services
from evidence.selectors import visible_cells
from tests.evidence import samples
from workplan.models import EvidenceRequirement

pytestmark = pytest.mark.django_db

LIST = reverse("api-requirements", args=[2026])


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def listed(user, **params) -> dict[int, dict]:
    response = client_of(user).get(LIST, params)
    assert response.status_code == 200
    return {row["id"]: row for row in response.json()}


def test_a_change_is_in_the_next_list_and_an_unchanged_list_is_read_from_the_cache(demo):
    users, plan = demo["users"], demo["plan"]
    item = EvidenceRequirement.objects.filter(
        cell__quarter__plan=plan, cell__area__code="PW"
    ).first()
    assert listed(users["tpi"])[item.pk]["status"] == "missing"

    version = services.evidence_upload_file(
        requirement=item, user=users["pic.pw"], upload=samples.upload("a.pdf", samples.pdf("a"))
    )
    row = listed(users["tpi"])[item.pk]
    assert row["status"] == "pending" and row["latest_version"]["id"] == version.pk
    services.evidence_review(version=version, user=users["tpi"], decision="approve")
    assert listed(users["kepala"])[item.pk]["status"] == "approved"
    assert listed(users["tpi"], status="approved").keys() == {item.pk}

    # Unchanged, the list comes from the cache: no evidence query is sent again.
    with CaptureQueriesContext(connection) as cached:
        assert listed(users["tpi"])[item.pk]["status"] == "approved"
    assert not any("evidence_evidenceversion" in q["sql"] for q in cached.captured_queries)

    services.evidence_withdraw(version=version, user=users["pic.pw"], reason="salah berkas")
    row = listed(users["tpi"])[item.pk]
    assert row["status"] == "missing" and row["latest_version"] is None


def test_each_reader_gets_the_items_of_the_cells_they_may_open_in_any_order(demo):
    users, plan = demo["users"], demo["plan"]
    expected = {}
    for who in ("kepala", "pic.tl", "pic.pw", "kepala", "pic.tl"):
        user = users[who]
        allowed = set(
            EvidenceRequirement.objects.filter(cell__in=visible_cells(plan, user)).values_list(
                "pk", flat=True
            )
        )
        assert set(listed(user)) == allowed, who
        expected[who] = allowed
    assert len(expected["kepala"]) == 77
    assert expected["pic.tl"] < expected["kepala"]
    assert not expected["pic.tl"] & expected["pic.pw"]
    # The filters are part of what is cached: a filtered list is not served unfiltered.
    assert {r["area"] for r in listed(users["kepala"], area="pw").values()} == {"PW"}
    assert {r["quarter"] for r in listed(users["kepala"], quarter=3).values()} == {3}
