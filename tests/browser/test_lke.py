"""The LKE in a real Chromium: the PW PIC answers questions of the area with evidence
links (one by keyboard only) and a Jumlah pair, an invalid Jumlah is refused in
Indonesian, and the summary shows the new score, equal to the one the scoring service
computes. The summary and the area pages fit a phone without sideways scrolling.

With ``LKE_SHOTS=1`` the tests also save full-page screenshots under /tmp/lke-shots/
for a person to look at (off by default; nothing is asserted on them)."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from lke import selectors, services
from lke.models import LkeAnswer, Side
from workplan.models import EvidenceRequirement

from .conftest import PHONE, login

pytestmark = pytest.mark.browser

YEAR = 2026
SUMMARY_PATH = f"/lke/{YEAR}/"
PW_PATH = f"/lke/{YEAR}/area/PW/"
HASIL_PATH = f"/lke/{YEAR}/area/HASIL/"
PORTALRB_PATH = "/lke/portalrb/"
PIC = "pic.pw@example.org"
KETUA = "ketua@example.org"
TPI = "tpi@example.org"
LAPTOP = {"width": 1366, "height": 900}
SUPPORT = "https://drive.example.org/zi-2026/pw/public-campaign-gratifikasi"
# Soal of the PW area in fixtures/lke-zi-2026-master-soal.json.
CAMPAIGN = 51  # public campaign on gratification: A / B / C
COMPLAINTS_POLICY = 57  # complaint policy implemented: A / B / C (answered by keyboard)
WBS = 61  # whistle-blowing system applied: A / B / C
TO_FOLLOW_UP = 110  # Jumlah: complaints to follow up (denominator of P5)
IN_PROGRESS = 111  # Jumlah: complaints in progress (informational)
DONE = 112  # Jumlah: complaints followed up (numerator of P5)
BAD_COUNT = "Soal 111 meminta jumlah: isi bilangan bulat 0 atau lebih tanpa titik atau koma"

SHOTS = os.environ.get("LKE_SHOTS") == "1"
SHOTS_DIR = Path("/tmp/lke-shots")  # noqa: S108 - screenshots for a person to look at


def without_autosave(page: Page) -> None:
    """These journeys save with the submit buttons and a page load per answer, as a
    browser without lke-autosave.js does (test_lke_autosave.py has the autosave's own)."""
    page.route(re.compile(r".*/js/lke-autosave[^/]*\.js$"), lambda route: route.abort())


def shot(page: Page, name: str) -> None:
    """A full-page screenshot for review, only when LKE_SHOTS=1."""
    if SHOTS:
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS_DIR / f"{name}.png", full_page=True)


def shot_of(part: Locator, name: str) -> None:
    """A screenshot of one part of a page for review, only when LKE_SHOTS=1."""
    if SHOTS:
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        part.screenshot(path=SHOTS_DIR / f"{name}.png")


def comma(value: Decimal) -> str:
    """A score as an Indonesian page prints it: two decimals after a comma."""
    return f"{value:.2f}".replace(".", ",")


def question(page: Page, soal_id: int) -> Locator:
    return page.locator(f"article#soal-{soal_id}")


def unit_form(article: Locator) -> Locator:
    return article.locator('form.lke-form:has(input[name="side"][value="unit"])')


def evidence_label(item: EvidenceRequirement) -> str:
    """The start of the item's checkbox label: quarter · area · text."""
    return f"{item.cell.quarter.label} · {item.cell.area.code} · {item.text[:50]}"


def expect_saved(page: Page, live_server, soal_id: int) -> None:
    """Saving goes back to the question's anchor on the area page with a success message."""
    expect(page).to_have_url(f"{live_server.url}{PW_PATH}#soal-{soal_id}")
    expect(page.locator(".messages .msg-success")).to_have_text(f"Jawaban soal {soal_id} disimpan.")


def answer_by_mouse(page, live_server, soal_id, option, note, evidence) -> None:
    article = question(page, soal_id)
    form = unit_form(article)
    form.get_by_role("radio", name=re.compile(rf"^{option} · ")).check()
    form.get_by_label("Catatan unit").fill(note)
    form.locator("details.evidence-pick > summary").click()
    form.get_by_label(evidence_label(evidence)).check()
    form.get_by_label("Bukti dukung lain (URL atau keterangan)").fill(SUPPORT)
    form.get_by_role("button", name="Simpan jawaban unit").click()
    expect_saved(page, live_server, soal_id)


