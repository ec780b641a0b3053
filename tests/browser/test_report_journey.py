"""The TPI asks for the TW I report in the browser, a real Celery worker builds it, the
page shows it ready and the download is a PDF."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.conftest import require_service
from tests.core.test_worker import broker_available, start, stop

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def test_tpi_requests_and_downloads_the_tw1_report(
    page, live_demo, live_server, tmp_path, media_storage
):
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
        ZI_TEST_MEDIA_ROOT=media_storage["OPTIONS"]["location"],
    )
    try:
        login(page, live_server, "tpi@example.org")
        page.get_by_role("navigation", name="Menu utama").get_by_role(
            "link", name="Laporan"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Laporan monitoring dan evaluasi")
        page.select_option("#id_jenis", "tw1")
        page.get_by_role("button", name="Susun").click()
        expect(page.locator(".messages")).to_contain_text("dimasukkan ke antrean")
        row = page.locator("#report-table tbody tr").first
        expect(row).to_contain_text("Laporan triwulan 2026 TW I")
        # The page refreshes itself every 3 s while the report is queued or building.
        expect(row).to_have_attribute("data-status", "ready", timeout=90_000)
        expect(row).to_contain_text("Siap diunduh")
        with page.expect_download() as info:
            row.get_by_role("link", name="Unduh").click()
        download = info.value
        assert re.match(
            r"laporan-monev-triwulan-2026-tw-i-[a-z0-9-]+-\d{8}\.pdf$", download.suggested_filename
        )
        with open(download.path(), "rb") as fh:
            assert fh.read(5) == b"%PDF-"
        page.screenshot(path=str(tmp_path / "reports.png"), full_page=True)
    finally:
        stop(worker)
