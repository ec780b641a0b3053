"""Malicious (and benign) ZIP-based files built in code, small on disk: zip bombs, a ZIP of
10,000 entries, macro documents, archives with programs, dangerous paths, symbolic links.
Shared by tests/evidence/test_containers.py and bench/upload_containers.py; imports no
Django, so the bench can use it before or without settings.

A zip bomb is made without compressing gigabytes: one MiB of zeros is deflated once and
ended with a full flush, which leaves a byte-aligned piece that refers to nothing before
it; that piece repeated k times, then an empty final block, is a valid deflate stream of
k MiB of zeros (about 1 KB per MiB, deflate's most: 1032 to 1).
"""

from __future__ import annotations

import functools
import io
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass

MIB = 1024 * 1024
GIB = 1024 * MIB
_EMPTY_FINAL_BLOCK = b"\x03\x00"  # fixed Huffman, final, end of block


@functools.cache
def _zero_piece() -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return deflater.compress(bytes(MIB)) + deflater.flush(zlib.Z_FULL_FLUSH)


def zeros_deflate(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of zeros."""
    return _zero_piece() * mib + _EMPTY_FINAL_BLOCK


@functools.cache
def crc32_zeros(mib: int) -> int:
    crc, zeros = 0, bytes(MIB)
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    return crc


@dataclass(frozen=True)
class Raw:
    """One entry as it is written to the file (``data`` already compressed for method 8)."""

    name: str
    data: bytes
    size: int
    crc: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0x800  # UTF-8 name
    made_by: int = 20  # version 2.0 on MS-DOS; (3 << 8) | 20 on Unix
    external_attr: int = 0
    extra: bytes = b""

    @classmethod
    def of(cls, name: str, content: bytes, **kw) -> Raw:
        method = kw.pop("method", zipfile.ZIP_DEFLATED)
        data = content
        if method == zipfile.ZIP_DEFLATED:
            deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
            data = deflater.compress(content) + deflater.flush()
        return cls(name, data, len(content), zlib.crc32(content), method=method, **kw)


def _local(e: Raw) -> bytes:
    name = e.name.encode()
    fields = (e.flags, e.method, 0, 0x21, e.crc, len(e.data), e.size, len(name), len(e.extra))
    return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *fields) + name + e.extra + e.data


def _central(e: Raw, offset: int) -> bytes:
    name = e.name.encode()
    fields = (e.flags, e.method, 0, 0x21, e.crc, len(e.data), e.size, len(name), len(e.extra))
    return (
        struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", e.made_by, 20, *fields, 0, 0, 0, e.external_attr, offset
        )  # fmt: skip
        + name
        + e.extra
    )


def _end(count: int, directory: bytes, at: int) -> bytes:
    return struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), at, 0)


def raw_zip(entries: list[Raw], *, count: int | None = None) -> bytes:
    """A ZIP file written field by field, so that any field can lie (``count``: the
    number of entries the end record claims)."""
    out, central = io.BytesIO(), io.BytesIO()
    for e in entries:
        central.write(_central(e, out.tell()))
        out.write(_local(e))
    directory = central.getvalue()
    n = len(entries) if count is None else count
    return out.getvalue() + directory + _end(n, directory, out.tell())


def zip_of(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An ordinary ZIP, as Python's zipfile writes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- bombs -----------------------------------------------------------------------------


def zeros_entry(name: str, mib: int) -> Raw:
    return Raw(name, zeros_deflate(mib), mib * MIB, crc32_zeros(mib))


def flat_bomb(entries: int = 1, mib_each: int = 1024) -> bytes:
    """``entries`` entries of ``mib_each`` MiB of zeros each, sizes declared honestly
    (one GiB costs about 1 MB on disk)."""
    return raw_zip([zeros_entry(f"data-{i}.bin", mib_each) for i in range(entries)])


def nested_bomb(inner: int = 10, mib_each: int = 1024) -> bytes:
    """A ZIP of ``inner`` ZIPs holding ``mib_each`` MiB of zeros each: 10 GiB extracted by
    default, from about 50 KB (the inner ZIPs, being repeated pieces, deflate well)."""
    one = raw_zip([zeros_entry("nol.bin", mib_each)])
    return raw_zip([Raw.of(f"bagian-{i}.zip", one) for i in range(inner)])


@functools.cache
def _text_pieces(kinds: int = 8) -> tuple[tuple[bytes, bytes], ...]:
    """MiB pieces of data that deflate about 7 to 1 (random hex between runs of zeros),
    each with its deflate segment (ended by a full flush, so the segments chain)."""
    pieces = []
    for _ in range(kinds):
        data = b"".join(os.urandom(128).hex().encode() + bytes(768) for _ in range(1024))
        deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        pieces.append((data, deflater.compress(data) + deflater.flush(zlib.Z_FULL_FLUSH)))
    return tuple(pieces)


def heavy_zip(mib: int = 190, nonce: bytes = b"") -> bytes:
    """The most work the default caps let through: ``mib`` MiB of ordinary-looking data
    (ratio about 7, under the 100 allowed) in one entry, under the 200 MB total."""
    pieces = [_text_pieces()[i % len(_text_pieces())] for i in range(mib)]
    crc = 0
    for data, _segment in pieces:
        crc = zlib.crc32(data, crc)
    stream = b"".join(segment for _data, segment in pieces) + _EMPTY_FINAL_BLOCK
    return raw_zip([Raw("data/rekap.csv", stream, mib * MIB, crc), Raw.of("catatan.txt", nonce)])


def lying_bomb(mib: int = 1024) -> bytes:
    """One GiB of zeros whose directory says it is 1 KB: only counting the bytes that
    actually come out stops it."""
    entry = zeros_entry("kecil.txt", mib)
    return raw_zip([Raw(entry.name, entry.data, 1024, entry.crc)])


def mimetype_bomb(kib: int = 510) -> bytes:
    """The penetration test's file: an OpenDocument whose ``mimetype`` entry, deflated to
    about ``kib`` KB, inflates to about a thousand times that."""
    mib = kib * 1024 // len(_zero_piece())
    return raw_zip(
        [
            zeros_entry("mimetype", mib),
            Raw.of("content.xml", b"<office:document-content/>"),
        ]
    )


def many_entries(n: int = 10_000) -> bytes:
    return zip_of({f"berkas/{i:05d}.txt": b"isi" for i in range(n)})


# --- archives whose structure lies or misleads ------------------------------------------


def symlink_zip() -> bytes:
    """A Unix symbolic link, as ``zip --symlinks`` writes it (the target is the data)."""
    link = Raw.of("bukti/laporan.pdf", b"/etc/passwd", method=zipfile.ZIP_STORED)
    unix = Raw(**{**link.__dict__, "made_by": (3 << 8) | 20, "external_attr": 0o120777 << 16})
    return raw_zip([unix])


def encrypted_zip() -> bytes:
    """An entry flagged as encrypted (ZipCrypto); the bytes need not decrypt to anything."""
    entry = Raw.of("rahasia.pdf", b"%PDF-1.4 rahasia", method=zipfile.ZIP_STORED)
    return raw_zip([Raw(**{**entry.__dict__, "flags": 0x801})])


def overlapping_zip() -> bytes:
    """Two entries whose bytes overlap: the first one's stored data is the second entry,
    local header and all (how Fifield's non-recursive zip bombs reuse one kernel)."""
    inner = Raw.of("b.txt", b"isi yang dipakai dua kali")
    prefix = b"data awal "
    outer = Raw.of("a.bin", prefix + _local(inner), method=zipfile.ZIP_STORED)
    body = _local(outer)
    directory = _central(outer, 0) + _central(inner, 30 + len(b"a.bin") + len(prefix))
    return body + directory + _end(2, directory, len(body))


# --- documents -------------------------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="%s"/></Types>'
)
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"


def docx(extra: dict[str, bytes] | None = None, main: bytes = DOCX_MAIN) -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": CONTENT_TYPES % main,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document><w:body><w:p>Notulen</w:p></w:body></w:document>",
            **(extra or {}),
        }
    )


def odt(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            b"application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", b"<office:document-content><office:scripts/>")
        archive.writestr("META-INF/manifest.xml", b"<manifest:manifest/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def large_docx(size: int, nonce: bytes = b"") -> bytes:
    """A DOCX of about ``size`` bytes as a phone or scanner makes them: some XML text and
    mostly photos (random bytes, which do not compress)."""
    paragraph = b"<w:p><w:r><w:t>Rapat koordinasi Zona Integritas, triwulan II. </w:t></w:r></w:p>"
    photos = {
        f"word/media/image{i}.jpeg": b"\xff\xd8\xff\xe0" + os.urandom(MIB)
        for i in range(size // MIB)
    }
    return docx(
        {
            "word/document.xml": b"<w:document>" + nonce + paragraph * 2000 + b"</w:document>",
            **photos,
        }
    )


# A program as Windows runs it: the DOS stub and the PE signature.
PE_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + b"\x00" * 200
VBA_PROJECT_OLE = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "_VBA_PROJECT".encode("utf-16-le")
)
