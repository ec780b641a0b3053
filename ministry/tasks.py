"""Background work of the ministry's pages. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from zi_portal.core.dbretry import outlasting_database_restarts

from .recap_pdf import export_build


@shared_task(acks_late=True, ignore_result=True)
@outlasting_database_restarts
def build_recap_pdf(export_id: int) -> None:
    export_build(export_id=export_id)
