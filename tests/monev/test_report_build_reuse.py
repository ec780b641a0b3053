"""A report build reuses what its worker loaded once (issue 15): WeasyPrint is loaded when
a Celery pool process starts, in the background, never by a web process; every build
still prints the data of its own moment."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from datetime import date

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from monev import pdf, reports
from monev.choices import ReportKind, ReportStatus
from monev.models import AreaNarrative, Report
from tests.monev.test_reports import pdf_text
from workplan.models import ChangeArea

PROBE = """
import sys, threading
import django
django.setup()
from zi_portal.celery import app
app.loader.import_default_modules()  # what a worker does: every app's tasks module
print("web", "weasyprint" in sys.modules)
from celery.signals import worker_process_init
worker_process_init.send(sender="probe")
for thread in threading.enumerate():
    if thread.name == "zi-pdf-warm-up":
        thread.join()
import gc
print("pool", "weasyprint" in sys.modules, "frozen", gc.get_freeze_count() > 10000)
"""


def probe(**env: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "zi_portal.settings.test", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def test_a_pool_process_loads_weasyprint_as_it_starts_and_a_web_process_never():
    """And the pool process's start-up objects are frozen out of the garbage collector's
    full collections."""
    assert probe().split() == ["web", "False", "pool", "True", "frozen", "True"]


def test_the_warm_up_renders_a_real_pdf_and_builds_after_it_render_theirs(demo):
    assert pdf.warm_up() >= 0
    started = pdf.warm_up_in_background()
    started.join(timeout=60)
    gc.unfreeze()  # the test process is no pool process: let its objects be collected
    assert not started.is_alive()
    text = pdf_text(reports.build_pdf(plan=demo["plan"], quarter=None, today=date(2026, 12, 31)))
    assert "Laporan Monitoring dan Evaluasi" in text


def test_each_build_prints_the_data_of_its_moment(demo):
    """Nothing of a build outlives it: a narrative changed between two builds of the same
    process is in the second PDF, the old one is not."""
    area = ChangeArea.objects.get(code="MP")
    narrative = AreaNarrative.objects.create(
        plan=demo["plan"], area=area, good_practice="Apel pagi bersama", impact="Lebih tertib"
    )
    first = pdf_text(reports.build_pdf(plan=demo["plan"], quarter=None))
    narrative.good_practice = "Survei kepuasan tiap bulan"
    narrative.save()
    second = pdf_text(reports.build_pdf(plan=demo["plan"], quarter=None))
    assert "Apel pagi bersama" in first
    assert "Survei kepuasan tiap bulan" in second
    assert "Apel pagi bersama" not in second


def test_renders_in_two_threads_take_turns_and_both_succeed():
    results: list[bytes] = []

    def render() -> None:
        results.append(pdf.html_to_pdf(pdf.WARM_UP_HTML, base_url="."))

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    assert all(r.startswith(b"%PDF-") and "Laporan" in pdf_text(r) for r in results)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_is_warm_before_its_first_build_and_builds_it(demo, tmp_path):
    from tests.conftest import require_service
    from tests.core.test_worker import broker_available, start, stop, wait_for

    require_service(broker_available(), "the Celery broker")
    worker = start(
        ["worker", "--loglevel=INFO", "--pool=solo", "-n", "zi-warm@%h"]
        + ["--without-gossip", "--without-mingle"],
        tmp_path,
        "worker",
        ZI_TEST_MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    try:
        log = tmp_path / "worker.log"
        wait_for(lambda: "PDF renderer loaded" in log.read_text(), 120, "the warm-up", tmp_path)
        report = Report.objects.create(
            plan=demo["plan"], kind=ReportKind.ANNUAL, requested_by=demo["users"]["kepala"]
        )
        from monev.tasks import build_report

        build_report.delay(report.pk)
        wait_for(
            lambda: Report.objects.get(pk=report.pk).status == ReportStatus.READY,
            120,
            "the report",
            tmp_path,
        )
    finally:
        stop(worker)
    report.refresh_from_db()
    with default_storage.open(report.file.name) as fh:
        assert "Laporan Tahunan 2026" in pdf_text(fh.read())
