"""The ministry's pages in a real Chromium: the administrator creates a unit and starts
its year from the demo unit's plan by keyboard and mouse; the Inspektorat assessor, in
two units, switches unit from the header and opens the recap, which fits a phone.
Screenshots go to /tmp/shots-ministry/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lke import services
from tests.multiunit import UNIT_B
from workplan.models import Unit, WorkPlan
from zi_portal.accounts.models import User
from zi_portal.accounts.roles import Role
from zi_portal.accounts.units import membership_add

from .conftest import DEMO_PASSWORD, LOGIN_PATH, PHONE, login

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-ministry")  # noqa: S108 - screenshots for a person to look at


def test_admin_creates_a_unit_and_starts_its_year(page: Page, live_server, live_demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url + LOGIN_PATH)
    page.locator("#id_login").fill("admin.kementerian@example.org")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page.get_by_role("heading", name="Unit kerja", exact=True)).to_be_visible()
    page.get_by_label("Kode unit").fill("bbpsdmp-medan")
    page.get_by_label("Nama unit").fill("Balai Besar Pengembangan SDM dan Penelitian Medan")
    page.get_by_label("Nama singkat").fill("BBPSDMP Medan")
    page.get_by_label("E-mail Kepala unit").fill("kepala@medan.example.org")
    page.get_by_label("Nama Kepala unit").fill("Kepala Balai Medan")
    page.get_by_label("E-mail Ketua Tim ZI").fill("ketua@medan.example.org")
    page.get_by_label("Nama Ketua Tim ZI").fill("Ketua Tim ZI Medan")
    page.screenshot(path=SHOTS / "units-laptop.png", full_page=True)
    page.get_by_label("Nama Ketua Tim ZI").press("Enter")
    expect(page.get_by_role("heading", name="Mulai tahun program")).to_be_visible()
    page.locator("#id_year").fill("2027")
    page.get_by_label("Pakai rencana kerja unit lain sebagai templat").check()
    page.get_by_label("Rencana kerja templat").select_option(
        label="2026 · Pusbang Aparatur Komdigi"
    )
    page.get_by_label("E-mail PIC PW").fill("pic.pw@medan.example.org")
    page.get_by_label("Nama PIC PW").fill("PIC Pengawasan Medan")
    page.screenshot(path=SHOTS / "year-start-laptop.png", full_page=True)
    page.get_by_role("button", name="Buat rencana kerja").click()
    expect(page.get_by_text("Rencana kerja 2027 BBPSDMP Medan dibuat")).to_be_visible()
    row = page.locator("tr", has_text="BBPSDMP Medan")
    expect(row).to_contain_text("2027")
    expect(row).to_contain_text("Ketua Tim ZI Medan")
    assert WorkPlan.objects.filter(unit__code="BBPSDMP-MEDAN", year=2027).exists()


def test_assessor_switches_unit_and_reads_the_recap(page: Page, live_server, live_demo, browser):
    services.master_ensure()
    assessor = User.objects.get(email="inspektorat@example.org")
    membership_add(user=assessor, unit=Unit.objects.get(code=UNIT_B), role=Role.TPI)
    login(page, live_server, "inspektorat@example.org")
    page.goto(f"{live_server.url}/rencana/2026/")
    switch = page.get_by_label("Unit kerja")
    expect(switch).to_have_value(str(assessor.unit_id))
    switch.select_option(label="Unit Uji B")  # submits itself (nav.js)
    expect(page.get_by_text("Sekarang Anda bekerja di Unit Uji B")).to_be_visible()
    page.get_by_role("link", name="Rekapitulasi").click()
    expect(page.get_by_role("heading", name="Rekapitulasi unit")).to_be_visible()
    expect(page.locator("tr[data-unit]")).to_have_count(2)
    page.screenshot(path=SHOTS / "recap-laptop.png", full_page=True)
    # "Buka LKE" on the demo unit's row switches to it and opens its LKE.
    page.locator("tr[data-unit=PUSBANG-APARATUR-KOMDIGI]").get_by_role("button").click()
    expect(page.get_by_role("heading", name="Lembar Kerja Evaluasi ZI")).to_be_visible()
    expect(page.get_by_text("Sekarang Anda bekerja di Pusat Pengembangan")).to_be_visible()

    phone = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True)
    phone.add_cookies(page.context.cookies())
    small = phone.new_page()
    small.goto(f"{live_server.url}/kementerian/rekap/2026/")
    expect(small.get_by_role("heading", name="Rekapitulasi unit")).to_be_visible()
    small.screenshot(path=SHOTS / "recap-phone.png", full_page=True)
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    phone.close()
