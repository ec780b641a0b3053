"""Fixtures shared by the evidence tests."""

from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from evidence import services
from evidence.models import EvidenceVersion
from tests.evidence import samples
from tests.evidence import zipcraft as zc
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent


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


@pytest.fixture(scope="session")
def bombs(tmp_path_factory) -> dict[str, Path]:
    """The zip bombs, written once per session (about 3 MB on disk in all)."""
    folder = tmp_path_factory.mktemp("bombs")
    made = {
        "bom-10gb.zip": zc.nested_bomb(inner=10, mib_each=1024),  # 10 GiB extracted
        "bom-1gb.zip": zc.flat_bomb(entries=1, mib_each=1024),
        "bom-bohong.zip": zc.lying_bomb(),
        "laporan.odt": zc.mimetype_bomb(),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made}


@pytest.fixture
def upload_tmp(settings, tmp_path) -> Path:
    """Upload temp files (and the spools of archives inside archives) in a folder of
    their own, to see that none is left behind."""
    folder = tmp_path / "upload-tmp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


@pytest.fixture
def pic(users) -> APIClient:
    client = APIClient()
    client.force_authenticate(users["pic.pw"])
    return client


def api_upload(client, item, name: str, data: bytes):
    return client.post(
        reverse("api-evidence-create", args=[item.pk]),
        {"file": samples.upload(name, data, "application/zip")},
        format="multipart",
    )


def files_under(folder) -> list[Path]:
    return [p for p in Path(folder).rglob("*") if p.is_file()]


def assert_nothing_left(settings, upload_tmp: Path) -> None:
    assert EvidenceVersion.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.UPLOAD).exists()
    assert files_under(settings.MEDIA_ROOT) == []
    assert files_under(upload_tmp) == []
