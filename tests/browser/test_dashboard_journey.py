"""The leadership dashboard in a real Chromium: an upload approved by the TPI shows up
in the Kepala's heat map, year figure and activity feed; a realisation recorded by the
area's PIC shows up on the activity plan and on the dashboard's Gantt; and the
dashboard fits a phone without sideways scrolling."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests.evidence import samples

from .conftest import LOGIN_PATH, MATRIX_PATH, PHONE, login, upload_ready

pytestmark = pytest.mark.browser

DASHBOARD_PATH = "/dasbor/"
ACTIVITIES_PATH = "/rencana/2026/kegiatan/"
KEPALA = "kepala@example.org"
TPI = "tpi@example.org"
PIC_MP = "pic.mp@example.org"
PIC_PW = "pic.pw@example.org"
PIC_TL = "pic.tl@example.org"
# A day in TW II 2026: TW I is past its grace period (its cells with missing items are
# overdue), April is over and May is the current month, whatever the wall clock says.
TODAY = date(2026, 5, 11)
ITEM_CELL = "TW I MP"
ITEM_TEXT = "Dokumen SK Tim Internal Pembangunan ZI"  # item 1 of 6 in TW I MP
TOTAL_ITEMS = 77
ACTIVITY = "Penerapan pengendalian gratifikasi"  # PW activity 2, planned April–December
REALISATION_LABEL = "Catat realisasi kegiatan 2 PW"
REALISATION_NOTE = "Sosialisasi gratifikasi baru untuk dua bidang"

_real_localdate = timezone.localdate


def _pinned_localdate(value=None, timezone=None):
    """Today is ``TODAY``; converting a given datetime works as before."""
    if value is None:
        return TODAY
    return _real_localdate(value, timezone)


@pytest.fixture
def pinned_today(monkeypatch):
    """Pin "today" for every view (dashboard, activity plan, tasks, current plan).

    ``monev.views.dashboard`` imports ``django.utils.timezone`` inside the function, so
    the module attribute itself is patched; the live server is a thread of this
    process, so the patch reaches it, and monkeypatch undoes it after the test."""
    monkeypatch.setattr(timezone, "localdate", _pinned_localdate)
    return TODAY


def exact(text: str) -> re.Pattern[str]:
    return re.compile(r"^\s*" + re.escape(text) + r"\s*$")


def url_is(live_server, path: str) -> re.Pattern[str]:
    return re.compile(re.escape(live_server.url + path) + r"$")


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Menu utama")


def sign_out(page: Page, live_server) -> None:
    page.locator(".topbar").get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url + LOGIN_PATH)))
    expect(page.locator(".who-name")).to_have_count(0)


def open_dashboard(page: Page, live_server) -> None:
    """Open "Dasbor" from the main menu, as the Kepala would."""
    link = nav(page).get_by_role("link", name="Dasbor", exact=True)
    link.click()
    expect(page).to_have_url(url_is(live_server, DASHBOARD_PATH))
    expect(link).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor Zona Integritas")
    # The pinned day reaches the dashboard.
    expect(page.locator(".page-head .eyebrow")).to_contain_text("per 11 Mei 2026")


def heat_cell(page: Page, cell: str) -> Locator:
    return page.locator(f'#heat-map td[data-cell="{cell}"]')


def gantt_square(row: Locator, month: int) -> Locator:
    return row.locator(f'td[data-month="{month}"]')


def activity_pk(demo, area: str, number: int) -> int:
    return demo["plan"].pokjas.get(area__code=area).activities.get(number=number).pk


def symbol(square: Locator) -> Locator:
    return square.locator('span[aria-hidden="true"]')


# What widens the page: an element whose right edge passes the viewport and which no
# scroll container clips. An absolutely positioned element is clipped only by a
# scroller that holds its containing block, so the walk follows offsetParent for it.
PAGE_WIDTH_JS = r"""() => {
  const root = document.documentElement, cw = root.clientWidth;
  const scrolls = (el) => el !== document.body && el !== root
    && getComputedStyle(el).overflowX !== "visible";
  const clipped = (el) => {
    for (let node = el; node && node !== document.body; ) {
      const position = getComputedStyle(node).position;
      if (position === "fixed") return false;
      const up = position === "absolute" ? node.offsetParent : node.parentElement;
      if (up && scrolls(up)) return true;
      node = up;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim()
       ? "." + el.className.trim().split(/\s+/).join(".") : "")
    + " in " + el.parentElement.tagName.toLowerCase()
    + (el.parentElement.className ? "." + el.parentElement.className.split(/\s+/)[0] : "");
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right <= cw + 1 || clipped(el)) continue;
    if (out.some((o) => o.el.contains(el))) continue;
    out.push({el, right: Math.round(r.right)});
  }
  return {
    sw: root.scrollWidth,
    cw,
    widest: [...new Set(out.sort((a, b) => b.right - a.right)
      .map((o) => `${name(o.el)} → ${o.right}px`))].slice(0, 5),
    count: out.length,
  };
}"""


def page_width(page: Page) -> dict:
    """The page's scroll and client width, with the elements that stick out past it."""
    return page.evaluate(PAGE_WIDTH_JS)


