"""The evaluation journey in a real Chromium: the Inspektorat assessor opens the recap,
opens a unit's LKE from it, sends a question back with a note; the unit's PIC finds it
in Tugas saya and answers it; the assessor sees the answer and confirms the question;
as the lead, they build the LHE, which the worker makes and they download.
Screenshots go to /tmp/shots-evaluation/ for a person to look at."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from evaluation import services as evaluation_services
from evaluation.models import Round
from lke import services
from lke.models import LkeQuestion
from monev import reports
from monev.choices import ReportKind, ReportStatus
from monev.models import Report
from tests.multiunit import UNIT_B
from workplan.models import Unit
from zi_portal.accounts.models import User

from .conftest import PHONE, login

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-evaluation")  # noqa: S108 - screenshots for a person to look at
YEAR = 2026


def test_send_back_answer_confirm(page: Page, live_server, live_demo, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    services.master_ensure()
    unit = Unit.objects.get(code=UNIT_B)
    assessor = User.objects.get(email="inspektorat@example.org")
    evaluation_services.assessor_assign(
        admin=User.objects.get(email="admin.kementerian@example.org"),
        unit=unit, year=YEAR, assessor=assessor, is_lead=True,
    )  # fmt: skip
    question = LkeQuestion.objects.filter(master__year=YEAR, area_code="PW").order_by("order")[0]
    soal = question.soal_id

    login(page, live_server, "inspektorat@example.org")
    page.get_by_role("link", name="Rekapitulasi").click()
    page.locator(f"tr[data-unit={UNIT_B}]").get_by_role("button", name="Buka LKE").click()
    expect(page.get_by_text("Sekarang Anda bekerja di Unit Uji B")).to_be_visible()
    page.get_by_role("link", name="Evaluasi TPI").first.click()
    page.screenshot(path=SHOTS / "overview.png", full_page=True)
    page.get_by_role("link", name="PW · Penguatan Pengawasan").click()
    card = page.locator(f"#soal-{soal}")
    card.get_by_label("Kirim balik", exact=True).check()
    card.get_by_label("Catatan (wajib untuk kirim balik)").fill(
        "Lampirkan notulen rapat pengendalian gratifikasi."
    )
    card.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_text(f"Soal {soal} dikirim balik ke unit (putaran 1)")).to_be_visible()
    page.screenshot(path=SHOTS / "assessor-sent-back.png", full_page=False)

    pic = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True)
    pic_page = pic.new_page()
    login(pic_page, live_server, "pic.pw@unit-b.test")
    pic_page.goto(f"{live_server.url}/tugas/?tahun={YEAR}")
    waiting = pic_page.get_by_test_id("sent-back")
    expect(waiting).to_contain_text("notulen rapat pengendalian gratifikasi")
    pic_page.screenshot(path=SHOTS / "pic-tasks-phone.png", full_page=True)
    waiting.get_by_role("link").first.click()
    answer = pic_page.locator(f"#soal-{soal}")
    answer.get_by_label("Jawaban untuk asesor").fill("Notulen diunggah pada butir PW TW II.")
    answer.get_by_role("button", name="Kirim ke asesor").click()
    expect(pic_page.get_by_text(f"Jawaban untuk soal {soal} dikirim ke asesor")).to_be_visible()
    pic_page.screenshot(path=SHOTS / "pic-answered-phone.png", full_page=False)
    pic.close()

    page.goto(f"{live_server.url}/notifikasi/")
    expect(page.get_by_text(f"Unit menjawab kiriman balik soal {soal}")).to_be_visible()
    page.goto(f"{live_server.url}/evaluasi/{YEAR}/PW/#soal-{soal}")
    card = page.locator(f"#soal-{soal}")
    expect(card).to_contain_text("Notulen diunggah pada butir PW TW II.")
    card.get_by_label("Sesuai", exact=True).check()
    card.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_text(f"Soal {soal} dinyatakan sesuai (putaran 2)")).to_be_visible()
    card = page.locator(f"#soal-{soal}")
    expect(card).to_have_attribute("data-state", "sesuai")
    card.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "assessor-confirmed.png", full_page=False)
    assert list(
        Round.objects.filter(unit=unit, question=question).values_list("number", "decision")
    ) == [(1, "kirim_balik"), (2, "sesuai")]

    # The lead builds the LHE: queued from the overview, built by the worker, downloaded.
    page.goto(f"{live_server.url}/evaluasi/{YEAR}/")
    page.get_by_role("button", name="Susun LHE (PDF)").click()
    expect(page.get_by_text("dimasukkan ke antrean")).to_be_visible()
    report = Report.objects.get(kind=ReportKind.LHE, plan__unit=unit)
    assert reports.report_build(report_id=report.pk).status == ReportStatus.READY  # the worker
    page.reload()
    row = page.locator(f"#laporan-{report.pk}")
    expect(row).to_have_attribute("data-status", "ready")
    page.screenshot(path=SHOTS / "lhe-ready.png", full_page=False)
    href = row.get_by_role("link", name="Unduh").get_attribute("href")
    pdf = page.context.request.get(live_server.url + href).body()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Laporan Hasil Evaluasi" in text and "Unit Uji B" in text
    assert "Asesor Inspektorat (demo)" in text