def focused_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def tab_to(page: Page, element_id: str, limit: int = 300) -> None:
    """Press Tab until the element with this id has the focus. The limit is generous:
    the picker lists every evidence item of the unit, and the full CI run once needed
    more than 80 presses on PostgreSQL (the test asserts reachability, not distance)."""
    for _ in range(limit):
        if focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} not reached with {limit} Tab presses")


def answer_by_keyboard(page, live_server, soal_id, note, evidence) -> None:
    """Option A, a note, one evidence item and a link, then save: keyboard only."""
    article = question(page, soal_id)
    prefix = f"u{soal_id}"
    # Start on the "Kriteria penilaian" toggle just above the form.
    article.locator("details.inline-details > summary").focus()
    page.keyboard.press("Tab")  # into the radio group, on its checked "Belum dijawab"
    assert focused_id(page) == f"{prefix}-none"
    page.keyboard.press("ArrowDown")  # wraps to the first option, A
    expect(page.locator(f"#{prefix}-A")).to_be_focused()
    expect(page.locator(f"#{prefix}-A")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator(f"#{prefix}-note")).to_be_focused()
    page.keyboard.type(note)
    page.keyboard.press("Tab")  # the "Evidence di portal" toggle
    picker = article.locator("details.evidence-pick")
    expect(picker.locator("> summary")).to_be_focused()
    page.keyboard.press("Enter")
    expect(picker).to_have_attribute("open", "")
    box = f"{prefix}-ev{evidence.pk}"
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(page.locator(f"#{box}")).to_be_checked()
    tab_to(page, f"{prefix}-support")
    page.keyboard.type(SUPPORT)
    page.keyboard.press("Tab")
    expect(unit_form(article).get_by_role("button", name="Simpan jawaban unit")).to_be_focused()
    page.keyboard.press("Enter")
    expect_saved(page, live_server, soal_id)


def save_count(page, live_server, soal_id: int, value: str) -> None:
    form = unit_form(question(page, soal_id))
    form.get_by_label("Jumlah").fill(value)
    form.get_by_role("button", name="Simpan jawaban unit").click()
    expect_saved(page, live_server, soal_id)


