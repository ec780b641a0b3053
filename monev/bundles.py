"""The evidence bundle: one ZIP with every current, approved evidence file of a plan for
a quarter (or the whole year), for assessors who want the documents themselves.

Inside the archive::

    <area code>/<TW I…>/<NN item text>/v<number>-<safe name>
    manifest.csv   one row per version (links too: their URL instead of a path); text that
                   a spreadsheet would evaluate is guarded (core.exports.csv_writer)
    index.html     the same list as a page that opens offline, with relative links; every
                   name and text is HTML-escaped

Files are copied from ``default_storage`` in chunks straight into the archive (local
folder or S3 alike; never a whole file in memory), and each one's SHA-256 is checked
against the hash recorded at upload while it streams: a damaged or swapped stored file
raises ``BundleIntegrityError`` instead of producing a bundle that silently differs
from what was reviewed."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import IO, Any
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation

from evidence.choices import Decision, Kind, ReviewState
from evidence.downloads import download_name
from evidence.models import EvidenceVersion, Review
from evidence.selectors import current_versions_qs
from workplan.choices import QUARTER_LABELS
from workplan.models import WorkPlan
from zi_portal.core.exports import csv_writer

CHUNK = 1024 * 1024
ITEM_FOLDER_CHARS = 60
MANIFEST_NAME = "manifest.csv"
INDEX_NAME = "index.html"
MANIFEST_COLUMNS = [
    "area",
    "quarter",
    "item",
    "berkas",
    "kind",
    "file",
    "original_name",
    "size",
    "sha256",
    "uploaded_by",
    "uploaded_at",
    "approved_by",
    "approved_at",
]
# Formats that are already compressed: deflating them again only costs time.
STORED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "image/heif",
    "video/mp4",
    "video/quicktime",
    "audio/mp4",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}

_NOT_IN_FOLDER_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_SPACES = re.compile(r"\s+")


class BundleIntegrityError(Exception):
    """A stored evidence file is missing or differs from the hash recorded at upload."""


@dataclass
class Entry:
    """One version in the bundle (a file with its path inside the ZIP, or a link)."""

    version: EvidenceVersion
    area: str
    quarter: str
    item: str
    path: str  # inside the ZIP; empty for a link
    approved_by: str
    approved_at: datetime | None

    @property
    def is_file(self) -> bool:
        return self.version.kind == Kind.FILE


def folder_name(text: str, limit: int = ITEM_FOLDER_CHARS) -> str:
    """``text`` as one path segment every unzip tool accepts (Windows included): no
    separators, reserved or control characters, whitespace folded, bounded length, no
    trailing dots or spaces."""
    name = unicodedata.normalize("NFC", text)
    name = _SPACES.sub(" ", _NOT_IN_FOLDER_NAMES.sub(" ", name)).strip()
    if len(name) > limit:
        name = name[:limit].rstrip()
    return name.rstrip(". ") or "butir"


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.name or user.email


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _when_display(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else "—"


def approved_versions(*, plan: WorkPlan, quarter: int | None) -> list[EvidenceVersion]:
    """The plan's current approved versions (files and links) of the quarter or year,
    ordered area, quarter, item, version, with their reviews (two queries)."""
    versions = current_versions_qs().filter(
        requirement__cell__quarter__plan=plan, review_state=ReviewState.APPROVED
    )
    if quarter is not None:
        versions = versions.filter(requirement__cell__quarter__number=quarter)
    return list(
        versions.select_related(
            "uploaded_by", "requirement__cell__quarter", "requirement__cell__area"
        )
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("reviewer").order_by("created_at", "pk"),
            )
        )
        .order_by(
            "requirement__cell__area__order",
            "requirement__cell__quarter__number",
            "requirement__order",
            "number",
        )
    )


def _entry(version: EvidenceVersion) -> Entry:
    requirement = version.requirement
    cell = requirement.cell
    label = QUARTER_LABELS[cell.quarter.number]
    approvals = [r for r in version.reviews.all() if r.decision == Decision.APPROVE]
    approval = approvals[-1] if approvals else None
    path = ""
    if version.kind == Kind.FILE:
        item_folder = f"{requirement.order:02d} {folder_name(requirement.text)}"
        path = f"{cell.area.code}/{label}/{item_folder}/{download_name(version)}"
    return Entry(
        version=version,
        area=cell.area.code,
        quarter=label,
        item=requirement.text,
        path=path,
        approved_by=_person(approval.reviewer) if approval else "",
        approved_at=approval.created_at if approval else None,
    )


def _copy_verified(archive: zipfile.ZipFile, entry: Entry) -> int:
    """Stream one stored file into the archive, checking its size and SHA-256."""
    version = entry.version
    info = zipfile.ZipInfo(entry.path, date_time=_zip_time(version.uploaded_at))
    info.compress_type = (
        zipfile.ZIP_STORED if version.content_type in STORED_TYPES else zipfile.ZIP_DEFLATED
    )
    info.external_attr = 0o644 << 16
    if version.size is not None:
        info.file_size = version.size  # lets zipfile pick ZIP64 for very large files
    digest = hashlib.sha256()
    copied = 0
    try:
        source = default_storage.open(version.file.name, "rb")
    except FileNotFoundError as exc:
        raise BundleIntegrityError(
            f"Berkas bukti dukung {entry.path} (versi id {version.pk}) tidak ditemukan "
            f"di penyimpanan: {version.file.name}"
        ) from exc
    with source, archive.open(info, "w") as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
            copied += len(chunk)
    if digest.hexdigest() != version.sha256 or (
        version.size is not None and copied != version.size
    ):
        raise BundleIntegrityError(
            f"Berkas bukti dukung {entry.path} (versi id {version.pk}) di penyimpanan tidak "
            f"sama dengan yang diunggah: SHA-256 {digest.hexdigest()} ({copied} bita), "
            f"seharusnya {version.sha256} ({version.size} bita)."
        )
    return copied


def _zip_time(value: datetime | None) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(value) if value else timezone.localtime()
    return max(local.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def _manifest_row(entry: Entry) -> list[str | int]:
    v = entry.version
    return [
        entry.area,
        entry.quarter,
        entry.item,
        v.label,
        v.kind,
        entry.path if entry.is_file else v.url,
        v.original_name if entry.is_file else "",
        v.size if entry.is_file and v.size is not None else "",
        v.sha256 if entry.is_file else "",
        _person(v.uploaded_by),
        _when(v.uploaded_at),
        entry.approved_by,
        _when(entry.approved_at),
    ]


def _write_manifest(archive: zipfile.ZipFile, entries: Iterable[Entry], when) -> None:
    info = zipfile.ZipInfo(MANIFEST_NAME, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    with archive.open(info, "w") as raw:
        # UTF-8 with a byte-order mark, so that Excel shows the Indonesian text right.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv_writer(text)
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(_manifest_row(e) for e in entries)
        text.flush()
        text.detach()


INDEX_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem;
color:#1b1f23;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;
border-bottom:2px solid #1F4E79;padding-bottom:.25rem;color:#1F4E79}
h3{font-size:1rem;margin:1.25rem 0 .4rem}
.meta{color:#555;margin:.2rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ccd3da;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#1F4E79;color:#fff}
tr:nth-child(even) td{background:#f5f7f9}
code{font-size:.75rem;word-break:break-all}
.num{text-align:right;white-space:nowrap}
.empty{color:#555;font-style:italic}
.wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
@media (max-width:600px){body{margin:.75rem}table{font-size:.8rem}}
@media print{body{margin:0}a{color:inherit}.wrap{overflow:visible}}
"""


