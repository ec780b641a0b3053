"""What the portal accepts as evidence, decided by a file's content and not its name.

Every refusal is an ``EvidenceRefused`` carrying a stable code, an HTTP status for the
API and a message in the user's language that says what was wrong and what is accepted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .containers import EXECUTABLE_MAGIC, inspect_container
from .refusals import EvidenceRefused, human_size

SNIFF_BYTES = 64 * 1024
CHUNK = 1024 * 1024
# Browsers and PDF readers look for the header in the first KB, not only at its start.
PDF_HEAD_BYTES = 1024
# Set on an uploaded file by evidence.uploads (its SHA-256 and byte count, computed as
# the bytes arrived), so that check_file need not read the whole file again.
RECEIVED_SHA256 = "zi_received_sha256"
RECEIVED_SIZE = "zi_received_size"


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extension: str
    # Other extensions that name the same content and are kept as the user gave them.
    also: tuple[str, ...] = ()


PDF = FileType("PDF", "application/pdf", "pdf")
JPEG = FileType("JPEG", "image/jpeg", "jpg", also=("jpeg",))
PNG = FileType("PNG", "image/png", "png")
WEBP = FileType("WebP", "image/webp", "webp")
# ISO base media files (an ``ftyp`` box first), told apart by their brands: see iso_type().
HEIC = FileType("HEIC", "image/heic", "heic")
HEIF = FileType("HEIF", "image/heif", "heif")
MP4 = FileType("MP4", "video/mp4", "mp4", also=("m4v",))
MOV = FileType("MOV", "video/quicktime", "mov")
M4A = FileType("M4A", "audio/mp4", "m4a", also=("m4b",))
M4B = FileType("M4B", "audio/mp4", "m4b", also=("m4a",))
DOCX = FileType(
    "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
)
XLSX = FileType("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = FileType(
    "PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"
)
ODT = FileType("ODT", "application/vnd.oasis.opendocument.text", "odt")
ODS = FileType("ODS", "application/vnd.oasis.opendocument.spreadsheet", "ods")
ODP = FileType("ODP", "application/vnd.oasis.opendocument.presentation", "odp")
ZIP = FileType("ZIP", "application/zip", "zip")
CSV = FileType("CSV", "text/csv", "csv")
TXT = FileType("TXT", "text/plain", "txt")

ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS, ODP.content_type: ODP}
# M4B shares audio/mp4 with M4A; M4A's ``also`` keeps a stored .m4b name on download.
TYPES_BY_CONTENT_TYPE = {
    t.content_type: t
    for t in (
        PDF, JPEG, PNG, WEBP, HEIC, HEIF, MP4, MOV, M4A,
        DOCX, XLSX, PPTX, ODT, ODS, ODP, ZIP, CSV, TXT,
    )
}  # fmt: skip
ACCEPTED_LABEL = (
    "PDF, JPEG, PNG, WebP, HEIC/HEIF, DOCX, XLSX, PPTX, ODT/ODS/ODP, MP4, MOV, M4A, CSV/TXT, ZIP"
)

# ISO base media brands (the four-character codes in the ``ftyp`` box). A specific major
# brand decides on its own; a generic one (plain ISO/MPEG-4/3GPP) says only "ISO media"
# and the compatible brands decide, falling back to MP4. Any other major brand (AVIF,
# Canon CR3 raw, JPEG 2000, DRM-protected M4P …) is refused: its content is not one that
# the reviewers can open, and accepting it as MP4 is how foto.heic became foto.mp4.
HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
HEIF_BRANDS = frozenset({b"mif1", b"msf1"})
MOV_BRANDS = frozenset({b"qt  "})
MP4_VIDEO_BRANDS = frozenset({b"M4V ", b"M4VH", b"M4VP"})
M4A_BRANDS = frozenset({b"M4A "})
M4B_BRANDS = frozenset({b"M4B "})
PROTECTED_BRANDS = frozenset({b"M4P "})
GENERIC_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9"}
    | {b"mp41", b"mp42", b"avc1", b"mmp4", b"dash", b"MSNV", b"XAVC"}
    | {b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3gp8", b"3gp9", b"3gg6", b"3g2a", b"3g2b"}
)

# Text that a browser would run or render as a page: refused even inside a .txt/.csv.
ACTIVE_TEXT = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|link|style)\b"
    rb"|<\?xml|<\?php|javascript:",
    re.IGNORECASE,
)
# The same, less ``<?xml``: a PDF's XMP metadata is XML, and may come early.
PDF_ACTIVE_TEXT = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|link|style)\b"
    rb"|<\?php|javascript:",
    re.IGNORECASE,
)


def max_upload_bytes() -> int:
    return int(settings.ZI_EVIDENCE_MAX_BYTES)


def accepted_help() -> str:
    return _("Jenis yang diterima: %(types)s. Ukuran maksimum %(size)s per berkas.") % {
        "types": ACCEPTED_LABEL,
        "size": human_size(max_upload_bytes()),
    }


def _refuse_type(what: str) -> EvidenceRefused:
    return EvidenceRefused(
        code="unsupported_type",
        message=_("%(what)s tidak diterima sebagai bukti dukung. %(accepted)s")
        % {"what": what, "accepted": accepted_help()},
        status=415,
    )


def _zip_type(fh: IO[bytes], name: str) -> FileType:
    """Office Open XML, OpenDocument or a plain ZIP archive, once ``containers`` has
    inspected what it holds (and refused what it may not)."""
    listing = inspect_container(fh, name)
    if listing.mimetype in ODF_TYPES:
        return ODF_TYPES[listing.mimetype]
    if "[Content_Types].xml" in listing.names:
        for prefix, file_type in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
            if any(n.startswith(prefix) for n in listing.names):
                return file_type
    return ZIP


def _refuse_polyglot(name: str) -> EvidenceRefused:
    return EvidenceRefused(
        code="pdf_polyglot",
        message=_(
            "Berkas “%(name)s” adalah PDF yang juga berisi kode HTML atau skrip di awal "
            "berkasnya, sehingga peramban dapat membukanya sebagai halaman web. PDF diterima "
            "bila diawali “%%PDF-” tanpa HTML atau skrip; simpan ulang dokumennya sebagai PDF "
            "lalu unggah kembali."
        )
        % {"name": name},
        status=415,
    )


def _pdf_type(head: bytes, name: str) -> FileType | None:
    """PDF when the file starts with the header and its first KB holds no markup; a
    polyglot (markup in the first KB of a PDF, or before a header found later in it,
    where readers still find it) is refused; None when it is no PDF at all."""
    first = head[:PDF_HEAD_BYTES]
    at = first.find(b"%PDF-")
    if at < 0:
        return None
    if (at == 0 and PDF_ACTIVE_TEXT.search(first)) or (at > 0 and ACTIVE_TEXT.search(first)):
        raise _refuse_polyglot(name)
    return PDF if at == 0 else None


def ftyp_brands(head: bytes) -> tuple[bytes, list[bytes]]:
    """The major brand and the compatible brands of the ``ftyp`` box at the start of
    ``head`` (size, 'ftyp', major, minor version, compatible brands to the box's end)."""
    size = int.from_bytes(head[0:4], "big")
    if size < 16 or size > len(head):
        # 1 (64-bit size) and 0 (to the end of the file) never appear on a real ftyp box.
        raise _refuse_type(_("Berkas dengan jenis yang tidak dikenali"))
    body = head[16:size]
    return head[8:12], [body[i : i + 4] for i in range(0, len(body) - 3, 4)]


def iso_type(head: bytes) -> FileType:
    """HEIC, HEIF, MOV, M4A/M4B or MP4 from the brands of the ``ftyp`` box."""
    major, compatible = ftyp_brands(head)
    if major in GENERIC_BRANDS:
        brands = set(compatible)
    elif major in HEIF_BRANDS:
        # The structural HEIF brand: HEVC-coded images still say 'heic' among the others.
        brands = {major} | (set(compatible) & HEIC_BRANDS)
    else:
        brands = {major}
    # Most specific first: an M4V video also lists 'M4A ', a HEIC image 'mif1'.
    if brands & PROTECTED_BRANDS:
        raise _refuse_type(_("Audio M4P yang dilindungi DRM"))
    if brands & HEIC_BRANDS:
        return HEIC
    if brands & HEIF_BRANDS:
        return HEIF
    if brands & MOV_BRANDS:
        return MOV
    if brands & MP4_VIDEO_BRANDS:
        return MP4
    if brands & M4A_BRANDS:
        return M4A
    if brands & M4B_BRANDS:
        return M4B
    if major in GENERIC_BRANDS:
        return MP4
    shown = "".join(c if " " <= c <= "~" else "?" for c in major.decode("latin-1")).strip()
    raise _refuse_type(_("Berkas media ISO dengan merek “%(brand)s”") % {"brand": shown or "?"})


def sniff(head: bytes, fh: IO[bytes], name: str) -> FileType:
    """The file's type from its first bytes (and, for ZIP containers, what they hold)."""
    if (pdf := _pdf_type(head, name)) is not None:
        return pdf
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return iso_type(head)
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(fh, name)
    if any(head.startswith(magic) for magic in EXECUTABLE_MAGIC):
        raise _refuse_type(_("Program atau skrip"))
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if ACTIVE_TEXT.search(stripped):
        raise _refuse_type(_("Halaman HTML, gambar SVG atau berkas berisi skrip"))
    if b"\x00" in head:
        raise _refuse_type(_("Berkas dengan jenis yang tidak dikenali"))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sniffed window.
        if exc.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                raise _refuse_type(_("Berkas dengan jenis yang tidak dikenali")) from None
    return CSV if name.lower().endswith(".csv") else TXT


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE = re.compile(r"[^\w.\- ()\[\]]+", re.UNICODE)


def safe_filename(original: str, file_type: FileType) -> str:
    """A storage-safe name: no path parts, no control characters, a bounded length,
    and the extension of what the content really is."""
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", _CONTROL.sub("", name)).strip().strip(".")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = _UNSAFE.sub("_", stem).strip(" _") or "berkas"
    stem = stem[:80]
    allowed = {file_type.extension, *file_type.also}
    if ext.lower() not in allowed:
        ext = file_type.extension
    return f"{stem}.{ext.lower()}"


def display_filename(original: str) -> str:
    """The name as the user gave it, minus path parts and control characters."""
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    return _CONTROL.sub("", name).strip()[:255] or "berkas"


@dataclass(frozen=True)
class CheckedFile:
    file_type: FileType
    size: int
    sha256: str
    display_name: str
    storage_name: str


def check_file(upload) -> CheckedFile:
    """Size, emptiness, type and hash of an uploaded file, never whole into memory: the
    hash is the upload handler's when it made one, and then only the file's head is read
    (and, for ZIP containers, what ``containers`` inspects); otherwise the file is read
    once in chunks. Raises EvidenceRefused."""
    limit = max_upload_bytes()
    size = upload.size or 0
    display = display_filename(upload.name or "")
    if size == 0:
        raise EvidenceRefused(
            code="empty_file",
            message=_("Berkas “%(name)s” kosong (0 bita). Pilih berkas yang berisi dokumen.")
            % {"name": display},
        )
    if size > limit:
        raise too_large(display, size)
    upload.seek(0)
    sha256 = received_sha256(upload, size)
    if sha256 is None:
        head, sha256 = _read_and_hash(upload)
    else:
        head = upload.read(SNIFF_BYTES)  # only what sniff() looks at
    upload.seek(0)
    file_type = sniff(head, upload.file if hasattr(upload, "file") else upload, display)
    return CheckedFile(file_type, size, sha256, display, safe_filename(display, file_type))


def received_sha256(upload, size: int) -> str | None:
    """The digest the upload handler computed while the file arrived, when it covers
    all ``size`` bytes; None for a file that did not come through it (tests, scripts)."""
    sha256 = getattr(upload, RECEIVED_SHA256, None)
    if isinstance(sha256, str) and getattr(upload, RECEIVED_SIZE, None) == size:
        return sha256
    return None


def _read_and_hash(upload) -> tuple[bytes, str]:
    """The first SNIFF_BYTES and the SHA-256 of a file, read once in chunks."""
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks(CHUNK):
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
    return head, digest.hexdigest()


def too_large(name: str, size: int | None) -> EvidenceRefused:
    return EvidenceRefused(
        code="file_too_large",
        message=_(
            "Berkas “%(name)s” terlalu besar%(size)s. Ukuran maksimum %(max)s per berkas; "
            "perkecil atau pecah berkasnya."
        )
        % {
            "name": name,
            "size": f" ({human_size(size)})" if size else "",
            "max": human_size(max_upload_bytes()),
        },
        status=413,
    )


_url_validator = URLValidator(schemes=["http", "https"])


def check_url(url: str) -> str:
    url = (url or "").strip()
    try:
        if len(url) > 2000:
            raise ValidationError("too long")
        _url_validator(url)
    except ValidationError:
        raise EvidenceRefused(
            code="invalid_url",
            message=_(
                "Tautan “%(url)s” tidak valid. Masukkan alamat lengkap yang diawali http:// "
                "atau https://, misalnya https://www.komdigi.go.id/berita/…"
            )
            % {"url": url[:200]},
        ) from None
    return url
