"""Small real files of every accepted type, and the kinds that must be refused."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image


def _image(fmt: str, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format=fmt)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes], first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first), entries[first])
        for name, data in entries.items():
            if name != first:
                archive.writestr(name, data)
    return buffer.getvalue()


def pdf(text: str = "Laporan") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
        + f"4 0 obj<</Length {len(body)}>>stream\n".encode()
        + body
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def xlsx() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "Rekap IKU"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def docx() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def pptx() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})


def odf(mimetype: str) -> bytes:
    return _zip(
        {"mimetype": mimetype.encode(), "content.xml": b"<office:document/>"}, first="mimetype"
    )


def mp4() -> bytes:
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64


def iso_media(major: bytes, *compatible: bytes, minor: int = 0, payload: bytes = b"") -> bytes:
    """An ISO base media file as phones write it: an ``ftyp`` box (size, 'ftyp', major
    brand, minor version, compatible brands), a ``free`` box and a small ``mdat`` box."""
    brands = b"".join(compatible)
    ftyp = (16 + len(brands)).to_bytes(4, "big") + b"ftyp" + major
    ftyp += minor.to_bytes(4, "big") + brands
    data = payload or major + b"".join(compatible) + b"\x00\x11\x22\x33" * 8
    return ftyp + b"\x00\x00\x00\x08free" + (8 + len(data)).to_bytes(4, "big") + b"mdat" + data


# Brands as real devices write them (major brand, compatible brands).
IPHONE_HEIC = iso_media(b"heic", b"mif1", b"MiHE", b"miaf", b"MiHB", b"heic")
SAMSUNG_HEIC = iso_media(b"mif1", b"mif1", b"heic")  # structural HEIF brand, HEVC inside
HEIF_IMAGE = iso_media(b"mif1", b"mif1", b"miaf")
IPHONE_MOV = iso_media(b"qt  ", b"qt  ", minor=0x20050300)
ANDROID_MP4 = iso_media(b"mp42", b"isom", b"mp42")
VOICE_MEMO_M4A = iso_media(b"M4A ", b"M4A ", b"mp42", b"isom")
AUDIOBOOK_M4B = iso_media(b"M4B ", b"M4B ", b"mp42", b"isom", minor=0x200)
GENERIC_M4A = iso_media(b"mp42", b"M4A ", b"mp42", b"isom")  # audio said only by a compatible
ITUNES_M4V = iso_media(b"M4V ", b"M4V ", b"M4A ", b"mp42", b"isom", minor=1)  # video
OLD_PHONE_3GP = iso_media(b"3gp4", b"isom", b"3gp4", minor=0x200)
CANON_CR3 = iso_media(b"crx ", b"crx ", b"isom", minor=1)  # a raw photo, not a video
PROTECTED_M4P = iso_media(b"M4P ", b"M4P ", b"M4A ", b"mp42", b"isom")
AVIF = iso_media(b"avif", b"avif", b"mif1", b"miaf", b"MA1B")

# name as uploaded: (bytes, content type, name as stored and downloaded)
ISO_MEDIA = {
    "foto.heic": (IPHONE_HEIC, "image/heic", "foto.heic"),
    "IMG_0042.HEIC": (SAMSUNG_HEIC, "image/heic", "IMG_0042.heic"),
    "gambar.heif": (HEIF_IMAGE, "image/heif", "gambar.heif"),
    "rapat.mov": (IPHONE_MOV, "video/quicktime", "rapat.mov"),
    "video.mp4": (ANDROID_MP4, "video/mp4", "video.mp4"),
    "rekaman.m4a": (VOICE_MEMO_M4A, "audio/mp4", "rekaman.m4a"),
    "materi.m4b": (AUDIOBOOK_M4B, "audio/mp4", "materi.m4b"),
    # Named by the content, whatever the name said:
    "foto-dari-wa.mp4": (IPHONE_HEIC, "image/heic", "foto-dari-wa.heic"),
    "wawancara.mp4": (GENERIC_M4A, "audio/mp4", "wawancara.m4a"),
    "liputan.m4v": (ITUNES_M4V, "video/mp4", "liputan.m4v"),
    "lama.3gp": (OLD_PHONE_3GP, "video/mp4", "lama.mp4"),
    "klip.mp4": (IPHONE_MOV, "video/quicktime", "klip.mov"),
}


ACCEPTED = {
    # name: (bytes, detected content type)
    "laporan.pdf": (pdf(), "application/pdf"),
    "foto.jpg": (_image("JPEG"), "image/jpeg"),
    "tangkapan.png": (_image("PNG"), "image/png"),
    "poster.webp": (_image("WEBP"), "image/webp"),
    "notulen.docx": (
        docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "rekap.xlsx": (xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "paparan.pptx": (
        pptx(),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "dokumen.odt": (
        odf("application/vnd.oasis.opendocument.text"),
        "application/vnd.oasis.opendocument.text",
    ),
    "tabel.ods": (
        odf("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    "slide.odp": (
        odf("application/vnd.oasis.opendocument.presentation"),
        "application/vnd.oasis.opendocument.presentation",
    ),
    "video.mp4": (mp4(), "video/mp4"),
    "foto.heic": (IPHONE_HEIC, "image/heic"),
    "gambar.heif": (HEIF_IMAGE, "image/heif"),
    "rapat.mov": (IPHONE_MOV, "video/quicktime"),
    "rekaman.m4a": (VOICE_MEMO_M4A, "audio/mp4"),
    "data.csv": (b"nama,jabatan\nIrene Septine,PIC PW\n", "text/csv"),
    "catatan.txt": (b"Rapat koordinasi ZI, 2 Maret 2026", "text/plain"),
    "arsip.zip": (_zip({"a.pdf": pdf(), "b.txt": b"isi"}), "application/zip"),
}

REFUSED = {
    # name: (bytes, expected error code)
    "laporan.pdf": (
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "unsupported_type",
    ),  # an HTML page renamed to .pdf
    "gambar.png": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(document.cookie)</script></svg>",
        "unsupported_type",
    ),
    "bersih.svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>',
        "unsupported_type",
    ),
    "program.pdf": (b"MZ\x90\x00\x03" + b"\x00" * 200, "unsupported_type"),
    "linux.docx": (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "unsupported_type"),
    "skrip.txt": (b"#!/bin/sh\nrm -rf /\n", "unsupported_type"),
    "halaman.txt": (b"halo <script src=x></script>", "unsupported_type"),
    "biner.dat": (bytes(range(256)) * 4, "unsupported_type"),
    "kosong.pdf": (b"", "empty_file"),
    "rusak.docx": (b"PK\x03\x04" + b"\x00" * 50, "corrupt_file"),
    "kamera.cr3": (CANON_CR3, "unsupported_type"),  # an ftyp brand the portal does not know
}


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