def test_heat_map_counts_an_approved_upload(
    live_demo, live_server, pinned_today, page: Page, tmp_path
):
    cell = heat_cell(page, ITEM_CELL)
    count = cell.locator("strong.heat-count")

    # 1. Before anything is uploaded: 4 quarters × 6 areas, nothing approved.
    login(page, live_server, KEPALA)
    expect(page.locator(".who-name")).to_have_text("Noor Iza")
    open_dashboard(page, live_server)
    expect(page.locator("#heat-map td[data-cell]")).to_have_count(24)
    expect(page.locator("#heat-map tbody th[scope=row]")).to_have_count(4)
    expect(count).to_have_text("0/6")
    expect(cell).to_have_attribute("data-state", "overdue")  # TW I ended with 6 missing
    expect(cell.locator(".heat-detail")).to_have_text(exact("6 belum · 0 reviu · 0 revisi"))
    expect(page.get_by_test_id("year-percent")).to_have_text("0%")
    expect(page.locator(".stats")).to_contain_text(f"(0/{TOTAL_ITEMS} butir disetujui)")
    expect(page.locator("#feed-h + p")).to_have_text("Belum ada aktivitas.")
    sign_out(page, live_server)

    # 2. The MP PIC uploads a PDF for item 1 of TW I MP, found in the matrix.
    login(page, live_server, PIC_MP)
    expect(page.locator(".who-name")).to_have_text("Annisa Nurul Aini Firdaus")
    nav(page).get_by_role("link", name="Matriks Komitmen").click()
    expect(page).to_have_url(live_server.url + MATRIX_PATH)
    row = page.locator(f'tr.cell-row[data-cell="{ITEM_CELL}"]')
    expect(row).to_have_class(re.compile(r"\bis-mine\b"))
    row.get_by_role("link", name=ITEM_TEXT, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/butir/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"1. {ITEM_TEXT}")
    status = page.locator(".item-status .badge")
    expect(status).to_have_text("Belum diunggah")
    pdf = tmp_path / "sk-tim-internal-zi.pdf"
    pdf.write_bytes(samples.pdf("SK Tim Internal Pembangunan ZI 2026"))
    upload = page.locator("#unggah form.upload-form")
    page.set_input_files("#id_file", pdf)
    upload_ready(page)
    # Every file succeeded, so the page reloads by itself.
    with page.expect_navigation():
        upload.get_by_role("button", name="Unggah", exact=True).click()
    versions = page.locator("#versi article.version")
    expect(versions).to_have_count(1)
    expect(versions.first.locator(".vname")).to_have_text(pdf.name)
    expect(status).to_have_text("Menunggu reviu")
    sign_out(page, live_server)

    # 3. The TPI approves it from the review queue.
    login(page, live_server, TPI)
    nav(page).get_by_role("link", name="Antrean reviu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean reviu")
    queue = page.locator("section.queue-item")
    expect(queue).to_have_count(1)
    expect(queue.locator(".queue-title")).to_have_text(f"1. {ITEM_TEXT}")
    expect(queue.locator(".eyebrow")).to_contain_text("TW I")
    queue.get_by_role("button", name="Setujui").click()
    expect(page.locator(".messages")).to_contain_text("Berkas 1: Disetujui.")
    expect(queue).to_have_count(0)
    sign_out(page, live_server)

    # 4. The Kepala's dashboard counts it.
    login(page, live_server, KEPALA)
    open_dashboard(page, live_server)
    expect(page.locator("#heat-map td[data-cell]")).to_have_count(24)
    expect(count).to_have_text("1/6")
    expect(cell).to_have_attribute("data-state", "overdue")  # five are still missing
    expect(cell.locator(".heat-detail")).to_have_text(exact("5 belum · 0 reviu · 0 revisi"))
    expect(heat_cell(page, "TW I PW").locator("strong.heat-count")).to_have_text(
        re.compile(r"^0/\d+$")
    )
    expect(page.get_by_test_id("year-percent")).to_have_text("1%")  # round(100 × 1/77)
    expect(page.locator(".stats")).to_contain_text(f"(1/{TOTAL_ITEMS} butir disetujui)")
    feed = page.locator("ul.feed > li")
    expect(feed).to_have_count(2)
    expect(feed.first).to_contain_text("Asesor TPI (demo)")
    expect(feed.first).to_contain_text("menyetujui")
    expect(feed.first).to_contain_text(f"Berkas 1 · {ITEM_CELL} – {ITEM_TEXT}")
    expect(feed.nth(1)).to_contain_text("Annisa Nurul Aini Firdaus")
    expect(feed.nth(1)).to_contain_text("mengunggah")
    width = page_width(page)
    assert width["sw"] <= width["cw"] + 1, f"horizontal scroll on the desktop: {width}"
    page.screenshot(path=tmp_path / "dashboard-desktop.png", full_page=True)

    # 5. The heat-map cell leads to that cell in the commitment matrix.
    cell.get_by_role("link").click()
    expect(page).to_have_url(live_server.url + MATRIX_PATH + "#sel-1-mp")
    target = page.locator("#sel-1-mp")
    expect(target).to_have_attribute("data-cell", ITEM_CELL)
    expect(target).to_be_in_viewport()


