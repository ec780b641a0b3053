"""An upload's SHA-256 is computed once, as its pieces arrive (evidence/uploads.py), and
the check does not read the file a second time for it (issue 15)."""

from __future__ import annotations

import hashlib
import os
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from evidence.models import EvidenceVersion
from evidence.uploads import UPLOAD_CHUNK_BYTES, LimitedTemporaryFileUploadHandler
from evidence.validation import RECEIVED_SHA256, RECEIVED_SIZE, SNIFF_BYTES, check_file
from tests.evidence import samples

COUNTING_HANDLER = f"{__name__}.ReadCountingHandler"
# Files the counting handler received in this test, with the bytes read from them since.
received: list[ReadCounter] = []


def big_pdf(size: int) -> bytes:
    """A PDF head followed by random bytes: one of a kind, so never a duplicate."""
    head = b"%PDF-1.4\n% zi test\n"
    return head + os.urandom(size - len(head))


class ReadCounter:
    """A received temporary file that counts the bytes read from it (everything else is
    the file's own: its name for the storage's hard link, seek, close)."""

    def __init__(self, file) -> None:
        self._file = file
        self.bytes_read = 0

    def read(self, *args) -> bytes:
        data = self._file.read(*args)
        self.bytes_read += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __iter__(self):
        return iter(self._file)


class ReadCountingHandler(LimitedTemporaryFileUploadHandler):
    """The portal's upload handler, whose received file counts what is read from it."""

    def file_complete(self, file_size):
        upload = super().file_complete(file_size)
        if upload is not None:
            upload.file = ReadCounter(upload.file)
            received.append(upload.file)
        return upload


@pytest.fixture
def page_client(demo) -> Client:
    client = Client()
    client.force_login(demo["users"]["pic.pw"])
    return client


def page_upload(client: Client, item, name: str, data: bytes):
    return client.post(
        reverse("evidence:upload", args=[item.pk]),
        {"file": samples.upload(name, data), "note": "", "evidence_date": "2026-06-15"},
    )


def api_upload(item, user, name: str, data: bytes):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        reverse("api-evidence-create", args=[item.pk]),
        {"file": samples.upload(name, data, "application/pdf")},
        format="multipart",
    )


@pytest.mark.parametrize("through", ["page", "api"])
def test_the_stored_sha256_is_that_of_the_bytes_sent(page_client, users, item, through):
    data = big_pdf(2 * UPLOAD_CHUNK_BYTES + 300_001)  # three pieces, the last one partial
    if through == "page":
        assert page_upload(page_client, item, "besar.pdf", data).status_code == 302
    else:
        response = api_upload(item, users["pic.pw"], "besar.pdf", data)
        assert response.status_code == 201, response.content
        assert response.json()["sha256"] == hashlib.sha256(data).hexdigest()
    version = EvidenceVersion.objects.get(requirement=item)
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.size == len(data)
    with version.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == version.sha256


def test_the_upload_is_not_read_again_after_it_arrived(page_client, item, settings):
    """Received, checked and stored, the file is read only as far as its type is sniffed:
    no second full read for the hash, no copy into the media folder (a hard link)."""
    settings.FILE_UPLOAD_HANDLERS = [COUNTING_HANDLER]
    received.clear()
    data = big_pdf(3 * UPLOAD_CHUNK_BYTES)
    assert page_upload(page_client, item, "besar.pdf", data).status_code == 302
    version = EvidenceVersion.objects.get(requirement=item)
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert len(received) == 1
    assert received[0].bytes_read <= SNIFF_BYTES < len(data)


def test_a_file_the_handler_did_not_receive_is_hashed_by_reading_it(item):
    """Files from tests, scripts or the shell: check_file reads them once, and gets the
    same digest as the handler gets for the same bytes."""
    data = big_pdf(2 * UPLOAD_CHUNK_BYTES + 17)
    in_memory = check_file(samples.upload("a.pdf", data))
    handler = LimitedTemporaryFileUploadHandler(request=SimpleNamespace())
    handler.new_file("file", "a.pdf", "application/pdf", len(data))
    for start in range(0, len(data), UPLOAD_CHUNK_BYTES):
        handler.receive_data_chunk(data[start : start + UPLOAD_CHUNK_BYTES], start)
    through_handler = handler.file_complete(len(data))
    try:
        assert isinstance(through_handler, TemporaryUploadedFile)
        assert getattr(through_handler, RECEIVED_SHA256) == hashlib.sha256(data).hexdigest()
        assert check_file(through_handler).sha256 == in_memory.sha256
    finally:
        through_handler.close()
    assert in_memory.sha256 == hashlib.sha256(data).hexdigest()


def test_a_digest_that_does_not_cover_the_whole_file_is_not_trusted(item):
    data = big_pdf(100_000)
    upload = samples.upload("a.pdf", data)
    setattr(upload, RECEIVED_SHA256, hashlib.sha256(data[:50_000]).hexdigest())
    setattr(upload, RECEIVED_SIZE, 50_000)
    assert check_file(upload).sha256 == hashlib.sha256(data).hexdigest()
