"""The search box in a real Chromium: typed into the header and sent with Enter, the
results page at office and phone widths (screenshots in the test's temp folder)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def shoot(page, tmp_path, name: str) -> None:
    folder = os.environ.get("ZI_SCREENSHOTS") or str(tmp_path)
    page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_search_from_the_header_with_the_keyboard(page, live_server, live_demo, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "pic.pw@example.org")
    box = page.get_by_role("searchbox", name="Cari di portal")
    box.focus()
    page.keyboard.type("laporan monitoring")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cari/?q=laporan+monitoring&tahun=2026")
    expect(page.get_by_role("heading", name="Pencarian", exact=True)).to_be_visible()
    items = page.locator('section[data-kind="items"]')
    expect(items.locator("mark").first).to_have_text("Laporan")
    expect(page.locator("#id_q")).to_have_value("laporan monitoring")
    shoot(page, tmp_path, "search-1366.png")
    page.goto(live_server.url + "/cari/?q=a")
    expect(page.get_by_role("alert")).to_contain_text("Kata kunci terlalu pendek")


def test_search_on_a_phone(phone_page, live_server, live_demo, tmp_path):
    page = phone_page
    login(page, live_server, "ketua@example.org")
    page.goto(live_server.url + "/cari/")
    expect(page.get_by_role("heading", name="Apa yang dapat dicari?")).to_be_visible()
    shoot(page, tmp_path, "search-empty-390.png")
    page.get_by_label("Kata kunci").fill("gratifikasi")
    page.get_by_role("button", name="Cari", exact=True).last.click()
    expect(page.locator('section[data-kind="items"]')).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    shoot(page, tmp_path, "search-390.png")
