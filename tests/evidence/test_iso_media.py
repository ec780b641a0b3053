"""Photos, videos and voice recordings from phones (ISO base media: HEIC/HEIF, MOV, MP4,
M4A) are told apart by the brands in their ``ftyp`` box and stored with the name and type
of what they are; ISO media of a brand the portal does not know is refused."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from evidence.models import EvidenceVersion
from evidence.validation import EvidenceRefused
from tests.evidence import samples
from tests.evidence.conftest import up

ACCEPTED_NOW = "HEIC/HEIF, DOCX, XLSX, PPTX, ODT/ODS/ODP, MP4, MOV, M4A, CSV/TXT, ZIP"


@pytest.mark.parametrize("name", sorted(samples.ISO_MEDIA))
def test_each_brand_is_stored_as_what_it_is(item, users, name):
    data, content_type, stored = samples.ISO_MEDIA[name]
    version = up(item, users["pic.pw"], name, data)
    assert version.content_type == content_type
    assert version.original_name == name
    assert version.file.name.rsplit("/", 1)[-1].split("-", 1)[1] == stored
    with default_storage.open(version.file.name, "rb") as fh:
        assert fh.read() == data


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("kamera.cr3", samples.CANON_CR3, "Berkas media ISO dengan merek “crx” tidak diterima"),
        ("foto.avif", samples.AVIF, "Berkas media ISO dengan merek “avif” tidak diterima"),
        ("lagu.m4p", samples.PROTECTED_M4P, "Audio M4P yang dilindungi DRM tidak diterima"),
        (
            "potong.mp4",
            b"\x00\x00\x01\x00ftypisom\x00\x00\x02\x00isom",  # box longer than the file
            "Berkas dengan jenis yang tidak dikenali tidak diterima",
        ),
    ],
)
def test_unknown_brands_are_refused_through_the_api(item, users, name, data, what):
    client = APIClient()
    client.force_authenticate(users["pic.pw"])
    response = client.post(
        reverse("api-evidence-create", args=[item.pk]),
        {"file": samples.upload(name, data)},
        format="multipart",
    )
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_type"
    assert what in error["message"]
    assert ACCEPTED_NOW in error["message"]
    assert EvidenceVersion.objects.count() == 0


def test_api_upload_and_download_keep_name_type_and_bytes(item, users):
    client = APIClient()
    client.force_authenticate(users["pic.pw"])
    families = ["foto.heic", "gambar.heif", "rapat.mov", "video.mp4", "rekaman.m4a"]
    for number, name in enumerate(families, start=1):
        data, content_type, stored = samples.ISO_MEDIA[name]
        response = client.post(
            reverse("api-evidence-create", args=[item.pk]),
            {"file": samples.upload(name, data, "video/mp4")},  # what a browser may claim
            format="multipart",
        )
        assert response.status_code == 201, name
        body = response.json()
        assert (body["filename"], body["content_type"]) == (name, content_type)
        assert body["size"] == len(data)
        download = client.get(body["download_url"])
        assert download.status_code == 200
        assert download["Content-Type"] == content_type
        assert download["Content-Disposition"] == f'attachment; filename="berkas{number}-{stored}"'
        assert b"".join(download.streaming_content) == data


def test_page_upload_of_a_phone_photo_and_an_unknown_brand(client, demo, item):
    client.force_login(demo["users"]["pic.pw"])
    page = client.get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert ACCEPTED_NOW in page
    response = client.post(
        reverse("evidence:upload", args=[item.pk]),
        {
            "file": [
                samples.upload("foto.heic", samples.IPHONE_HEIC),
                samples.upload("kamera.cr3", samples.CANON_CR3),
            ]
        },
        follow=True,
    )
    body = response.content.decode()
    assert "“foto.heic” diunggah sebagai Berkas 1." in body
    assert "Berkas media ISO dengan merek “crx” tidak diterima sebagai bukti dukung." in body
    assert "image/heic" in body and "video/mp4" not in body
    version = item.versions.get()
    download = client.get(reverse("evidence:download", args=[version.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="berkas1-foto.heic"'
    assert b"".join(download.streaming_content) == samples.IPHONE_HEIC


def test_the_refusal_is_in_english_for_english_readers(item, users):
    with translation.override("en"), pytest.raises(EvidenceRefused) as refused:
        up(item, users["pic.pw"], "kamera.cr3", samples.CANON_CR3)
    assert refused.value.message.startswith(
        "ISO media files of brand “crx” are not accepted as evidence. Accepted types: PDF,"
    )
