"""What a person is told when an archive or an Office/OpenDocument file is refused: what
was found, where, and what is accepted. Raised by ``containers``.

``container`` is the uploaded file as the person named it ("Arsip “bukti.zip”",
"Dokumen “notulen.docx”"); ``entry`` is the path inside it, through any archive inside
(``dalam.zip/setup.exe``), cleaned of hidden characters and shortened for display.
Content found inside (programs, scripts, macros) answers 415 like a refused type; a
structure or size the portal will not open answers 422.
"""

from __future__ import annotations

import re

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .refusals import EvidenceRefused, human_size

# Office Open XML and OpenDocument files: the person sees a document, not an archive.
DOCUMENT_EXTENSIONS = frozenset(
    {"docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm", "xlsb"}
    | {"pptx", "pptm", "potx", "potm", "ppsx", "ppsm"}
    | {"odt", "ods", "odp", "odg", "ott", "ots", "otp"}
)
SHOWN_CHARACTERS = 120
HIDDEN_CHARACTERS = re.compile("[\x00-\x1f\x7f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def container_label(upload_name: str) -> str:
    extension = upload_name.rsplit(".", 1)[-1].lower() if "." in upload_name else ""
    if extension in DOCUMENT_EXTENSIONS:
        return _("Dokumen “%(name)s”") % {"name": upload_name}
    return _("Arsip “%(name)s”") % {"name": upload_name}


def shown(path: str) -> str:
    """A path inside an archive as a message may show it."""
    path = HIDDEN_CHARACTERS.sub("?", path)
    if len(path) > SHOWN_CHARACTERS:
        path = f"{path[: SHOWN_CHARACTERS // 2 - 5]}…{path[-SHOWN_CHARACTERS // 2 :]}"
    return path


def count(n: int) -> str:
    """1.000 in Indonesian, 1,000 in English."""
    return number_format(n, force_grouping=True)


def _refused(code: str, status: int, found: str, accepted: str) -> EvidenceRefused:
    return EvidenceRefused(code=code, status=status, message=f"{found} {accepted}")


def program(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "archive_program",
        415,
        _("%(container)s berisi program atau skrip “%(entry)s”.")
        % {"container": container, "entry": shown(entry)},
        _(
            "Arsip dan dokumen hanya boleh berisi dokumen, gambar, audio, video atau data; "
            "keluarkan program dan skripnya lalu unggah kembali."
        ),
    )


def active_content(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "archive_active_content",
        415,
        _("%(container)s berisi halaman web atau gambar SVG dengan skrip (“%(entry)s”).")
        % {"container": container, "entry": shown(entry)},
        _("Simpan halaman web sebagai PDF atau gambar sebagai PNG/JPEG lalu unggah kembali."),
    )


def macro(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "macro",
        415,
        _("%(container)s berisi makro (“%(entry)s”).")
        % {"container": container, "entry": shown(entry)},
        _(
            "Dokumen dengan makro atau kontrol ActiveX tidak diterima; simpan sebagai DOCX, "
            "XLSX, PPTX atau ODT/ODS/ODP biasa tanpa makro lalu unggah kembali."
        ),
    )


def uninspectable(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "archive_uninspectable",
        415,
        _(
            "%(container)s berisi “%(entry)s”, arsip atau image disk yang isinya tidak dapat "
            "diperiksa."
        )
        % {"container": container, "entry": shown(entry)},
        _(
            "Di dalam arsip hanya ZIP yang diterima sebagai arsip; ekstrak berkas itu dan "
            "masukkan isinya."
        ),
    )


def too_large(container: str, limit: int) -> EvidenceRefused:
    return _refused(
        "archive_too_large",
        422,
        _("%(container)s mengembang lebih dari %(max)s saat diekstrak.")
        % {"container": container, "max": human_size(limit)},
        _(
            "Isi arsip atau dokumen paling banyak %(max)s setelah diekstrak (termasuk isi arsip "
            "di dalamnya); pecah menjadi beberapa berkas lalu unggah satu per satu."
        )
        % {"max": human_size(limit)},
    )


def too_many_entries(
    container: str, limit: int, entry: str = "", *, in_total: bool = False
) -> EvidenceRefused:
    values = {"container": container, "entry": shown(entry.rstrip("/")), "max": count(limit)}
    if in_total:
        found = _(
            "%(container)s bersama arsip dan dokumen di dalamnya berisi lebih dari %(max)s berkas."
        )
    elif entry:
        found = _("%(container)s berisi “%(entry)s” yang memuat lebih dari %(max)s berkas.")
    else:
        found = _("%(container)s berisi lebih dari %(max)s berkas.")
    return _refused(
        "archive_too_many_entries",
        422,
        found % values,
        _("Pecah menjadi beberapa arsip yang lebih kecil lalu unggah satu per satu."),
    )


def ratio(container: str, limit: int, entry: str = "") -> EvidenceRefused:
    values = {"container": container, "entry": shown(entry), "ratio": count(limit)}
    if entry:
        found = _(
            "%(container)s berisi “%(entry)s” yang mengembang lebih dari %(ratio)s kali ukuran "
            "terkompresinya (ciri zip bomb)."
        )
    else:
        found = _(
            "%(container)s mengembang lebih dari %(ratio)s kali ukuran berkasnya (ciri zip bomb)."
        )
    return _refused(
        "archive_ratio",
        422,
        found % values,
        _(
            "Arsip dan dokumen biasa tidak dikompresi sekuat itu; buat ulang arsipnya dari "
            "berkas aslinya."
        ),
    )


def unsafe_path(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "archive_unsafe_path",
        422,
        _("%(container)s berisi jalur berbahaya “%(entry)s”.")
        % {"container": container, "entry": shown(entry)},
        _(
            "Nama di dalam arsip tidak boleh memuat “..” atau “:”, diawali “/” atau huruf drive "
            "(C:), atau memakai “\\”; buat ulang arsipnya dari folder biasa lalu unggah kembali."
        ),
    )


def unsafe_name(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "archive_unsafe_name",
        422,
        _(
            "%(container)s berisi nama berkas dengan karakter tersembunyi atau karakter kendali "
            "(“%(entry)s”)."
        )
        % {"container": container, "entry": shown(entry)},
        _("Ganti namanya dengan huruf, angka dan tanda baca biasa lalu buat ulang arsipnya."),
    )


def name_too_long(container: str, entry: str, limit: int) -> EvidenceRefused:
    return _refused(
        "archive_name_too_long",
        422,
        _(
            "%(container)s berisi nama berkas yang lebih panjang dari %(max)s karakter "
            "(“%(entry)s”)."
        )
        % {"container": container, "entry": shown(entry), "max": count(limit)},
        _("Perpendek nama folder dan berkasnya lalu buat ulang arsipnya."),
    )


def symlink(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "archive_symlink",
        422,
        _("%(container)s berisi tautan simbolik “%(entry)s”.")
        % {"container": container, "entry": shown(entry)},
        _("Tautan simbolik tidak diterima; masukkan berkas aslinya ke dalam arsip."),
    )


def duplicate_name(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "archive_duplicate_name",
        422,
        _("%(container)s berisi dua berkas bernama “%(entry)s”.")
        % {"container": container, "entry": shown(entry)},
        _(
            "Setiap berkas di dalam arsip harus bernama unik (huruf besar dan kecil tidak "
            "dibedakan); buat ulang arsipnya."
        ),
    )


def encrypted(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "archive_encrypted",
        422,
        _(
            "%(container)s dilindungi kata sandi (“%(entry)s” terenkripsi), sehingga isinya "
            "tidak dapat diperiksa."
        )
        % {"container": container, "entry": shown(entry)},
        _("Unggah arsip tanpa kata sandi."),
    )


def nested_too_deep(container: str, entry: str, limit: int) -> EvidenceRefused:
    return _refused(
        "archive_nested_too_deep",
        422,
        _("%(container)s berisi arsip bertingkat lebih dari %(max)s lapis (“%(entry)s”).")
        % {"container": container, "entry": shown(entry), "max": count(limit)},
        _("Ekstrak arsip di dalamnya lalu buat satu arsip biasa."),
    )


def unsupported_method(container: str, entry: str) -> EvidenceRefused:
    return _refused(
        "archive_unsupported_method",
        422,
        _("%(container)s memakai metode kompresi yang tidak dapat diperiksa (“%(entry)s”).")
        % {"container": container, "entry": shown(entry)},
        _(
            "Buat ulang arsipnya dengan kompresi ZIP biasa (Deflate), misalnya dengan fitur "
            "kompres bawaan Windows atau macOS."
        ),
    )


def corrupt(container: str, entry: str = "") -> EvidenceRefused:
    if entry:
        message = _(
            "%(container)s berisi arsip atau dokumen “%(entry)s” yang rusak atau tidak lengkap. "
            "Simpan ulang berkasnya lalu unggah kembali."
        ) % {"container": container, "entry": shown(entry)}
    else:
        message = _(
            "Berkas tampak seperti arsip ZIP/Office tetapi rusak atau tidak lengkap. "
            "Simpan ulang berkasnya lalu unggah kembali."
        )
    return EvidenceRefused(code="corrupt_file", message=message)
