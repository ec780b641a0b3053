"""Monev PDF reports: what they say, how they are built, stored and downloaded."""

import hashlib
import io
import os
import signal
import time
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evidence import services as evidence_services
from findings.models import Finding
from monev import reports
from monev.choices import ReportKind, ReportStatus
from monev.models import AreaNarrative, Notification, Report
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import ChangeArea, CommitmentCell, EvidenceRequirement


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks folded into spaces (table cells wrap)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


@pytest.fixture
def data(demo):
    users = demo["users"]
    items = list(
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="MP"
        )
    )
    v = evidence_services.evidence_upload_file(
        requirement=items[0],
        user=users["pic.mp"],
        upload=samples.upload("sk.pdf", samples.pdf("sk")),
    )
    evidence_services.evidence_review(version=v, user=users["tpi"], decision="approve")
    w = evidence_services.evidence_upload_file(
        requirement=items[1],
        user=users["pic.mp"],
        upload=samples.upload("rk.pdf", samples.pdf("rk")),
    )
    evidence_services.evidence_review(
        version=w, user=users["tpi"], decision="revise", comment="Belum ditandatangani Kepala"
    )
    cell = CommitmentCell.objects.get(
        quarter__plan__unit__code=UNIT_A, quarter__number=1, area__code="PW"
    )
    Finding.objects.create(
        plan=demo["plan"],
        cell=cell,
        area=cell.area,
        owner=users["pic.pw"],
        description="Peta risiko belum memuat risiko gratifikasi",
        recommendation="Lengkapi peta risiko",
        due_date=date(2026, 4, 30),
        created_by=users["tpi"],
    )
    AreaNarrative.objects.create(
        plan=demo["plan"],
        area=ChangeArea.objects.get(code="MP"),
        good_practice="Agen perubahan aktif tiap bulan",
        impact="Budaya kerja membaik",
    )
    return demo


def test_quarterly_report_text(data):
    pdf = reports.build_pdf(plan=data["plan"], quarter=1, today=date(2026, 4, 13))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in [
        "Laporan Monitoring dan Evaluasi",
        "TW I 2026",
        "Pusat Pengembangan Aparatur",
        "13 April 2026",
        "Daftar Isi",
        "Ringkasan capaian",
        "Manajemen Perubahan",
        "Penataan Tatalaksana",
        "Peningkatan Kualitas Pelayanan Publik",
        "Annisa Nurul Aini Firdaus",
        "Irene Septine",
        "Dokumen SK Tim Internal Pembangunan ZI",
        "Disetujui",
        "Perlu revisi",
        "Belum diunggah",
        "Terlambat",
        "Belum ditandatangani Kepala",
        "Peta risiko belum memuat risiko gratifikasi",
        "Temuan dan tindak lanjut",
        "Halaman 2 dari",
    ]:
        assert expected in text, expected
    assert "butir disetujui (1 dari 20)" in text
    assert "Narasi dampak" not in text  # annual only
    assert "Implementasi & Penilaian" not in text  # TW II is not in the TW I report


def test_annual_report_has_trend_and_narratives(data):
    text = pdf_text(reports.build_pdf(plan=data["plan"], quarter=None, today=date(2026, 12, 31)))
    assert "Laporan Tahunan 2026" in text and "Tren per triwulan" in text
    assert "Agen perubahan aktif tiap bulan" in text and "Budaya kerja membaik" in text
    assert "Konsolidasi & Dampak" in text
    assert "butir disetujui (1 dari 77)" in text


