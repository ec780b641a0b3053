"""An error no view handled: the API answers its documented JSON, a page says what the
person should check (never that "nothing changed", which the portal cannot know)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from evidence import services
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement


class Broken(RuntimeError):
    pass


@pytest.fixture
def broken_upload(monkeypatch):
    def fail(**kwargs):
        raise Broken("a bug")

    monkeypatch.setattr(services, "evidence_upload_file", fail)


@pytest.fixture
def item(demo):
    return EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__area__code="PW"
    ).first()


def test_the_api_answers_500_with_its_json(demo, item, broken_upload):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(demo["users"]["pic.pw"])
    response = client.post(
        reverse("api-evidence-create", args=[item.pk]),
        {"file": samples.upload("a.pdf", samples.pdf("a"))},
        format="multipart",
    )
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "server_error"
    assert "kesalahan pada server" in error["message"]


def test_a_page_answers_500_in_indonesian(demo, item, broken_upload):
    client = Client(raise_request_exception=False)
    client.force_login(demo["users"]["pic.pw"])
    response = client.post(
        reverse("evidence:upload", args=[item.pk]),
        {"file": samples.upload("a.pdf", samples.pdf("a")), "evidence_date": "2027-01-05"},
    )
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Terjadi kesalahan pada server</h1>" in body
    assert "memeriksa apakah data itu sudah tersimpan" in body
    assert "Tidak ada data yang berubah" not in body
    assert 'lang="id"' in body and "/static/css/zi" in body
