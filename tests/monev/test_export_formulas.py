"""Formula injection through the monev downloads: reviewer comments, findings,
recommendations, follow-ups, a person's name and the original names of uploaded files
that start like formulas, typed in through the pages and services a person uses, then
downloaded signed in (the monev workbook, the evidence bundle built by the worker):
every such text arrives as text behind a single quote, no cell is a formula, numbers
and dates stay numbers and dates, and the bundle's index.html escapes what it shows."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence import services as evidence_services
from evidence.models import EvidenceVersion
from findings import services as finding_services
from monev import reports
from monev.choices import ReportKind, ReportStatus
from monev.models import Report
from tests.evidence import samples
from tests.multiunit import UNIT_A
from tests.spreadsheets import PAYLOADS, assert_csv_inert, assert_xlsx_inert
from workplan.models import CommitmentCell, EvidenceRequirement

# Original file names a person could upload (a "/" would cut the name at the path part,
# so the HYPERLINK payload is the tester's calc.exe one here).
FILE_NAMES = (
    "=1+2+cmd|' -c calc'!A0.pdf",
    "+1+1.pdf",
    "-2+3.pdf",
    "@SUM(A1).pdf",
    "\t=1.pdf",  # control characters cannot travel in a multipart header: the API path
    "\r=1.pdf",
)
HTML_NAME = '<img src=x onerror="alert(1)">.pdf'
NAME = PAYLOADS[3]  # the PIC's account name, as the Ketua Tim typed it in the admin


def mp_item(order: int) -> EvidenceRequirement:
    return EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__number=1,
        cell__area__code="MP",
        order=order,
    )


@pytest.fixture
def hostile(demo, client):
    """Six MP items of TW I each with a file under a hostile name, approved by the TPI
    with a hostile comment; six findings with hostile texts and follow-ups."""
    users = demo["users"]
    pic = users["pic.mp"]
    pic.name = NAME
    pic.save(update_fields=["name"])
    client.force_login(pic)
    for order, name in enumerate(FILE_NAMES, start=1):
        if name[0] in "\t\r":
            evidence_services.evidence_upload_file(
                requirement=mp_item(order), upload=samples.upload(name, samples.pdf(name)), user=pic
            )
        else:
            response = client.post(
                reverse("evidence:upload", args=[mp_item(order).pk]),
                {"file": samples.upload(name, samples.pdf(name))},
            )
            assert response.status_code == 302
    pw_item = EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__number=1,
        cell__area__code="PW",
        order=1,
    )
    evidence_services.evidence_upload_file(
        requirement=pw_item,
        upload=samples.upload(HTML_NAME, samples.pdf("x")),
        user=users["pic.pw"],
    )
    client.force_login(users["tpi"])
    versions = EvidenceVersion.objects.filter(
        requirement__cell__quarter__plan=demo["plan"]
    ).order_by("requirement__cell__area__order", "requirement__order")
    assert versions.count() == 7
    comments = [*PAYLOADS, "Lengkap."]
    for version, comment in zip(versions, comments, strict=False):
        response = client.post(
            reverse("evidence:review", args=[version.pk]),
            {"decision": "approve", "comment": comment},
        )
        assert response.status_code == 302
    cell = CommitmentCell.objects.get(
        quarter__plan=demo["plan"], quarter__number=1, area__code="PW"
    )
    for payload in PAYLOADS:
        finding = finding_services.finding_record(
            plan=demo["plan"],
            user=users["tpi"],
            description=payload,
            recommendation=payload,
            owner=users["pic.pw"],
            due_date=timezone.localdate() + timedelta(days=7),
            cell=cell,
        )
        finding_services.finding_follow_up(
            finding=finding, user=users["pic.pw"], follow_up=payload, status="in_progress"
        )
    client.logout()
    return demo


def test_monev_workbook_holds_text_never_formulas(client, hostile):
    client.force_login(hostile["users"]["kepala"])
    response = client.get(reverse("monev:monev_xlsx"), {"tahun": 2026})
    assert response.status_code == 200
    book = assert_xlsx_inert(response.content, payloads=[*PAYLOADS, NAME])
    status = book["Status Butir"]
    header = [c.value for c in status[1]]
    rows = [list(row) for row in status.iter_rows(min_row=2)]
    versions = header.index("Jumlah Versi Terkini")
    uploaded = header.index("Unggahan Terakhir")
    comment = header.index("Komentar Pereviu Terakhir")
    first = rows[0]
    assert first[comment].value == "'" + PAYLOADS[0]
    assert (first[versions].value, first[versions].data_type) == (1, "n")
    assert first[uploaded].is_date
    findings = book["Temuan"]
    header = [c.value for c in findings[1]]
    due = header.index("Batas Tindak Lanjut")
    follow_up = header.index("Tindak Lanjut")
    cells = list(findings.iter_rows(min_row=2))
    assert len(cells) == len(PAYLOADS)
    assert all(row[due].is_date for row in cells)
    assert sorted(row[follow_up].value for row in cells) == sorted(
        "'" + p.strip() for p in PAYLOADS
    )


def test_bundle_manifest_holds_text_never_formulas_and_index_escapes(client, hostile):
    report = Report.objects.create(plan=hostile["plan"], kind=ReportKind.BUNDLE, quarter=1)
    assert reports.report_build(report_id=report.pk).status == ReportStatus.READY  # the worker
    client.force_login(hostile["users"]["tpi"])
    response = client.get(reverse("monev:report_download", args=[report.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    text = archive.read("manifest.csv").decode("utf-8-sig")
    rows = assert_csv_inert(text, payloads=[*FILE_NAMES, NAME])
    header = rows[0]
    by_name = {
        row[header.index("original_name")]: dict(zip(header, row, strict=True)) for row in rows[1:]
    }
    tester = by_name["'" + FILE_NAMES[0]]
    assert tester["uploaded_by"] == "'" + NAME
    assert tester["berkas"] == "Berkas 1" and tester["size"].isdigit()
    assert int(tester["size"]) == len(samples.pdf(FILE_NAMES[0]))
    # The CR in a name never splits a row: as many rows as approved versions.
    assert len(list(csv.reader(io.StringIO(text)))) == 1 + 7

    index = archive.read("index.html").decode()
    assert HTML_NAME not in index and "<img" not in index
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.pdf" in index
    assert "=1+2+cmd|&#x27; -c calc&#x27;!A0.pdf" in index
