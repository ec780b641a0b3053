"""A full disk and a failed write: the person is told in Indonesian (507, JSON on the
API), nothing half-written stays behind, the space is freed, and the next upload works.

The media folder (and, in one case, the upload temporary folder) lies on a real 2 MiB
tmpfs, filled by the upload itself: no storage is faked. Mounting needs root (CI and
this machine run as root); elsewhere the tests are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from evidence.models import EvidenceVersion
from tests.conftest import require_service
from tests.evidence import samples
from tests.evidence.conftest import files_under
from zi_portal.core.storage import PART_PREFIX, AtomicFileSystemStorage, local_storage

FULL_MESSAGE = "Ruang penyimpanan server penuh, sehingga berkas Anda tidak tersimpan"


def big_pdf(mib: float) -> bytes:
    """A valid PDF of about ``mib`` MiB (random bytes in a stream: incompressible)."""
    filler = os.urandom(int(mib * 1024 * 1024))
    head = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    head += b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    stream = b"3 0 obj<</Length %d>>stream\n" % len(filler) + filler + b"\nendstream endobj\n"
    return head + stream + b"trailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A real 2 MiB filesystem, unmounted after the test."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = shutil.which("mount") and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    require_service(bool(mounted) and mounted.returncode == 0, "a 2 MiB tmpfs (needs root)")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


@pytest.fixture
def media_on_small_disk(settings, small_disk):
    media = small_disk / "media"
    (media / ".incoming").mkdir(parents=True)  # as the settings create it at start
    settings.STORAGES = {**settings.STORAGES, "default": local_storage(media)}
    settings.MEDIA_ROOT = media
    return media


def page_upload(client, item, name, data):
    return client.post(
        reverse("evidence:upload", args=[item.pk]),
        {"file": samples.upload(name, data), "note": "", "evidence_date": "2027-06-15"},
    )


@pytest.mark.parametrize("receive_on_small_disk", [True, False], ids=["receiving", "storing"])
def test_a_full_disk_is_507_in_indonesian_and_leaves_nothing(
    demo, item, settings, media_on_small_disk, tmp_path, receive_on_small_disk
):
    """Receiving: the upload's own temporary file fills the disk while the request is
    read. Storing: it is received elsewhere and the disk fills while it is stored."""
    media = media_on_small_disk
    settings.FILE_UPLOAD_TEMP_DIR = str(
        media / ".incoming" if receive_on_small_disk else tmp_path / "incoming"
    )
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(exist_ok=True)
    empty = free_bytes(media)
    client = Client(raise_request_exception=False)
    client.force_login(demo["users"]["pic.pw"])

    response = page_upload(client, item, "besar.pdf", big_pdf(3))

    assert response.status_code == 507
    body = response.content.decode()
    assert FULL_MESSAGE in body and "Ketua Tim ZI" in body
    assert "Terjadi kesalahan pada server" not in body
    assert EvidenceVersion.objects.count() == 0
    assert files_under(media) == []  # no partial file, no 0-byte file, no temp file
    assert free_bytes(media) == empty  # the space is given back

    response = page_upload(client, item, "kecil.pdf", samples.pdf("kecil"))
    assert response.status_code == 302
    version = EvidenceVersion.objects.get()
    assert version.original_name == "kecil.pdf"
    assert version.file.read() == samples.pdf("kecil")
    assert [p.name for p in files_under(media)] == [Path(version.file.name).name]


def test_the_api_answers_a_full_disk_with_its_json(demo, item, settings, media_on_small_disk):
    settings.FILE_UPLOAD_TEMP_DIR = str(media_on_small_disk / ".incoming")
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(demo["users"]["pic.pw"])
    response = client.post(
        reverse("api-evidence-create", args=[item.pk]),
        {"file": samples.upload("besar.pdf", big_pdf(3))},
        format="multipart",
    )
    assert response.status_code == 507
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "storage_full" and FULL_MESSAGE in error["message"]
    assert EvidenceVersion.objects.count() == 0
    assert files_under(media_on_small_disk) == []


def test_a_stored_file_appears_whole_or_not_at_all(small_disk):
    """The storage writes aside and links: a write that fails part-way leaves no name
    behind, the one that fits is complete, and nothing named ``.part-`` remains."""
    storage = AtomicFileSystemStorage(location=str(small_disk))
    with pytest.raises(OSError, match="No space left"):
        storage.save("req-1/besar.pdf", ContentFile(os.urandom(3 * 1024 * 1024)))
    assert files_under(small_disk) == []
    data = os.urandom(512 * 1024)
    name = storage.save("req-1/kecil.pdf", ContentFile(data))
    again = storage.save("req-1/kecil.pdf", ContentFile(b"x"))  # never overwrites
    assert name != again and storage.open(name).read() == data
    assert not [p for p in files_under(small_disk) if p.name.startswith(PART_PREFIX)]


def test_an_upload_received_on_the_media_disk_is_linked_not_copied(demo, item, settings):
    """With the upload folder inside the media folder, the checked temporary file
    becomes the stored file by a hard link: the same inode, no second copy."""
    client = Client()
    client.force_login(demo["users"]["pic.pw"])
    seen = {}
    original = AtomicFileSystemStorage._link

    def spy(self, source, full_path):
        seen["inode"] = os.stat(source).st_ino
        return original(self, source, full_path)

    AtomicFileSystemStorage._link = spy
    try:
        assert page_upload(client, item, "laporan.pdf", samples.pdf("x")).status_code == 302
    finally:
        AtomicFileSystemStorage._link = original
    version = EvidenceVersion.objects.get()
    assert os.stat(version.file.path).st_ino == seen["inode"]
    assert Path(settings.FILE_UPLOAD_TEMP_DIR).parent == Path(settings.MEDIA_ROOT)
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []  # temp file gone
