"""ZIP archives and Office/OpenDocument files are opened before anything is stored:
what they may not hold is refused through the real upload API and page, with a message
that says what was found where, and leaves no version, no stored file and no temp file.
The malicious files are built in code (tests/evidence/zipcraft.py); the zip bombs once
per session (the ``bombs`` fixture). Ordinary ones still accepted, and the bounds of the
check: tests/evidence/test_containers_bounds.py."""

from __future__ import annotations

import zipfile

import pytest
from django.urls import reverse

from evidence import validation
from tests.evidence import samples
from tests.evidence import zipcraft as zc
from tests.evidence.conftest import api_upload, assert_nothing_left, files_under

ZIP = zc.zip_of
PDF = samples.pdf("isi")
PROGRAM_TAIL = "Arsip dan dokumen hanya boleh berisi dokumen, gambar, audio, video atau data"
MACRO_TAIL = "Dokumen dengan makro atau kontrol ActiveX tidak diterima"


REFUSED = [
    # name, data, status, code, what the message says
    (
        "bukti.zip",
        ZIP({"dokumen/laporan.pdf": PDF, "dokumen/setup.exe": zc.PE_PROGRAM}),
        415, "archive_program",
        "Arsip “bukti.zip” berisi program atau skrip “dokumen/setup.exe”.",
    ),
    (
        "foto.zip", ZIP({"foto-rapat.jpg": zc.PE_PROGRAM}),  # by its first bytes
        415, "archive_program", "berisi program atau skrip “foto-rapat.jpg”",
    ),
    (
        "skrip.zip", ZIP({"a/jalankan.ps1": b"Write-Host 1", "b.txt": b"x"}),
        415, "archive_program", "berisi program atau skrip “a/jalankan.ps1”",
    ),
    (
        "titik.zip", ZIP({"setup.exe. ": b"x"}),  # Windows drops the trailing dot and space
        415, "archive_program", "berisi program atau skrip “setup.exe. ”",
    ),
    (
        "linux.zip", ZIP({"pasang": b"\x7fELF\x02\x01\x01" + b"\x00" * 64}),
        415, "archive_program", "berisi program atau skrip “pasang”",
    ),
    (
        "lapis.zip", ZIP({"dalam.zip": ZIP({"bin/setup.scr": b"x"})}),
        415, "archive_program", "berisi program atau skrip “dalam.zip/bin/setup.scr”",
    ),
    (
        "jalur.zip", ZIP({"../../etc/passwd": b"root:x:0:0"}),
        422, "archive_unsafe_path", "Arsip “jalur.zip” berisi jalur berbahaya “../../etc/passwd”.",
    ),
    (
        "mutlak.zip", ZIP({"/etc/cron.d/x": b"x"}),
        422, "archive_unsafe_path", "berisi jalur berbahaya “/etc/cron.d/x”",
    ),
    (
        "drive.zip", ZIP({"C:/Users/Public/x.txt": b"x"}),
        422, "archive_unsafe_path", "berisi jalur berbahaya “C:/Users/Public/x.txt”",
    ),
    (
        "miring.zip", ZIP({"folder\\..\\..\\x.txt": b"x"}),
        422, "archive_unsafe_path", "berisi jalur berbahaya “folder\\..\\..\\x.txt”",
    ),
    (
        "balik.zip", ZIP({"foto\u202egpj.exe": b"x"}),  # shows as "fotoexe.jpg"
        422, "archive_unsafe_name", "karakter tersembunyi atau karakter kendali (“foto?gpj.exe”)",
    ),
    (
        "panjang.zip", ZIP({"a" * 300 + ".txt": b"x"}),
        422, "archive_name_too_long", "nama berkas yang lebih panjang dari 255 karakter",
    ),
    (
        "tautan.zip", zc.symlink_zip(),
        422, "archive_symlink", "berisi tautan simbolik “bukti/laporan.pdf”",
    ),
    (
        "kembar.zip",
        zc.raw_zip([zc.Raw.of("Laporan.pdf", PDF), zc.Raw.of("laporan.PDF", b"lain")]),
        422, "archive_duplicate_name", "berisi dua berkas bernama “laporan.PDF”",
    ),
    (
        "sandi.zip", zc.encrypted_zip(),
        422, "archive_encrypted", "dilindungi kata sandi (“rahasia.pdf” terenkripsi)",
    ),
    (
        "bzip.zip", ZIP({"a.txt": b"isi" * 100}, zipfile.ZIP_BZIP2),
        422, "archive_unsupported_method", "metode kompresi yang tidak dapat diperiksa (“a.txt”)",
    ),
    (
        "rar.zip", ZIP({"lampiran.rar": b"Rar!\x1a\x07\x00" + b"\x00" * 30}),
        415, "archive_uninspectable", "berisi “lampiran.rar”, arsip atau image disk",
    ),
    (
        "iso.zip", ZIP({"pasang.iso": b"\x00" * 100}),
        415, "archive_uninspectable", "berisi “pasang.iso”",
    ),
    (
        "dalam.zip", ZIP({"a.zip": ZIP({"b.zip": ZIP({"c.zip": ZIP({"x.txt": b"x"})})})}),
        422, "archive_nested_too_deep", "bertingkat lebih dari 2 lapis (“a.zip/b.zip/c.zip”)",
    ),
    (
        "web.zip", ZIP({"situs/index.html": b"<html><body><script>alert(1)</script>"}),
        415, "archive_active_content",
        "halaman web atau gambar SVG dengan skrip (“situs/index.html”)",
    ),
    (
        "svg.zip", ZIP({"logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><g/onload=x()>'}),
        415, "archive_active_content", "dengan skrip (“logo.svg”)",
    ),
    (
        "gambar.zip", ZIP({"peta.png": b"<?xml version='1.0'?>\n<svg><a href='JavaScript:x()'>"}),
        415, "archive_active_content", "dengan skrip (“peta.png”)",
    ),
    (
        "makro.docx", zc.docx({"word/vbaProject.bin": zc.VBA_PROJECT_OLE}),
        415, "macro", "Dokumen “makro.docx” berisi makro (“word/vbaProject.bin”).",
    ),
    (
        "laporan.docx", zc.docx(main=zc.DOCM_MAIN),  # a .docm renamed
        415, "macro", "berisi makro (“[Content_Types].xml: macroEnabled”)",
    ),
    (
        "tabel.xlsx",
        zc.docx({"xl/_rels/workbook.xml.rels": b'<Relationship Target="vbaProject.bin"/>'}),
        415, "macro", "berisi makro (“xl/_rels/workbook.xml.rels: vbaProject”)",
    ),
    (
        "formulir.docx",
        zc.docx({"[Content_Types].xml": zc.CONTENT_TYPES % b"application/vnd.ms-office.activeX"}),
        415, "macro", "berisi makro (“[Content_Types].xml: ActiveX”)",
    ),
    (
        "notulen.odt", zc.odt({"Basic/Standard/Module1.xml": b"<script:module/>"}),
        415, "macro", "Dokumen “notulen.odt” berisi makro (“Basic/Standard/Module1.xml”).",
    ),
    (
        "acara.odt",
        zc.odt({"styles.xml": b'<script:event-listener xlink:href="vnd.sun.star.script:a.b"/>'}),
        415, "macro", "berisi makro (“styles.xml: script:event-listener”)",
    ),
    (
        "lama.zip", ZIP({"surat.doc": zc.VBA_PROJECT_OLE}),
        415, "macro", "berisi makro (“surat.doc: _VBA_PROJECT”)",
    ),
    (
        "paket.zip", ZIP({"notulen.docx": zc.docx({"word/vbaProject.bin": b"x"})}),
        415, "macro", "berisi makro (“notulen.docx/word/vbaProject.bin”)",
    ),
    (
        "banyak.zip", zc.many_entries(10_000),
        422, "archive_too_many_entries", "Arsip “banyak.zip” berisi lebih dari 1.000 berkas.",
    ),
    (
        "bohong.zip",  # the end record claims 5 entries; the directory holds 1,500
        zc.raw_zip([zc.Raw.of(f"{i}.txt", b"x") for i in range(1_500)], count=5),
        422, "archive_too_many_entries", "berisi lebih dari 1.000 berkas",
    ),
    (
        "tindih.zip", zc.overlapping_zip(),
        400, "corrupt_file", "rusak atau tidak lengkap",
    ),
    (
        "laporan.pdf", b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script>\n" + PDF,
        415, "pdf_polyglot", "Berkas “laporan.pdf” adalah PDF yang juga berisi kode HTML",
    ),
    (
        "surat.pdf", b"<html><body onload='x()'></body></html>\n" + PDF,
        415, "pdf_polyglot", "PDF diterima bila diawali “%PDF-” tanpa HTML atau skrip",
    ),
]  # fmt: skip

SAMPLE = {name: data for name, data, *_ in REFUSED}

BOMBS = [
    # name, code, what the message says
    ("bom-10gb.zip", "archive_ratio", "berisi “bagian-0.zip” yang mengembang lebih dari 100 kali"),
    ("bom-1gb.zip", "archive_too_large", "Arsip “bom-1gb.zip” mengembang lebih dari 200 MB"),
    ("bom-bohong.zip", "corrupt_file", "rusak atau tidak lengkap"),
    ("laporan.odt", "archive_too_large", "Dokumen “laporan.odt” mengembang lebih dari 200 MB"),
]


@pytest.mark.parametrize(
    ("name", "data", "status", "code", "says"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_refused_through_the_api_and_nothing_is_left(
    pic, item, settings, upload_tmp, name, data, status, code, says
):
    response = api_upload(pic, item, name, data)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert says in error["message"]
    assert_nothing_left(settings, upload_tmp)


@pytest.mark.parametrize(("name", "code", "says"), BOMBS, ids=[b[0] for b in BOMBS])
def test_zip_bombs_are_refused_through_the_api(
    pic, item, settings, upload_tmp, bombs, name, code, says
):
    response = api_upload(pic, item, name, bombs[name].read_bytes())
    assert response.status_code == (400 if code == "corrupt_file" else 422)
    assert response.json()["error"]["code"] == code
    assert says in response.json()["error"]["message"]
    assert_nothing_left(settings, upload_tmp)


def test_messages_say_what_is_accepted(pic, item):
    body = api_upload(pic, item, "bukti.zip", SAMPLE["bukti.zip"]).json()["error"]["message"]
    assert body.endswith(f"{PROGRAM_TAIL}; keluarkan program dan skripnya lalu unggah kembali.")
    body = api_upload(pic, item, "makro.docx", SAMPLE["makro.docx"]).json()["error"]["message"]
    assert MACRO_TAIL in body and "tanpa makro lalu unggah kembali" in body
    body = api_upload(pic, item, "banyak.zip", zc.many_entries(1001)).json()["error"]["message"]
    assert body.endswith("Pecah menjadi beberapa arsip yang lebih kecil lalu unggah satu per satu.")


def test_refused_through_the_page_with_the_others_kept(
    client, users, item, settings, upload_tmp, monkeypatch
):
    during = []

    def inspect(fh, name, real=validation.inspect_container):
        during.append(len(files_under(upload_tmp)))  # the upload's temp file is there
        return real(fh, name)

    monkeypatch.setattr(validation, "inspect_container", inspect)
    client.force_login(users["pic.pw"])
    response = client.post(
        reverse("evidence:upload", args=[item.pk]),
        {
            "file": [
                samples.upload("setup.zip", SAMPLE["bukti.zip"]),
                samples.upload("makro.docx", SAMPLE["makro.docx"]),
                samples.upload("notulen.docx", zc.docx()),
            ]
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Arsip “setup.zip” berisi program atau skrip “dokumen/setup.exe”." in body
    assert "Dokumen “makro.docx” berisi makro (“word/vbaProject.bin”)." in body
    assert "“notulen.docx” diunggah sebagai Berkas 1." in body
    assert [v.original_name for v in item.versions.all()] == ["notulen.docx"]
    assert len(files_under(settings.MEDIA_ROOT)) == 1
    assert files_under(upload_tmp) == [] and during == [3, 3, 3]