def _index_html(
    *, plan: WorkPlan, quarter: int | None, entries: list[Entry], summary: dict[str, int]
) -> str:
    period = f"{QUARTER_LABELS[quarter]} {plan.year}" if quarter else f"Tahun {plan.year}"
    generated = timezone.localtime().strftime("%d-%m-%Y %H:%M")
    with translation.override("id"):
        total = filesizeformat(summary["bytes"])
    parts = [
        "<!DOCTYPE html>",
        '<html lang="id"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Paket Bukti Dukung {escape(period)} · {escape(str(plan.unit))}</title>",
        f"<style>{INDEX_STYLE}</style></head><body>",
        f"<h1>Paket Bukti Dukung Zona Integritas · {escape(period)}</h1>",
        f'<p class="meta">{escape(plan.unit.name)} — {escape(plan.title)}</p>',
        f'<p class="meta">Disusun {generated}. Berisi {summary["files"]} berkas '
        f"({escape(total)}) dan {summary['links']} tautan: versi terkini yang telah "
        f'disetujui. Daftar yang sama ada di <a href="{MANIFEST_NAME}">{MANIFEST_NAME}'
        "</a>; kolom SHA-256 dapat dipakai untuk memeriksa keutuhan setiap berkas.</p>",
    ]
    if not entries:
        parts.append(
            '<p class="empty">Belum ada bukti dukung yang disetujui untuk periode ini.</p>'
        )
    current_area = current_group = None
    open_table = False
    for entry in entries:
        cell = entry.version.requirement.cell
        if cell.area.code != current_area:
            if open_table:
                parts.append("</tbody></table></div>")
                open_table = False
            current_area, current_group = cell.area.code, None
            parts.append(f"<h2>{escape(cell.area.code)} — {escape(cell.area.name)}</h2>")
        if entry.quarter != current_group:
            if open_table:
                parts.append("</tbody></table></div>")
            current_group = entry.quarter
            parts.append(f"<h3>{escape(entry.quarter)}</h3>")
            parts.append(
                '<div class="wrap"><table><thead><tr><th>No.</th><th>Butir bukti dukung</th>'
                "<th>Berkas</th><th>Berkas / tautan</th><th>Ukuran</th><th>Diunggah</th>"
                "<th>Disetujui</th><th>SHA-256</th></tr></thead><tbody>"
            )
            open_table = True
        parts.append(_index_row(entry))
    if open_table:
        parts.append("</tbody></table></div>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _index_row(entry: Entry) -> str:
    v = entry.version
    if entry.is_file:
        target = (
            f'<a href="{escape(quote(entry.path))}">{escape(v.original_name or entry.path)}</a>'
            f"<br><code>{escape(entry.path)}</code>"
        )
        with translation.override("id"):
            size = filesizeformat(v.size) if v.size is not None else "—"
        sha = f"<code>{escape(v.sha256)}</code>"
    else:
        target = f'Tautan: <a href="{escape(v.url)}" rel="noopener noreferrer">{escape(v.url)}</a>'
        size, sha = "—", "—"
    uploaded = f"{escape(_person(v.uploaded_by))}<br>{_when_display(v.uploaded_at)}"
    approved = f"{escape(entry.approved_by or '—')}<br>{_when_display(entry.approved_at)}"
    return (
        f'<tr><td class="num">{v.requirement.order}</td><td>{escape(entry.item)}</td>'
        f'<td class="num">{escape(v.label)}</td><td>{target}</td>'
        f'<td class="num">{escape(size)}</td>'
        f"<td>{uploaded}</td><td>{approved}</td><td>{sha}</td></tr>"
    )


def build_bundle(*, plan: WorkPlan, quarter: int | None, target: IO[bytes]) -> dict[str, int]:
    """Write the ZIP of ``plan``'s current approved evidence for ``quarter`` (1–4, or
    None for the whole year) to ``target``, a binary file object opened for writing
    (a temporary file). Returns ``{"files": …, "links": …, "bytes": …}`` (``bytes`` is
    the total size of the evidence files, before compression).

    Raises ``BundleIntegrityError`` when a stored file is missing or its bytes do not
    match the SHA-256 recorded at upload; ``target`` then holds an unfinished archive
    and must be thrown away."""
    if quarter is not None and quarter not in QUARTER_LABELS:
        raise ValueError(f"quarter must be 1–4 or None, not {quarter!r}")
    entries = [_entry(v) for v in approved_versions(plan=plan, quarter=quarter)]
    summary = {"files": 0, "links": 0, "bytes": 0}
    now = _zip_time(None)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            if entry.is_file:
                summary["bytes"] += _copy_verified(archive, entry)
                summary["files"] += 1
            else:
                summary["links"] += 1
        _write_manifest(archive, entries, now)
        info = zipfile.ZipInfo(INDEX_NAME, date_time=now)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(
            info, _index_html(plan=plan, quarter=quarter, entries=entries, summary=summary)
        )
    return summary
