"""The recap as a landscape PDF, built by the worker (``tasks.build_recap_pdf``) for the
person who asked, with their filters: the same rows as the page, for the units they
may see when it is built; stored with its SHA-256. A failed build leaves no file."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lke.models import Side
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.queue import enqueue

from . import recap as recaps
from .models import RecapExport

BUILD = "ministry.tasks.build_recap_pdf"
log = logging.getLogger(__name__)


def export_request(*, user: Any, year: int, params: dict) -> RecapExport:
    require(user, Action.VIEW_RECAP)
    keep = {k: params.get(k, "") for k in ("oleh", "status", "kesiapan", "urut", "arah")}
    with transaction.atomic():
        row = RecapExport.objects.create(year=year, params=keep, requested_by=user)
        enqueue(BUILD, row.pk)
    return row


def _html(row: RecapExport) -> tuple[str, int]:
    p = row.params
    result = recaps.recap(
        user=row.requested_by,
        year=row.year,
        side=p.get("oleh") if p.get("oleh") in Side.values else Side.TPI,
        status=p.get("status", ""),
        readiness=p.get("kesiapan", ""),
        sort=p.get("urut") or "unit",
        descending=p.get("arah") == "turun",
        today=timezone.localdate(),
    )
    result.load(result.rows)
    with translation.override("id"):
        html = render_to_string(
            "ministry/pdf/recap.html",
            {"recap": result, "row_count": len(result.rows), "today": timezone.localdate(),
             "who": row.requested_by},
        )  # fmt: skip
    return html, len(result.rows)


def export_build(*, export_id: int) -> RecapExport | None:
    """Build and store one export (safe to run twice: a built one is left alone)."""
    row = RecapExport.objects.select_related("requested_by").filter(pk=export_id).first()
    if row is None or row.status != RecapExport.Status.QUEUED:
        return row
    stored = None
    try:
        html, count = _html(row)
        # WeasyPrint is loaded only where a PDF is built (a worker), as for the reports.
        from weasyprint import HTML

        data = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
        name = f"recap/{row.year}/rekapitulasi-{row.year}-{row.pk}.pdf"
        stored = default_storage.save(name, ContentFile(data))
        RecapExport.objects.filter(pk=row.pk, status=RecapExport.Status.QUEUED).update(
            status=RecapExport.Status.READY,
            file=stored,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            rows=count,
            finished_at=timezone.now(),
        )
    except Exception as exc:
        if stored:
            default_storage.delete(stored)
        RecapExport.objects.filter(pk=row.pk).update(
            status=RecapExport.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        log.exception("recap export %s failed", row.pk)
    return RecapExport.objects.get(pk=row.pk)
