"""Serving an evidence file: always through the application, after the access check,
as an attachment that the browser must not sniff or render."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .choices import Kind
from .models import EvidenceVersion
from .validation import TXT, TYPES_BY_CONTENT_TYPE, safe_filename


def download_name(version: EvidenceVersion) -> str:
    file_type = TYPES_BY_CONTENT_TYPE.get(version.content_type, TXT)
    prefix = f"berkas{version.file_no}"
    if version.revision > 1:
        prefix += f"-versi{version.revision}"
    return f"{prefix}-{safe_filename(version.original_name, file_type)}"


def version_file_response(version: EvidenceVersion) -> FileResponse:
    """Stream the stored bytes (local folder or S3 alike) in chunks."""
    if version.kind != Kind.FILE:
        raise Http404(_("%(label)s berupa tautan, bukan berkas.") % {"label": version.label})
    try:
        handle = default_storage.open(version.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404(_("Berkas ini tidak ditemukan di penyimpanan.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(version),
        content_type=version.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    if version.size:
        response["Content-Length"] = str(version.size)
    return response
