"""The evidence journey in a real Chromium: the PIC uploads several files at once
(one refused), replaces one, withdraws one and registers a link; the TPI reviews
from the queue; the PIC reads the comment; the Kepala downloads the exact bytes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from monev import views as monev_views
from tests.evidence import samples

from .conftest import LOGIN_PATH, MATRIX_PATH, PHONE, login, upload_ready

pytestmark = pytest.mark.browser

ITEM_TEXT = "Laporan monitoring:"  # item 5 of TW II PW, with four sub-points
ITEM_CELL = "TW II PW"
PIC = "pic.pw@example.org"
TPI = "tpi@example.org"
KEPALA = "kepala@example.org"
# A day in TW II 2026, so "Tugas saya" shows TW II whatever the wall clock says.
TODAY = date(2026, 5, 11)
NOTE = "Monitoring gratifikasi dan dumas April 2026"
REASON = "Salah unggah: daftar hadir belum ditandatangani"
LINK = "https://www.instagram.com/p/puspakomdigi"
REVISE_COMMENT = "Lampirkan daftar hadir yang ditandatangani"
COMMENT_REQUIRED = "Tuliskan komentar yang menjelaskan apa yang perlu diperbaiki oleh PIC."
RELOAD_LINK = "Muat ulang halaman untuk melihat versi baru"


class _PinnedTimezone:
    """``django.utils.timezone`` for *Tugas saya* (monev), with today pinned."""

    def __getattr__(self, name: str):
        return getattr(timezone, name)

    @staticmethod
    def localdate(*args, **kwargs):
        return TODAY


@pytest.fixture
def pinned_today(monkeypatch):
    # The live server is a thread of this process, so the patch reaches it.
    monkeypatch.setattr(monev_views, "timezone", _PinnedTimezone())
    return TODAY


def exact(text: str) -> re.Pattern[str]:
    return re.compile(r"^\s*" + re.escape(text) + r"\s*$")


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def sign_out(page: Page, live_server) -> None:
    page.locator(".topbar").get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url + LOGIN_PATH)))
    expect(page.locator(".who-name")).to_have_count(0)


def numbers(versions: Locator) -> list[str]:
    return [v.get_attribute("data-version") or "" for v in versions.all()]


def badge(version: Locator) -> Locator:
    return version.locator(".vbadges .badge")


def test_evidence_journey(
    live_demo, live_server, pinned_today, page: Page, phone_page: Page, tmp_path
):
    files = tmp_path / "berkas"
    files.mkdir()
    first_pdf = samples.pdf("Daftar hadir monitoring gratifikasi")
    second_pdf = samples.pdf("Notulen rapat monitoring dumas")
    replacement_pdf = samples.pdf("Notulen rapat monitoring dumas - revisi")
    html_as_pdf, _code = samples.REFUSED["laporan.pdf"]
    chosen = [
        write(files, "daftar-hadir.pdf", first_pdf),
        write(files, "laporan.pdf", html_as_pdf),  # an HTML page renamed to .pdf
        write(files, "notulen-rapat.pdf", second_pdf),
    ]
    replacement = write(files, "notulen-rapat-revisi.pdf", replacement_pdf)
    current = page.locator("#versi article.version")
    history = page.locator("#riwayat article.version")
    status = page.locator(".item-status .badge")
    messages = page.locator(".messages")

    # 1. The PIC finds the item in the commitment matrix.
    login(page, live_server, PIC)
    expect(page.locator(".who-name")).to_have_text("Irene Septine")
    nav = page.get_by_role("navigation", name="Menu utama")
    nav.get_by_role("link", name="Matriks Komitmen").click()
    expect(page).to_have_url(live_server.url + MATRIX_PATH)
    row = page.locator(f'tr.cell-row[data-cell="{ITEM_CELL}"]')
    expect(row).to_have_class(re.compile(r"\bis-mine\b"))
    item_link = row.get_by_role("link", name=ITEM_TEXT, exact=True)
    item_entry = row.locator("li").filter(has=page.get_by_role("link", name=ITEM_TEXT, exact=True))
    expect(item_entry.locator(".badge.st")).to_have_text("Belum diunggah")
    item_link.click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/butir/\d+/$"))
    item_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(f"5. {ITEM_TEXT}")
    expect(page.locator(".item-head .eyebrow")).to_contain_text("Irene Septine")
    expect(status).to_have_text("Belum diunggah")
    expect(page.locator("#versi .empty")).to_have_text("Belum ada bukti dukung untuk butir ini.")

    # 2. Three files at once: two PDFs and an HTML page pretending to be one.
    upload = page.locator("#unggah form.upload-form")
    page.set_input_files("#id_file", chosen)
    upload.get_by_label("Catatan singkat").fill(NOTE)
    upload.get_by_label("Tanggal bukti dukung").fill("2026-05-04")
    upload_ready(page)
    upload.get_by_role("button", name="Unggah", exact=True).click()
    rows = upload.locator(".upload-list .upload-item")
    expect(rows).to_have_count(3)
    expect(rows.locator(".upload-name")).to_have_text(
        ["daftar-hadir.pdf", "laporan.pdf", "notulen-rapat.pdf"]
    )
    expect(rows.locator("progress")).to_have_count(3)
    expect(rows.nth(0).locator(".upload-state")).to_have_text("Berhasil: versi 1")
    expect(rows.nth(1).locator(".upload-state")).to_contain_text("tidak diterima")
    expect(rows.nth(1).locator(".upload-state")).to_contain_text("Ditolak: ")
    expect(rows.nth(1)).to_have_class(re.compile(r"\brefused\b"))
    expect(rows.nth(1)).to_have_attribute("role", "alert")
    # A refused file does not use up a version number.
    expect(rows.nth(2).locator(".upload-state")).to_have_text("Berhasil: versi 2")
    for ok in (rows.nth(0), rows.nth(2)):
        expect(ok).to_have_class(re.compile(r"\bok\b"))
        expect(ok.locator("progress")).to_have_js_property("value", 100)
    expect(upload.get_by_role("button", name="Unggah", exact=True)).to_be_enabled()
    # One failed, so the page does not reload by itself: it offers a link.
    reload_link = upload.get_by_role("link", name=RELOAD_LINK)
    expect(reload_link).to_be_visible()
    expect(current).to_have_count(0)
    upload.screenshot(path=tmp_path / "upload-progress-desktop.png")
    reload_link.click()
    expect(current).to_have_count(2)
    assert numbers(current) == ["1", "2"]
    expect(upload.locator(".upload-item")).to_have_count(0)
    expect(page.locator("#versi-h")).to_contain_text("(2)")
    v1 = page.locator('#versi article.version[data-version="1"]')
    v2 = page.locator('#versi article.version[data-version="2"]')
    expect(v1.locator(".vname")).to_have_text("daftar-hadir.pdf")
    expect(v2.locator(".vname")).to_have_text("notulen-rapat.pdf")
    for version in (v1, v2):
        expect(badge(version)).to_have_text("Menunggu reviu")
        expect(version.locator(".vnote")).to_have_text(NOTE)
        expect(version.locator(".vmeta")).to_contain_text("4 Mei 2026")
        expect(version.locator(".vmeta")).to_contain_text("application/pdf")
        expect(version.locator(".vmeta")).to_contain_text("Irene Septine")
    expect(status).to_have_text("Menunggu reviu")
    expect(page.locator("#riwayat")).to_have_count(0)
    page.screenshot(path=tmp_path / "item-pic-desktop-after-upload.png", full_page=True)

    # 3. Replace v2: the page reloads by itself once every file succeeded.
    v2.locator("summary", has_text=exact("Ganti")).click()
    replace_form = v2.locator("form.replace-form")
    expect(replace_form).to_be_visible()
    replace_form.locator("input[type=file]").set_input_files(replacement)
    replace_form.locator("input[name=note]").fill("Notulen yang sudah diparaf")
    upload_ready(page)
    with page.expect_navigation():
        replace_form.get_by_role("button", name="Unggah pengganti").click()
    v3 = page.locator('#versi article.version[data-version="3"]')
    expect(v3).to_be_visible()
    assert numbers(current) == ["1", "3"]
    expect(v3.locator(".vname")).to_have_text("notulen-rapat-revisi.pdf")
    expect(v3.locator(".vmeta")).to_contain_text(re.compile(r"Menggantikan\s*Berkas 2"))
    expect(badge(v3)).to_have_text("Menunggu reviu")
    riwayat = page.locator("#riwayat")
    expect(riwayat.locator("summary")).to_have_text(exact("Versi lama dan berkas yang ditarik (1)"))
    riwayat.locator("summary").click()
    old_v2 = riwayat.locator('article.version[data-version="2"]')
    expect(old_v2).to_be_visible()
    expect(badge(old_v2)).to_have_text("Digantikan")
    expect(old_v2.locator(".vactions")).to_have_count(0)
    assert numbers(history) == ["2"]

    # 4. Withdraw v1 with a reason.
    v1.locator("summary", has_text=exact("Tarik")).click()
    v1.get_by_label("Alasan penarikan (opsional)").fill(REASON)
    v1.get_by_role("button", name="Tarik Berkas 1").click()
    expect(messages).to_contain_text("Berkas 1 ditarik. Berkas ini tetap tersimpan di riwayat.")
    expect(current).to_have_count(1)
    assert numbers(current) == ["3"]
    riwayat.locator("summary").click()
    assert numbers(history) == ["2", "1"]
    old_v1 = riwayat.locator('article.version[data-version="1"]')
    expect(badge(old_v1)).to_have_text("Ditarik")
    expect(old_v1.locator(".vmeta")).to_contain_text(REASON)
    expect(old_v1.locator(".vactions")).to_have_count(0)
    expect(status).to_have_text("Menunggu reviu")

    # 5. Register a publication link: v4.
    page.locator("details.link-details summary").click()
    page.get_by_label("Tautan publikasi").fill(LINK)
    page.locator("#id_link_note").fill("Unggahan Instagram kegiatan sosialisasi")
    page.get_by_role("button", name="Simpan tautan").click()
    expect(messages).to_contain_text("Tautan disimpan sebagai Berkas 3.")
    expect(current).to_have_count(2)
    assert numbers(current) == ["3", "4"]
    v4 = page.locator('#versi article.version[data-version="4"]')
    expect(v4.locator("a.vname")).to_have_attribute("href", LINK)
    expect(v4.locator(".version-title")).to_contain_text("(tautan)")
    expect(v4.get_by_role("link", name="Unduh")).to_have_count(0)
    expect(badge(v4)).to_have_text("Menunggu reviu")
    expect(status).to_have_text("Menunggu reviu")

    # 6. The TPI reviews from the queue.
    sign_out(page, live_server)
    login(page, live_server, TPI)
    nav.get_by_role("link", name="Antrean reviu").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/reviu/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean reviu")
    queue = page.locator("section.queue-item")
    expect(queue).to_have_count(2)
    expect(page.get_by_text(exact("2 versi"))).to_be_visible()
    assert numbers(queue.locator("article.version")) == ["3", "4"]  # oldest first
    for entry in queue.all():
        expect(entry.locator(".queue-title")).to_have_text(f"5. {ITEM_TEXT}")
        expect(entry.locator(".eyebrow")).to_contain_text("TW II")
        expect(entry.locator(".eyebrow")).to_contain_text("Irene Septine")
        expect(entry.get_by_role("button", name="Setujui")).to_be_visible()
        expect(entry.get_by_role("button", name="Minta revisi")).to_be_visible()
        expect(entry.locator("summary", has_text=exact("Ganti"))).to_have_count(0)
        expect(entry.locator("summary", has_text=exact("Tarik"))).to_have_count(0)
    page.screenshot(path=tmp_path / "review-queue-desktop.png", full_page=True)

    def queued(number: int) -> Locator:
        return queue.filter(has=page.locator(f'article.version[data-version="{number}"]'))

    queued(4).get_by_role("button", name="Setujui").click()
    expect(messages).to_contain_text("Berkas 3: Disetujui.")
    expect(queue).to_have_count(1)
    expect(queued(3)).to_have_count(1)

    queued(3).get_by_role("button", name="Minta revisi").click()
    expect(page.locator(".msg-error")).to_have_text(exact(COMMENT_REQUIRED))
    expect(queue).to_have_count(1)
    expect(badge(queued(3).locator("article.version"))).to_have_text("Menunggu reviu")

    queued(3).get_by_label(re.compile("Komentar untuk PIC")).fill(REVISE_COMMENT)
    queued(3).get_by_role("button", name="Minta revisi").click()
    expect(messages).to_contain_text("Berkas 2 versi 2: Perlu revisi.")
    expect(page.locator(".msg-error")).to_have_count(0)
    expect(queue).to_have_count(0)
    expect(page.get_by_text("Tidak ada versi yang cocok dengan saringan ini.")).to_be_visible()

    # 7. The PIC sees the request for revision, first in "Tugas saya".
    sign_out(page, live_server)
    login(page, live_server, PIC)
    nav.get_by_role("link", name="Tugas saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tugas saya")
    expect(nav.get_by_role("link", name="Tugas saya")).to_have_attribute("aria-current", "page")
    # In May, TW I's missing items come first as overdue; TW II's revision leads TW II.
    expect(page.locator("section.task-group h2").first).to_contain_text("Terlambat")
    tw2 = page.locator("section.task-group", has=page.locator("h2", has_text="TW II"))
    first_task = tw2.locator("li.task").first
    expect(first_task.locator("a.task-text")).to_have_text(ITEM_TEXT)
    expect(first_task.locator(".badge.st")).to_have_text("Perlu revisi")
    expect(first_task.locator(".task-comment")).to_contain_text(REVISE_COMMENT)
    first_task.locator("a.task-text").click()
    expect(page).to_have_url(item_url)
    expect(status).to_have_text("Perlu revisi")
    expect(badge(v3)).to_have_text("Perlu revisi")
    expect(v3.locator(".review-comment")).to_have_text(REVISE_COMMENT)
    expect(v3.locator(".review")).to_contain_text("Asesor TPI (demo)")
    expect(badge(v4)).to_have_text("Disetujui")
    expect(v4.locator(".review")).to_contain_text("Disetujui")
    expect(v4.locator(".review-comment")).to_have_count(0)
    page.screenshot(path=tmp_path / "item-pic-desktop-revise.png", full_page=True)

    # ... and on a phone: readable, no sideways scrolling.
    login(phone_page, live_server, PIC)
    phone_page.goto(item_url)
    expect(phone_page.locator(".item-status .badge")).to_have_text("Perlu revisi")
    expect(phone_page.locator("#versi article.version")).to_have_count(2)
    phone_page.screenshot(path=tmp_path / "item-pic-phone.png", full_page=True)
    phone_page.locator("details.link-details summary").click()
    phone_v3 = phone_page.locator('#versi article.version[data-version="3"]')
    phone_v3.locator("summary", has_text=exact("Ganti")).click()
    expect(phone_v3.locator("form.replace-form")).to_be_visible()
    phone_page.screenshot(path=tmp_path / "item-pic-phone-forms-open.png", full_page=True)
    page.locator("details.link-details summary").click()
    v3.locator("summary", has_text=exact("Ganti")).click()
    expect(v3.locator("form.replace-form")).to_be_visible()
    page.screenshot(path=tmp_path / "item-pic-desktop-forms-open.png", full_page=True)
    scroll = phone_page.evaluate(
        "() => ({sw: document.documentElement.scrollWidth,"
        " cw: document.documentElement.clientWidth})"
    )
    assert scroll["sw"] <= scroll["cw"] + 1, f"horizontal scroll on a phone: {scroll}"
    for version in phone_page.locator("#versi article.version").all():
        box = version.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    # 8. The Kepala reads and downloads, and can change nothing.
    sign_out(page, live_server)
    login(page, live_server, KEPALA)
    expect(nav.get_by_role("link", name="Tugas saya")).to_have_count(0)
    expect(nav.get_by_role("link", name="Antrean reviu")).to_have_count(0)
    page.goto(item_url)
    expect(status).to_have_text("Perlu revisi")
    assert numbers(current) == ["3", "4"]
    expect(page.locator("#unggah")).to_have_count(0)
    expect(page.locator("#id_file")).to_have_count(0)
    expect(page.locator("input[type=file]")).to_have_count(0)
    expect(page.locator("form.review-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Setujui")).to_have_count(0)
    expect(page.get_by_role("button", name="Minta revisi")).to_have_count(0)
    expect(page.locator("summary", has_text=exact("Ganti"))).to_have_count(0)
    expect(page.locator("summary", has_text=exact("Tarik"))).to_have_count(0)
    expect(v3.locator(".review-comment")).to_have_text(REVISE_COMMENT)
    with page.expect_download() as download_info:
        v3.get_by_role("link", name="Unduh").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == "berkas2-versi2-notulen-rapat-revisi.pdf"
    assert Path(download.path()).read_bytes() == replacement_pdf


def test_upload_without_a_file_says_so(live_demo, live_server, page: Page):
    login(page, live_server, PIC)
    page.goto(live_server.url + MATRIX_PATH)
    page.locator(f'tr.cell-row[data-cell="{ITEM_CELL}"]').get_by_role(
        "link", name=ITEM_TEXT, exact=True
    ).click()
    upload = page.locator("#unggah")
    upload_ready(page)
    upload.get_by_role("button", name="Unggah", exact=True).click()
    message = upload.locator(".upload-list .upload-item")
    expect(message).to_have_text("Pilih paling sedikit satu berkas untuk diunggah.")
    expect(message).to_have_attribute("role", "alert")
    expect(page.locator("#versi article.version")).to_have_count(0)


def test_upload_without_javascript_posts_the_form(
    live_demo, live_server, browser, browser_context_args, tmp_path
):
    """The same form works with JavaScript off: the files are posted in one request."""
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, PIC)
        page.goto(live_server.url + MATRIX_PATH)
        page.locator(f'tr.cell-row[data-cell="{ITEM_CELL}"]').get_by_role(
            "link", name=ITEM_TEXT, exact=True
        ).click()
        html_as_pdf, _code = samples.REFUSED["laporan.pdf"]
        page.set_input_files(
            "#id_file",
            [
                write(tmp_path, "daftar-hadir.pdf", samples.pdf("Daftar hadir")),
                write(tmp_path, "laporan.pdf", html_as_pdf),
            ],
        )
        page.locator("#id_note").fill(NOTE)
        page.locator("#unggah").get_by_role("button", name="Unggah", exact=True).click()
        expect(page.locator(".msg-success")).to_have_text(
            exact("“daftar-hadir.pdf” diunggah sebagai Berkas 1.")
        )
        expect(page.locator(".msg-error")).to_contain_text("tidak diterima")
        versions = page.locator("#versi article.version")
        expect(versions).to_have_count(1)
        expect(versions.first.locator(".vname")).to_have_text("daftar-hadir.pdf")
        expect(page.locator(".item-status .badge")).to_have_text("Menunggu reviu")
    finally:
        context.close()


def test_upload_form_fits_its_card_on_phone(live_demo, live_server, phone_page: Page, tmp_path):
    """Every control of the upload card stays inside the card's padding on a 390 px phone.

    Fails while ``.grid-2`` asks for columns of at least 22rem (352 px): on a phone the
    card has about 337 px inside its padding, so "Catatan singkat" sticks out."""
    page = phone_page
    login(page, live_server, PIC)
    page.goto(live_server.url + MATRIX_PATH)
    page.locator(f'tr.cell-row[data-cell="{ITEM_CELL}"]').get_by_role(
        "link", name=ITEM_TEXT, exact=True
    ).click()
    page.locator("details.link-details summary").click()
    expect(page.locator("#id_url")).to_be_visible()
    page.screenshot(path=tmp_path / "upload-card-phone.png", full_page=True)
    inner_right = page.locator("#unggah").evaluate(
        "el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);"
        " return r.right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight); }"
    )
    sticking_out = {}
    for selector in (
        "#unggah .dropzone",
        "#id_note",
        "#id_evidence_date",
        "#id_url",
        "#id_link_note",
        "#id_link_date",
    ):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        right = box["x"] + box["width"]
        if right > inner_right + 0.5:
            sticking_out[selector] = round(right - inner_right, 1)
    assert not sticking_out, f"px past the upload card's padding on a phone: {sticking_out}"