def test_pic_answers_pw_with_evidence_and_summary_shows_the_new_score(
    live_demo, live_server, page: Page
):
    plan = live_demo["plan"]
    master = selectors.master_for_year(YEAR)
    assert master is not None, "seed_demo loads the 2026 LKE master list"
    items = list(
        EvidenceRequirement.objects.filter(cell__quarter__plan=plan, cell__area__code="PW")
        .select_related("cell__quarter", "cell__area")
        .order_by("cell__quarter__number", "order")[:3]
    )
    assert len(items) == 3, items
    page.set_viewport_size(LAPTOP)
    without_autosave(page)
    messages = page.locator(".messages")

    # 1. The PIC opens the LKE summary from the menu: nothing answered yet.
    login(page, live_server, PIC)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="LKE").click()
    expect(page).to_have_url(live_server.url + SUMMARY_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lembar Kerja Evaluasi ZI")
    pw_score = page.get_by_test_id("area-pw-unit")
    total = page.get_by_test_id("total-unit")
    expect(pw_score).to_have_text("0,00")
    expect(total).to_have_text("0,00")

    # 2. From the PW row of the score table to the PW area page, which has forms.
    page.locator('tr[data-area="PW"] th a').click()
    expect(page).to_have_url(live_server.url + PW_PATH)
    expect(page.locator(".area-tabs a[aria-current=page]")).to_have_text("PW")
    expect(page.get_by_test_id("area-score")).to_contain_text("Nilai unit 0,00")
    expect(page.get_by_role("button", name="Simpan jawaban unit")).not_to_have_count(0)

    # 3. Two questions by mouse, one by keyboard only; each with an evidence item and a link.
    answer_by_mouse(page, live_server, CAMPAIGN, "A", "Kampanye bulanan di media sosial", items[0])
    answer_by_keyboard(page, live_server, COMPLAINTS_POLICY, "SOP dumas dan inovasi", items[1])
    answer_by_mouse(page, live_server, WBS, "B", "WBS mengikuti kebijakan Kementerian", items[2])
    for soal_id, item, value in (
        (CAMPAIGN, items[0], "100,00 %"),
        (COMPLAINTS_POLICY, items[1], "100,00 %"),
        (WBS, items[2], "50,00 %"),
    ):
        article = question(page, soal_id)
        expect(article.get_by_test_id(f"value-unit-{soal_id}")).to_have_text(f"Unit: {value}")
        links = article.locator("ul.evidence-links")
        expect(links.locator(f'a[href="/butir/{item.pk}/"]')).to_have_count(1)
        expect(links.get_by_role("link", name=SUPPORT)).to_have_attribute("href", SUPPORT)
        expect(article.locator("details.evidence-pick")).to_have_attribute("open", "")
        expect(article.get_by_text("Riwayat jawaban")).to_be_visible()

    # 4. A Jumlah pair: 8 of 10 complaints followed up is 80 %.
    save_count(page, live_server, TO_FOLLOW_UP, "10")
    save_count(page, live_server, DONE, "8")
    expect(question(page, TO_FOLLOW_UP).get_by_test_id(f"value-unit-{TO_FOLLOW_UP}")).to_have_text(
        "Unit: 10"
    )
    expect(page.get_by_test_id("percent-P5")).to_contain_text("unit 80,00 %")
    shot_of(page.locator(".lke-sub:has([data-testid=percent-P5])"), "pw-jumlah-p5-laptop")

    # 5. Refused: "1.5" sent past the number input's own check.
    form = unit_form(question(page, IN_PROGRESS))
    form.get_by_label("Jumlah").evaluate("el => { el.type = 'text'; el.value = '1.5'; }")
    form.get_by_role("button", name="Simpan jawaban unit").click()
    expect(page).to_have_url(f"{live_server.url}/lke/{YEAR}/soal/{IN_PROGRESS}/")
    expect(messages.locator(".msg-error")).to_contain_text("Jawaban belum disimpan")
    expect(messages.locator(".msg-error")).to_contain_text(f"Soal {IN_PROGRESS} meminta jumlah")
    refused = question(page, IN_PROGRESS)
    expect(refused).to_have_class(re.compile(r"\bhas-error\b"))
    expect(refused.get_by_role("alert")).to_contain_text(BAD_COUNT)
    expect(refused.get_by_label("Jumlah")).to_have_value("1.5")  # kept for correction
    expect(refused.get_by_label("Jumlah")).to_be_focused()  # the page opens at the refusal
    expect(refused.get_by_label("Jumlah")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("percent-P5")).to_contain_text("unit 80,00 %")
    assert not LkeAnswer.objects.filter(question__soal_id=IN_PROGRESS).exists()
    if SHOTS:
        page.screenshot(path=SHOTS_DIR / "pw-refused-top-laptop.png")
        shot_of(refused, "pw-refused-111-laptop")

    # 6. The summary shows the new score, the one the scoring service computes.
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="LKE").click()
    expect(page).to_have_url(live_server.url + SUMMARY_PATH)
    score = selectors.unit_score(unit=plan.unit, master=master, side=Side.UNIT)
    area, grand = score.area("PW").score, score.total
    assert area > 0 and grand > 0, (area, grand)
    expect(pw_score).to_have_text(comma(area))
    expect(total).to_have_text(comma(grand))
    stored = selectors.answer_values(unit=plan.unit, master=master, side=Side.UNIT)
    assert stored == {
        CAMPAIGN: "A",
        COMPLAINTS_POLICY: "A",
        WBS: "B",
        TO_FOLLOW_UP: "10",
        DONE: "8",
    }
    answer = LkeAnswer.objects.get(question__soal_id=COMPLAINTS_POLICY, side=Side.UNIT)
    assert list(answer.evidence_items.values_list("pk", flat=True)) == [items[1].pk]
    assert answer.support == SUPPORT and answer.note == "SOP dumas dan inovasi"
    print(f"LKE PW unit score {comma(area)}, total {comma(grand)}")

    if SHOTS:
        shot(page, "summary-laptop")
        page.goto(live_server.url + PW_PATH)
        shot(page, "pw-pic-laptop")
        # The TPI's side of the same page, and the Ketua's Hasil and PortalRB pages.
        page.context.clear_cookies()
        login(page, live_server, TPI)
        page.goto(live_server.url + PW_PATH)
        expect(page.get_by_role("button", name="Simpan penilaian TPI")).not_to_have_count(0)
        shot(page, "pw-tpi-laptop")
        page.context.clear_cookies()
        login(page, live_server, KETUA)
        page.goto(live_server.url + HASIL_PATH)
        shot(page, "hasil-ketua-laptop")
        page.goto(live_server.url + PORTALRB_PATH)
        page.get_by_label("Nama token").fill("PortalRB KemenPAN-RB")
        page.get_by_role("button", name="Buat token").click()
        expect(messages.locator(".msg-success")).to_contain_text("Token dibuat")
        shot(page, "portalrb-ketua-laptop")


