"""What people do in the portal, in a real Chromium: sign in, find their cells in the
commitment matrix, use it by keyboard and on a phone, switch the language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import LOGIN_PATH, MATRIX_PATH, login

pytestmark = pytest.mark.browser

QUARTERS = ["TW I", "TW II", "TW III", "TW IV"]
PIC_NAMES = [
    "Annisa Nurul Aini Firdaus",
    "Isnaldi",
    "Johny Aryo Permadi",
    "Herri Triansyah",
    "Irene Septine",
    "Aji Digda Aguna",
]
# allauth's Indonesian message for a wrong e-mail/password pair.
WRONG_PASSWORD_MESSAGE = "Alamat e-mail dan/atau kata sandi yang Anda masukkan tidak benar."


def exact(text: str) -> re.Pattern[str]:
    """Match ``text`` as the whole (whitespace-trimmed) content of an element."""
    return re.compile(r"^\s*" + re.escape(text) + r"\s*$")


def tab_until(page: Page, target: Locator, max_presses: int = 15) -> list[str]:
    """Press Tab until ``target`` has focus; return what had focus along the way."""
    seen: list[str] = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id || e.className || e.tagName.toLowerCase(); }"
            )
        )
        if target.evaluate("el => el === document.activeElement"):
            return seen
    raise AssertionError(f"{target} not reached with {max_presses} × Tab; focus went {seen}")


def test_pic_finds_own_cells_in_matrix(live_demo, live_server, page: Page, tmp_path):
    login(page, live_server, "pic.pw@example.org")
    expect(page.locator(".who-name")).to_have_text("Irene Septine")

    nav = page.get_by_role("navigation", name="Menu utama")
    nav.get_by_role("link", name="Matriks Komitmen").click()
    expect(page).to_have_url(live_server.url + MATRIX_PATH)
    expect(nav.get_by_role("link", name="Matriks Komitmen")).to_have_attribute(
        "aria-current", "page"
    )

    rows = page.locator("tr.cell-row")
    mine = page.locator("tr.cell-row.is-mine")
    expect(rows).to_have_count(24)
    expect(mine).to_have_count(4)
    expected_cells = [f"{q} PW" for q in QUARTERS]
    assert [r.get_attribute("data-cell") for r in mine.all()] == expected_cells
    for row in mine.all():
        expect(row.locator(".badge-mine")).to_have_text("Sel Anda")
        expect(row.locator(".badge-mine")).to_be_visible()
        expect(row.locator("td.c-pic")).to_have_text("Irene Septine")
    expect(page.locator("tr.cell-row:not(.is-mine) .badge-mine")).to_have_count(0)
    expect(page.locator(".mine-note")).to_contain_text("4 sel menjadi tanggung jawab Anda.")
    page.screenshot(path=tmp_path / "matrix-pic-desktop.png")
    mine.first.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "matrix-pic-desktop-own-row.png")

    page.get_by_role("link", name="Tampilkan hanya sel saya").click()
    expect(page).to_have_url(live_server.url + MATRIX_PATH + "?milik=saya")
    expect(rows).to_have_count(4)
    expect(mine).to_have_count(4)
    assert [r.get_attribute("data-cell") for r in rows.all()] == expected_cells
    expect(page.get_by_role("link", name="Tampilkan semua sel")).to_be_visible()
    page.screenshot(path=tmp_path / "matrix-pic-desktop-only-mine.png", full_page=True)


def test_kepala_sees_whole_matrix_in_indonesian(live_demo, live_server, page: Page, tmp_path):
    login(page, live_server, "kepala@example.org")
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Matriks Komitmen"
    ).click()
    expect(page).to_have_url(live_server.url + MATRIX_PATH)

    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Matriks Komitmen Rencana Kerja ZI")
    expect(page.locator(".who-name")).to_have_text("Noor Iza")
    expect(page.locator(".who-role")).to_have_text("Kepala Pusbang")

    expect(page.locator("tr.cell-row")).to_have_count(24)
    expect(page.locator("tr.cell-row.is-mine")).to_have_count(0)
    expect(page.get_by_text("Sel Anda")).to_have_count(0)
    expect(page.locator(".mine-note")).to_have_count(0)
    expect(page.get_by_role("link", name="Tampilkan hanya sel saya")).to_have_count(0)

    for number, label in enumerate(QUARTERS, start=1):
        quarter = page.locator(f"#tw-{number} th.q-label")
        expect(quarter).to_be_visible()
        expect(quarter).to_contain_text(re.compile(r"^\s*" + label + r"\s*Batas"))
    for name in PIC_NAMES:
        pic_cells = page.locator("td.c-pic").filter(has_text=exact(name))
        expect(pic_cells).to_have_count(4)
        expect(pic_cells.first).to_be_visible()

    page.screenshot(path=tmp_path / "matrix-kepala-desktop.png")
    page.screenshot(path=tmp_path / "matrix-kepala-desktop-full.png", full_page=True)
    page.locator("#tw-3").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "matrix-kepala-desktop-scrolled.png")


def test_sign_in_by_keyboard(live_demo, live_server, page: Page):
    page.goto(live_server.url + LOGIN_PATH)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).to_be_focused()
    box = skip.bounding_box()  # off-screen until focused, then on the page
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, box

    email = page.locator("#id_login")
    password = page.locator("#id_password")
    submit = page.get_by_role("button", name="Masuk")
    tab_until(page, email)
    page.keyboard.type("kepala@example.org")
    tab_until(page, password, max_presses=1)
    page.keyboard.type("zi-demo-2026")
    tab_until(page, submit, max_presses=3)  # past the "remember me" box, if shown
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/dasbor/")  # the Kepala lands on the dashboard
    expect(page.locator(".who-name")).to_have_text("Noor Iza")


def test_skip_link_jumps_to_content(live_demo, live_server, page: Page):
    page.goto(live_server.url + LOGIN_PATH)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Langsung ke isi")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_login")).to_be_focused()


def test_matrix_on_phone_is_cards_without_horizontal_scroll(
    live_demo, live_server, phone_page: Page, tmp_path
):
    page = phone_page
    login(page, live_server, "kepala@example.org")
    page.goto(live_server.url + MATRIX_PATH)

    rows = page.locator("tr.cell-row")
    expect(rows).to_have_count(24)
    expect(page.locator("table.matrix thead")).to_be_hidden()
    first = rows.first
    expect(first).to_be_visible()
    assert first.evaluate("el => getComputedStyle(el).display") == "block"
    expect(first.locator(".mobile-q")).to_be_visible()
    expect(first.locator(".mobile-q")).to_contain_text("TW I")
    box = first.bounding_box()
    assert box is not None and box["width"] <= 390

    scroll = page.evaluate(
        "() => ({sw: document.documentElement.scrollWidth,"
        " cw: document.documentElement.clientWidth})"
    )
    assert scroll["sw"] <= scroll["cw"] + 1, f"horizontal scroll on a phone: {scroll}"

    page.screenshot(path=tmp_path / "matrix-kepala-phone.png")
    page.locator("#sel-4-pp").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "matrix-kepala-phone-last-card.png")


def test_wrong_password_shows_indonesian_error(live_demo, live_server, page: Page, tmp_path):
    page.goto(live_server.url + LOGIN_PATH)
    page.locator("#id_login").fill("kepala@example.org")
    page.locator("#id_password").fill("salah-sandi")
    page.get_by_role("button", name="Masuk").click()

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_have_text(exact(WRONG_PASSWORD_MESSAGE))
    expect(page).to_have_url(live_server.url + LOGIN_PATH)
    expect(page.locator("#id_login")).to_have_value("kepala@example.org")
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.get_by_role("navigation", name="Menu utama")).to_have_count(0)
    expect(page.locator(".who-name")).to_have_count(0)
    page.screenshot(path=tmp_path / "login-wrong-password.png")

    # Still signed out: the plan sends the visitor back to the sign-in page.
    page.goto(live_server.url + MATRIX_PATH)
    expect(page).to_have_url(re.compile(re.escape(live_server.url + LOGIN_PATH)))


def test_language_switch_round_trip(live_demo, live_server, page: Page):
    login(page, live_server, "kepala@example.org")
    page.goto(live_server.url + MATRIX_PATH)
    html = page.locator("html")
    select = page.locator("#lang-select")
    expect(html).to_have_attribute("lang", "id")
    expect(select).to_have_value("id")

    select.select_option("en")
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server.url + MATRIX_PATH)
    expect(select).to_have_value("en")
    expect(page.locator("tr.cell-row")).to_have_count(24)

    select.select_option("id")
    expect(html).to_have_attribute("lang", "id")
    expect(page).to_have_url(live_server.url + MATRIX_PATH)
    expect(select).to_have_value("id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Matriks Komitmen Rencana Kerja ZI")