def test_realisation_shows_on_activity_plan_and_gantt(
    live_demo, live_server, pinned_today, page: Page, tmp_path
):
    # 1. The PW PIC records that May's activity 2 took place in part.
    login(page, live_server, PIC_PW)
    nav(page).get_by_role("link", name="Rencana Kegiatan").click()
    expect(page).to_have_url(url_is(live_server, ACTIVITIES_PATH))
    row = page.locator("#area-PW tbody tr").filter(
        has=page.get_by_role("rowheader", name=ACTIVITY, exact=True)
    )
    expect(row).to_have_count(1)
    expect(gantt_square(row, 4)).to_have_attribute("data-state", "late")  # April is over
    expect(gantt_square(row, 5)).to_have_attribute("data-state", "planned")
    expect(gantt_square(row, 3)).to_have_attribute("data-state", "")  # not planned
    row.get_by_role("link", name=REALISATION_LABEL).click()
    expect(page).to_have_url(
        re.compile(re.escape(live_server.url + ACTIVITIES_PATH) + r"\d+/realisasi/$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Catat realisasi: 2. {ACTIVITY}")
    month = page.get_by_label("Bulan")
    may = month.locator("option", has_text="Mei")
    expect(may).to_have_text("Mei · direncanakan")
    month.select_option(may.get_attribute("value"))
    expect(month).to_have_value("5")
    page.get_by_label("Sebagian").check()
    page.get_by_label("Catatan singkat").fill(REALISATION_NOTE)
    page.get_by_role("button", name="Simpan").click()

    # 2. Back on the activity plan, at the PW section, May is half done.
    expect(page).to_have_url(url_is(live_server, ACTIVITIES_PATH + "#area-PW"))
    expect(page.locator(".messages")).to_contain_text("Realisasi kegiatan 2 PW disimpan.")
    may_square = gantt_square(row, 5)
    expect(may_square).to_have_attribute("data-state", "partial")
    expect(may_square).to_have_class(re.compile(r"\bgs-partial\b"))
    expect(symbol(may_square)).to_have_text("◐")
    expect(gantt_square(row, 4)).to_have_attribute("data-state", "late")
    expect(gantt_square(row, 6)).to_have_attribute("data-state", "planned")
    # The form remembers what was recorded for May.
    row.get_by_role("link", name=REALISATION_LABEL).click()
    expect(page.get_by_label("Bulan").locator('option[value="5"]')).to_have_text(
        "Mei · direncanakan · Sebagian"
    )
    sign_out(page, live_server)

    # 3. The Kepala's Gantt shows the same square.
    login(page, live_server, KEPALA)
    open_dashboard(page, live_server)
    gantt_row = page.locator('#gantt tr[data-activity="PW-2"]')
    expect(gantt_row.locator("th.g-act")).to_contain_text(f"2. {ACTIVITY}")
    dash_may = gantt_square(gantt_row, 5)
    expect(dash_may).to_have_attribute("data-state", "partial")
    expect(symbol(dash_may)).to_have_text("◐")
    expect(gantt_square(gantt_row, 4)).to_have_attribute("data-state", "late")
    expect(gantt_square(gantt_row, 6)).to_have_attribute("data-state", "planned")
    expect(gantt_row).to_have_class(re.compile(r"\bg-late-row\b"))  # April has nothing
    # Only the recorded square changed: no other activity has a realisation.
    expect(page.locator('#gantt td[data-state="partial"]')).to_have_count(1)
    expect(
        page.locator('#gantt td[data-state="done"], #gantt td[data-state="not_done"]')
    ).to_have_count(0)
    page.locator("#gantt").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "dashboard-gantt-desktop.png")
    sign_out(page, live_server)

    # 4. The TL PIC may record for TL only: no "Realisasi" in the PW section.
    login(page, live_server, PIC_TL)
    nav(page).get_by_role("link", name="Rencana Kegiatan").click()
    expect(page).to_have_url(url_is(live_server, ACTIVITIES_PATH))
    expect(page.locator("#area-PW tbody tr")).to_have_count(7)
    expect(page.locator("#area-PW").get_by_role("link", name="Realisasi")).to_have_count(0)
    expect(page.get_by_role("link", name=REALISATION_LABEL)).to_have_count(0)
    tl_buttons = page.locator("#area-TL").get_by_role(
        "link", name=re.compile(r"^Catat realisasi kegiatan \d+ TL$")
    )
    expect(tl_buttons.first).to_be_visible()
    # Typing the PW address does not help either.
    pw_form = page.request.get(
        live_server.url + ACTIVITIES_PATH + f"{activity_pk(live_demo, 'PW', 2)}/realisasi/"
    )
    assert pw_form.status == 403, pw_form.status