def test_request_build_store_and_download(client, data, django_capture_on_commit_callbacks):
    users = data["users"]
    client.force_login(users["tpi"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("monev:report_request") + "?tahun=2026", {"jenis": "tw1"})
    assert response.status_code == 302 and len(queued) == 1
    report = Report.objects.get()
    assert (report.kind, report.quarter, report.status) == (ReportKind.QUARTERLY, 1, "queued")
    page = client.get(reverse("monev:reports")).content.decode()
    assert 'data-status="queued"' in page and 'http-equiv="refresh"' in page
    built = reports.report_build(report_id=report.pk)
    assert built.status == ReportStatus.READY and built.attempts == 1
    with default_storage.open(built.file.name, "rb") as fh:
        stored = fh.read()
    assert stored.startswith(b"%PDF-") and hashlib.sha256(stored).hexdigest() == built.sha256
    assert built.params == {
        "year": 2026,
        "quarter": 1,
        "kind": "quarterly",
        "unit": "PUSBANG-APARATUR-KOMDIGI",
    }
    assert Notification.objects.filter(recipient=users["tpi"], kind="report").exists()
    assert reports.report_build(report_id=report.pk) is None  # already ready: nothing twice
    download = client.get(reverse("monev:report_download", args=[report.pk]))
    assert b"".join(download.streaming_content) == stored
    assert download["Content-Disposition"].startswith("attachment;")
    made = timezone.localtime(built.finished_at).strftime("%Y%m%d")
    assert download["Content-Disposition"].endswith(
        f'filename="laporan-monev-triwulan-2026-tw-i-pusbang-aparatur-komdigi-{made}.pdf"'
    )
    assert "Laporan triwulan 2026 TW I" in page
    client.force_login(users["pic.pw"])
    assert client.get(reverse("monev:report_download", args=[report.pk])).status_code == 403
    assert client.get(reverse("monev:reports")).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"), [("kepala", 302), ("ketua", 302), ("tpi", 302), ("pic.mp", 403)]
)
def test_who_may_ask_for_a_report(client, demo, who, status, django_capture_on_commit_callbacks):
    client.force_login(demo["users"][who])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("monev:report_request"), {"jenis": "tahunan"})
    assert response.status_code == status


def test_a_failed_build_says_why_and_leaves_no_file(data, monkeypatch):
    report = Report.objects.create(plan=data["plan"], kind=ReportKind.ANNUAL)

    def broken(**kwargs):
        raise RuntimeError("font hilang")

    monkeypatch.setattr(reports, "build_pdf", broken)
    result = reports.report_build(report_id=report.pk)
    assert result.status == ReportStatus.FAILED and "font hilang" in result.error
    assert not result.file
    assert not default_storage.exists("reports")


def test_builds_whose_heartbeat_stopped_are_reaped_and_never_built_later(data, settings):
    now = timezone.now()
    report = Report.objects.create(
        plan=data["plan"],
        kind=ReportKind.QUARTERLY,
        quarter=1,
        status=ReportStatus.BUILDING,
        started_at=now - timedelta(minutes=10),
        heartbeat_at=now - timedelta(seconds=5),
    )
    assert reports.reports_reap() == 0  # a long build, but its worker still beats
    assert reports.report_build(report_id=report.pk) is None  # someone is building it
    stale = timedelta(seconds=settings.ZI_BUILD_STALE_SECONDS + 1)
    Report.objects.filter(pk=report.pk).update(heartbeat_at=now - stale)
    assert reports.reports_reap() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "Worker berhenti" in report.error
    # The task redelivered after the worker's death builds nothing: the user asks again.
    assert reports.report_build(report_id=report.pk) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and not report.file


def test_queued_reports_no_worker_took_are_reaped_but_not_those_waiting_for_the_broker(
    data, settings
):
    from zi_portal.core.queue import enqueue

    old = timezone.now() - timedelta(minutes=settings.ZI_REPORT_QUEUE_MINUTES + 1)
    lost, waiting, fresh = (
        Report.objects.create(plan=data["plan"], kind=ReportKind.ANNUAL) for _ in range(3)
    )
    Report.objects.filter(pk__in=[lost.pk, waiting.pk]).update(requested_at=old)
    # The broker never took the task of `waiting` (it is still in the outbox).
    enqueue(reports.BUILD_REPORT, waiting.pk)
    assert reports.reports_reap() == 1
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: ReportStatus.FAILED,
        waiting.pk: ReportStatus.QUEUED,
        fresh.pk: ReportStatus.QUEUED,
    }
    assert "Tidak ada worker" in Report.objects.get(pk=lost.pk).error