# The page's scroll width, and for the failure message the first elements whose right
# edge passes the viewport (some of them may be clipped by a scrolling .table-wrap).
WIDTH_JS = r"""() => {
  const root = document.documentElement, cw = window.innerWidth;
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > cw + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} → ${r.right}`);
  }
  return {sw: root.scrollWidth, cw, widest: out.slice(0, 5)};
}"""


def assert_fits(page: Page, what: str) -> dict:
    width = page.evaluate(WIDTH_JS)
    assert width["sw"] <= width["cw"] + 1, f"{what}: horizontal scroll on a phone: {width}"
    return width


def test_lke_pages_fit_a_phone(live_demo, live_server, phone_page: Page):
    page = phone_page
    without_autosave(page)
    plan = live_demo["plan"]
    master = selectors.master_for_year(YEAR)
    item = (
        EvidenceRequirement.objects.filter(cell__quarter__plan=plan, cell__area__code="PW")
        .order_by("cell__quarter__number", "order")
        .first()
    )
    # An answer with an evidence link and a long unbroken URL, as a PIC would leave it.
    services.answer_save(
        unit=plan.unit,
        question=master.questions.get(soal_id=CAMPAIGN),
        side=Side.UNIT,
        user=live_demo["users"]["pic.pw"],
        value="A",
        note="Kampanye bulanan di media sosial",
        support=SUPPORT + "/2026-04-kampanye-anti-gratifikasi-seluruh-bidang-dan-subbagian",
        evidence_items=[item],
    )

    login(page, live_server, PIC)
    for path, name in ((SUMMARY_PATH, "summary"), (PW_PATH, "pw-pic")):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_fits(page, f"{path} as the PW PIC")
        shot(page, f"{name}-phone")
    # With every fold-out open (criteria, evidence pickers) the page still fits.
    page.goto(live_server.url + PW_PATH)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    assert_fits(page, f"{PW_PATH} as the PW PIC, details open")
    shot(page, "pw-pic-phone-open")
    shot_of(question(page, CAMPAIGN), "pw-51-phone-open")
    shot_of(page.locator(".lke-sub:has([data-testid=percent-P5])"), "pw-jumlah-p5-phone")

    page.context.clear_cookies()
    login(page, live_server, KETUA)
    for path in (SUMMARY_PATH, PW_PATH, HASIL_PATH):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # The Ketua answers every area, Hasil included.
        if path != SUMMARY_PATH:
            expect(page.get_by_role("button", name="Simpan jawaban unit")).not_to_have_count(0)
        assert_fits(page, f"{path} as the Ketua")
    shot(page, "hasil-ketua-phone")
    assert page.viewport_size == PHONE
    # On a phone the main menu folds behind "Menu": closed first, then opened by
    # keyboard, and its LKE link works.
    nav = page.get_by_role("navigation", name="Menu utama")
    toggle = page.get_by_role("button", name="Menu", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    nav.get_by_role("link", name="LKE", exact=True).click()
    expect(page).to_have_url(live_server.url + SUMMARY_PATH)
