"""The monev report states lateness per item (issue 18, the reports' content): an item
approved after its due date reads "Disetujui (terlambat N hari)", a first upload after
the due date and the revision requests are printed, and so are the names of the item's
current approved files."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from evidence import services as evidence_services
from evidence.models import EvidenceVersion, Review
from monev import reports
from tests.evidence import samples
from tests.monev.test_reports import pdf_text
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement

pytestmark = pytest.mark.django_db
SHOTS = Path("/tmp/shots-report-lateness")  # noqa: S108 - for a person to look at


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def test_tw1_report_states_lateness_revisions_and_file_names(demo):
    users = demo["users"]
    first, second, third = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="MP"
    ).order_by("order")[:3]
    due = first.cell.quarter.due_date  # 31 March 2026

    late = evidence_services.evidence_upload_file(
        requirement=first, user=users["pic.mp"],
        upload=samples.upload("sk-tim-zi-ditandatangani.pdf", samples.pdf("sk")),
    )  # fmt: skip
    evidence_services.evidence_review(version=late, user=users["tpi"], decision="approve")
    EvidenceVersion.objects.filter(pk=late.pk).update(uploaded_at=_at(date_plus(due, 200)))
    Review.objects.filter(version=late).update(created_at=_at(date_plus(due, 245)))

    revised = evidence_services.evidence_upload_file(
        requirement=second, user=users["pic.mp"],
        upload=samples.upload("rencana-kerja-v1.pdf", samples.pdf("rk")),
    )  # fmt: skip
    evidence_services.evidence_review(
        version=revised, user=users["tpi"], decision="revise", comment="Belum ditandatangani"
    )
    on_time = evidence_services.evidence_upload_file(
        requirement=third, user=users["pic.mp"],
        upload=samples.upload("notulen.pdf", samples.pdf("notulen")),
    )  # fmt: skip
    evidence_services.evidence_review(version=on_time, user=users["tpi"], decision="approve")
    EvidenceVersion.objects.filter(pk=on_time.pk).update(uploaded_at=_at(date_plus(due, -10)))
    Review.objects.filter(version=on_time).update(created_at=_at(date_plus(due, -5)))

    data = reports.build_pdf(plan=demo["plan"], quarter=1, today=date_plus(due, 250))
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "tw1.pdf").write_bytes(data)
    text = pdf_text(data)
    assert "Disetujui (terlambat 245 hari)" in text
    assert "diunggah pertama 200 hari setelah batas" in text
    assert "1× diminta revisi" in text
    # A narrow column may break a file name after a hyphen.
    assert "Berkas disetujui: sk-tim-zi-ditandatangani.pdf" in text.replace("- ", "-")
    assert "Berkas disetujui: notulen.pdf" in text
    assert "Berkas disetujui: rencana-kerja" not in text.replace("- ", "-")  # not approved
    assert text.count("Belum ditandatangani") == 1  # each comment once


def date_plus(day, days):
    return day + timedelta(days=days)
