"""Ordinary archives and documents are still accepted (as Office, LibreOffice, zipfile
and phones write them: ZIP64, data descriptors, folders, non-ASCII names, workbooks and
pictures inside documents); every byte is read; the limits come from settings; and the
inspection holds little memory whatever the file, bombs included."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from evidence.containers import inspect_container
from evidence.validation import EvidenceRefused
from tests.evidence import samples
from tests.evidence import zipcraft as zc
from tests.evidence.conftest import api_upload, assert_nothing_left, files_under

ZIP = zc.zip_of
PDF = samples.pdf("isi")


def _workbook() -> bytes:
    wb = Workbook()
    for row in range(2000):
        wb.active.append([f"Unit {row}", "Pusbang Aparatur", row, row * 2.5])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _zip64() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("rekap/besar.csv", "w", force_zip64=True) as fh:
            fh.write(b"unit,nilai\n" * 5000)
        archive.writestr("rekap/", b"")
        archive.writestr("rekap/catatan rapat ü.txt", b"Rapat koordinasi")
    return buffer.getvalue()


def _streamed_zip() -> bytes:
    """Written to an unseekable stream: sizes come after each entry (data descriptors)."""

    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.buffer = io.BytesIO()

        def writable(self):
            return True

        def write(self, b):
            return self.buffer.write(b)

    out = Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.pdf", PDF)
        archive.writestr("b.txt", b"isi " * 1000)
    return out.buffer.getvalue()


ACCEPTED = [
    # name, data, content type
    ("notulen.docx", zc.large_docx(2 * zc.MIB), "wordprocessingml.document"),
    (
        "grafik.docx",  # a chart's workbook inside, a clean SVG picture
        zc.docx(
            {
                "word/embeddings/Microsoft_Excel_Worksheet.xlsx": _workbook(),
                "word/media/image1.svg": b'<svg xmlns="http://www.w3.org/2000/svg" version="1.1">'
                b'<rect width="4" height="4" fill="red"/></svg>',
            }
        ),
        "wordprocessingml.document",
    ),
    ("rekap.xlsx", _workbook(), "spreadsheetml.sheet"),
    ("dokumen.odt", zc.odt({"styles.xml": b"<office:document-styles/>"}), "opendocument.text"),
    (
        "bukti.zip",
        ZIP(
            {
                "TW II/notulen.docx": zc.docx(),
                "TW II/laporan.pdf": PDF,
                "TW II/foto.jpg": samples.ACCEPTED["foto.jpg"][0],
                "TW II/daftar hadir.odt": zc.odt(),
                "TW II/arsip lama.zip": ZIP({"surat.txt": b"Surat undangan"}),
            }
        ),
        "application/zip",
    ),
    ("rekap.zip", _zip64(), "application/zip"),
    ("aliran.zip", _streamed_zip(), "application/zip"),
]


@pytest.mark.parametrize(("name", "data", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_ordinary_archives_and_documents_are_accepted(
    pic, item, upload_tmp, name, data, content_type
):
    response = api_upload(pic, item, name, data)
    assert response.status_code == 201, response.json()
    assert content_type in response.json()["content_type"]
    assert response.json()["size"] == len(data)
    assert files_under(upload_tmp) == []


def test_every_byte_is_read_a_damaged_entry_deep_inside_is_found(pic, item, settings, upload_tmp):
    photo = b"\xff\xd8\xff" + bytes(range(256)) * 400
    data = bytearray(ZIP({"a.txt": b"awal", "foto.jpg": photo}, zipfile.ZIP_STORED))
    data[60_000] ^= 0xFF  # inside the photo: only its CRC says so
    response = api_upload(pic, item, "foto.zip", bytes(data))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "corrupt_file"
    assert_nothing_left(settings, upload_tmp)


def test_limits_come_from_settings(pic, item, settings):
    settings.ZI_ARCHIVE_MAX_ENTRIES = 3
    settings.ZI_ARCHIVE_MAX_NESTING = 0
    four = ZIP({f"{i}.txt": b"x" for i in range(4)})
    assert "lebih dari 3 berkas" in api_upload(pic, item, "a.zip", four).json()["error"]["message"]
    nested = ZIP({"b.zip": ZIP({"c.txt": b"x"})})
    error = api_upload(pic, item, "b.zip", nested).json()["error"]
    assert error["code"] == "archive_nested_too_deep" and "lebih dari 0 lapis" in error["message"]
    settings.ZI_ARCHIVE_MAX_ENTRIES, settings.ZI_ARCHIVE_MAX_NESTING = 1000, 2
    settings.ZI_ARCHIVE_MAX_TOTAL_ENTRIES = 5
    inner = {f"d{i}.zip": ZIP({"1.txt": b"1", "2.txt": b"2"}) for i in range(2)}
    error = api_upload(pic, item, "c.zip", ZIP(inner)).json()["error"]
    assert error["code"] == "archive_too_many_entries"
    assert "bersama arsip dan dokumen di dalamnya berisi lebih dari 5 berkas" in error["message"]


def test_english_messages():
    with translation.override("en"), pytest.raises(EvidenceRefused) as refused:
        inspect_container(io.BytesIO(zc.many_entries(1001)), "banyak.zip")
    assert refused.value.message.startswith(
        "The archive “banyak.zip” contains more than 1,000 files."
    )


# Beside the bombs as they come, two that get as far as they can: the caps raised so that
# one GiB of zeros is inflated in full, and a ZIP that stores (does not compress) a ZIP
# holding one GiB, so the inner ZIP is copied to a spool and opened before it is refused;
# and 9,009 entries (the defaults allow 1,000 per archive, 10,000 in all) read one by one.
MEMORY_CASES = {
    "bom-10gb.zip": {},
    "bom-1gb.zip": {},
    "bom-bohong.zip": {},
    "laporan.odt": {},
    "inflated in full": {"ZI_ARCHIVE_MAX_RATIO": 10**6, "ZI_ARCHIVE_MAX_UNCOMPRESSED_BYTES": 2**31},
    "stored around a bomb": {},
    "9 ZIPs of 1,000 entries, all read": {},
}


@pytest.mark.parametrize("case", MEMORY_CASES)
def test_inspection_holds_little_memory(bombs, settings, tmp_path, case):
    """Python's allocations while a file is inspected from disk (zlib's buffers included);
    memory, not time, so the number does not depend on the machine's load."""
    for setting, value in MEMORY_CASES[case].items():
        setattr(settings, setting, value)
    path = bombs.get(case) or tmp_path / "berkas.zip"
    if case == "inflated in full":
        path = bombs["bom-1gb.zip"]
    elif case == "stored around a bomb":
        path.write_bytes(ZIP({"dalam.zip": zc.flat_bomb()}, zipfile.ZIP_STORED))
    elif case.startswith("9 ZIPs"):
        path.write_bytes(ZIP({f"{i}.zip": zc.many_entries(1000) for i in range(9)}))
    with path.open("rb") as fh:
        tracemalloc.start()
        try:
            inspect_container(fh, path.name)
        except EvidenceRefused:
            pass
        finally:
            _now, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    print(f"{case}: peak {peak / zc.MIB:.2f} MiB")
    assert peak < 4 * zc.MIB