def test_dashboard_on_phone_has_no_sideways_scroll(
    live_demo, live_server, pinned_today, phone_page: Page, tmp_path
):
    """The Kepala's dashboard on a 390 px phone: the page does not scroll sideways; the
    heat map and the Gantt scroll inside their ``.table-wrap``.

    Fails while ``.table-wrap`` (``overflow-x: auto``) is not a containing block: the
    screen-reader text of each Gantt square (``span.visually-hidden``, absolutely
    positioned) then escapes the wrapper's clipping and widens the page to the Gantt's
    full width (about 841 px)."""
    page = phone_page
    login(page, live_server, KEPALA)
    page.goto(live_server.url + DASHBOARD_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor Zona Integritas")
    expect(page.locator("#heat-map td[data-cell]")).to_have_count(24)
    expect(page.locator("#gantt tbody tr")).to_have_count(
        sum(p.activities.count() for p in live_demo["plan"].pokjas.all())
    )
    page.screenshot(path=tmp_path / "dashboard-phone.png", full_page=True)
    width = page_width(page)
    assert width["sw"] <= width["cw"] + 1, f"horizontal scroll on a phone: {width}"
    # The wide tables scroll inside their wrapper, which stays on the screen.
    for table in ("#heat-map", "#gantt"):
        wrap = page.locator(f".table-wrap:has(> {table})")
        expect(wrap).to_have_count(1)
        box = wrap.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (table, box)
        inside = wrap.evaluate(
            "el => ({sw: el.scrollWidth, cw: el.clientWidth,"
            " overflow: getComputedStyle(el).overflowX})"
        )
        assert inside["overflow"] in ("auto", "scroll"), (table, inside)
        if table == "#gantt":  # 12 months and a name column cannot fit 390 px
            assert inside["sw"] > inside["cw"], (table, inside)