def test_build_report_command(data, tmp_path):
    out = tmp_path / "tw1.pdf"
    call_command(
        "build_report",
        "--year",
        "2026",
        "--unit",
        UNIT_A,
        "--quarter",
        "1",
        "--output",
        str(out),
        "--today",
        "2026-04-13",
        stderr=io.StringIO(),
    )
    assert out.read_bytes().startswith(b"%PDF-")
    annual = tmp_path / "tahunan.pdf"
    call_command(
        "build_report",
        "--year",
        "2026",
        "--unit",
        UNIT_A,
        "--annual",
        "--output",
        str(annual),
        stderr=io.StringIO(),
    )
    assert "Laporan Tahunan 2026" in pdf_text(annual.read_bytes())


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_build_is_noticed_within_a_minute(demo, tmp_path, settings):
    """A real worker is killed (SIGKILL) while it builds. While it lived, its build beat;
    once the beats stop, the reaper (as beat runs it) fails the report with the reason
    well within a minute. The worker beats every second and a build silent for four
    seconds is dead here, to keep the test short; the defaults (10 s, 40 s, a reaper
    every 15 s) add up to under a minute too."""
    from tests.conftest import require_service
    from tests.core.test_worker import broker_available, start, stop, wait_for

    assert settings.ZI_BUILD_STALE_SECONDS + settings.ZI_REPORT_REAP_SECONDS < 60
    assert settings.ZI_BUILD_HEARTBEAT_SECONDS * 3 < settings.ZI_BUILD_STALE_SECONDS
    settings.ZI_BUILD_STALE_SECONDS = 4
    require_service(broker_available(), "the Celery broker")
    worker = start(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--pool=solo",
            "-n",
            "zi-report@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        tmp_path,
        "worker",
        ZI_REPORT_BUILD_DELAY="60",
        ZI_BUILD_HEARTBEAT_SECONDS="1",
    )
    try:
        report = Report.objects.create(
            plan=demo["plan"],
            kind=ReportKind.QUARTERLY,
            quarter=1,
            requested_by=demo["users"]["tpi"],
        )
        from monev.tasks import build_report

        build_report.delay(report.pk)
        wait_for(
            lambda: Report.objects.get(pk=report.pk).status == ReportStatus.BUILDING,
            60,
            "the worker to start building",
            tmp_path,
        )
        started = Report.objects.get(pk=report.pk).started_at
        wait_for(
            lambda: Report.objects.get(pk=report.pk).heartbeat_at > started,
            20,
            "the build to beat",
            tmp_path,
        )
        assert reports.reports_reap() == 0  # alive: never reaped
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
        killed = time.monotonic()
    finally:
        stop(worker)
    report.refresh_from_db()
    assert report.status == ReportStatus.BUILDING  # the worker died holding it
    while reports.reports_reap() == 0:
        assert time.monotonic() - killed < 60, "the dead build was not noticed in a minute"
        time.sleep(1)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "Worker berhenti" in report.error
    assert reports.report_build(report_id=report.pk) is None  # a redelivery builds nothing


def test_evidence_bundle_through_a_report_and_the_xlsx(client, data):
    import zipfile

    report = Report.objects.create(plan=data["plan"], kind=ReportKind.BUNDLE, quarter=1)
    built = reports.report_build(report_id=report.pk)
    assert built.status == ReportStatus.READY and built.file.name.endswith(".zip")
    with default_storage.open(built.file.name, "rb") as fh:
        raw = fh.read()
    assert hashlib.sha256(raw).hexdigest() == built.sha256
    names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
    assert "manifest.csv" in names and "index.html" in names
    assert any(n.startswith("MP/TW I/") and n.endswith("sk.pdf") for n in names)
    client.force_login(data["users"]["kepala"])
    workbook = client.get(reverse("monev:monev_xlsx") + "?tahun=2026")
    assert workbook.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(workbook.content))
    assert wb.sheetnames[:2] == ["Status Butir", "Temuan"]
    assert wb["Status Butir"].max_row == 78
