"""Showing an evidence file inside the review queue: only the types a browser renders
safely by itself (PDF and common images), served inline through the application after
the same access check as a download, sandboxed, never from a public or presigned
address. Every other type is downloaded (``downloads.version_file_response``)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .choices import Kind
from .downloads import download_name
from .models import EvidenceVersion

PDF_TYPE = "application/pdf"
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"})
PREVIEW_TYPES = IMAGE_TYPES | {PDF_TYPE}

# The file may be framed by the portal's own pages only; it runs nothing (sandbox) and
# loads nothing else. Chromium's PDF viewer renders under this policy.
PREVIEW_POLICY = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'self'"


def previewable(version: EvidenceVersion) -> bool:
    return version.kind == Kind.FILE and version.content_type in PREVIEW_TYPES


def is_image(version: EvidenceVersion) -> bool:
    return version.content_type in IMAGE_TYPES


def preview_response(version: EvidenceVersion) -> FileResponse:
    """The stored bytes inline, with the stored (checked at upload) content type.
    Call only for a ``previewable`` version the user may view."""
    try:
        handle = default_storage.open(version.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404(_("Berkas ini tidak ditemukan di penyimpanan.")) from exc
    response = FileResponse(
        handle,
        as_attachment=False,
        filename=download_name(version),
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    if version.size:
        response["Content-Length"] = str(version.size)
    return response
