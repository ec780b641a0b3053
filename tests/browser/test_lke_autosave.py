"""The LKE area page in a real Chromium with lke-autosave.js: the PW PIC chooses an
answer and sees "Tersimpan" without a reload, the counts and scores follow, a Jumlah
the portal refuses says why in Indonesian and can be corrected, a reload shows what was
saved; on a 390 px phone nothing is wider than the screen and the answer controls are
at least 44 px high.

With ``LKE_SHOTS=1`` the tests also save screenshots under /tmp/lke-shots/ for a person
to look at (nothing is asserted on them)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lke.models import LkeAnswer, LkeQuestion, Side

from .conftest import PHONE, login
from .test_lke import PW_PATH, SHOTS, SHOTS_DIR, assert_fits, question, shot, shot_of

pytestmark = pytest.mark.browser

PIC = "pic.pw@example.org"
LAPTOP = {"width": 1366, "height": 768}
CAMPAIGN = 51  # A / B / C, the first question of the PW area
SECOND = 52  # A / B / C / D
COMPLAINTS_POLICY = 57
IN_PROGRESS = 111  # Jumlah
BAD_COUNT = "Soal 111 meminta jumlah: isi bilangan bulat 0 atau lebih tanpa titik atau koma"
MIN_TAP = 44


def enhanced(page: Page) -> None:
    """Wait until lke-autosave.js has taken over the answer forms."""
    expect(page.locator("form.lke-form[data-autosave]:not([data-enhanced])")).to_have_count(0)


def state(page: Page, soal_id: int):
    return page.locator(f"#u{soal_id}-state")


def pw_total() -> int:
    return LkeQuestion.objects.filter(master__year=2026, area_code="PW").count()


def test_an_answer_is_saved_as_it_is_chosen(live_demo, live_server, page: Page):
    page.set_viewport_size(LAPTOP)
    login(page, live_server, PIC)
    page.goto(live_server.url + PW_PATH)
    enhanced(page)
    total = pw_total()
    lead = page.get_by_test_id("area-score")
    expect(lead).to_contain_text(f"0 dari {total} soal dijawab")
    # The buttons are for a browser without JavaScript; here each choice saves itself.
    expect(page.get_by_role("button", name="Simpan jawaban unit")).to_have_count(0)
    next_link = page.get_by_role("link", name="Soal berikutnya yang belum dijawab")
    expect(next_link).to_have_attribute("href", f"#soal-{CAMPAIGN}")

    # 1. Choose A: "Tersimpan", with the new value, counts and score, no reload.
    article = question(page, CAMPAIGN)
    article.get_by_role("radio", name="A · ", exact=False).check()
    expect(state(page, CAMPAIGN)).to_have_text("Tersimpan")
    expect(page).to_have_url(live_server.url + PW_PATH)  # no page load
    expect(article.get_by_test_id(f"value-unit-{CAMPAIGN}")).to_have_text("Unit: 100,00 %")
    expect(lead).to_contain_text(f"1 dari {total} soal dijawab")
    expect(lead).not_to_contain_text("Nilai unit 0,00")
    expect(page.locator(f"#chip-{CAMPAIGN}")).to_have_class("qchip answered")
    node = LkeQuestion.objects.get(master__year=2026, soal_id=CAMPAIGN).node_id
    expect(page.locator(f"#sub-{node}-count")).to_contain_text("1 dari")
    expect(next_link).to_have_attribute("href", f"#soal-{SECOND}")
    expect(page.get_by_test_id("lke-jump")).to_contain_text(f"1 dari {total} soal dijawab")

    # 2. A note is saved once the typing stops.
    article.get_by_label("Catatan unit").fill("Kampanye bulanan di media sosial")
    expect(state(page, CAMPAIGN)).to_have_text("Tersimpan", timeout=8000)

    # 3. A Jumlah the portal refuses: the reason in Indonesian, then corrected.
    count = question(page, IN_PROGRESS).get_by_label("Jumlah")
    count.evaluate("el => { el.type = 'text'; }")
    count.fill("1.5")
    count.press("Tab")
    failed = state(page, IN_PROGRESS)
    expect(failed).to_contain_text("Gagal menyimpan — coba lagi")
    expect(failed).to_contain_text(BAD_COUNT)
    expect(question(page, IN_PROGRESS)).to_have_class("lke-q has-error")
    retry = question(page, IN_PROGRESS).get_by_role("button", name="Simpan jawaban unit")
    expect(retry).to_be_visible()  # to try again
    if SHOTS:
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        shot_of(question(page, IN_PROGRESS), "autosave-refused-laptop")
    count.fill("3")  # typing again: saved once it stops (or on leaving the field)
    expect(failed).to_have_text("Tersimpan", timeout=8000)
    expect(retry).to_be_hidden()
    expect(question(page, IN_PROGRESS)).not_to_have_class("lke-q has-error")
    expect(lead).to_contain_text(f"2 dari {total} soal dijawab")

    # 4. The jump goes to the next question still open after the one just saved.
    expect(next_link).to_have_attribute("href", f"#soal-{IN_PROGRESS + 1}")
    next_link.click()
    expect(page).to_have_url(f"{live_server.url}{PW_PATH}#soal-{IN_PROGRESS + 1}")
    shot_of(question(page, CAMPAIGN), "autosave-51-laptop")
    if SHOTS:
        page.screenshot(path=SHOTS_DIR / "autosave-top-laptop.png")

    # 5. After a reload the answers are still there, and counted.
    page.reload()
    enhanced(page)
    expect(question(page, CAMPAIGN).get_by_role("radio", name="A · ", exact=False)).to_be_checked()
    expect(question(page, CAMPAIGN).get_by_label("Catatan unit")).to_have_value(
        "Kampanye bulanan di media sosial"
    )
    expect(question(page, IN_PROGRESS).get_by_label("Jumlah")).to_have_value("3")
    expect(lead).to_contain_text(f"2 dari {total} soal dijawab")
    stored = dict(
        LkeAnswer.objects.filter(side=Side.UNIT).values_list("question__soal_id", "value")
    )
    assert stored == {CAMPAIGN: "A", IN_PROGRESS: "3"}
    shot(page, "autosave-pw-laptop")

    # 6. Signed out in another tab: the choice is not lost silently.
    page.context.clear_cookies()
    question(page, SECOND).get_by_role("radio", name="B · ", exact=False).check()
    expect(state(page, SECOND)).to_contain_text("Gagal menyimpan — coba lagi")
    expect(state(page, SECOND)).to_contain_text("Sesi Anda mungkin telah berakhir")
    assert not LkeAnswer.objects.filter(question__soal_id=SECOND).exists()


# The answer controls on screen (radio rows, number fields, toggles) shorter than 44 px.
SMALL_TARGETS_JS = r"""(min) => {
  const sel = [
    "form.lke-form fieldset.options .field-check",
    "form.lke-form input[name=value]:not([type=radio])",
    "details.lke-extra-fold > summary",
    "article.lke-q details.inline-details > summary",
    ".lke-jump a:not([hidden])",
  ];
  const small = [];
  let seen = 0;
  for (const el of document.querySelectorAll(sel.join(","))) {
    const r = el.getBoundingClientRect();
    if (!r.width) continue;  // folded away
    seen += 1;
    const name = `${el.tagName.toLowerCase()}#${el.id}.${el.className}`;
    if (r.height < min) small.push(`${name} ${r.height}`);
  }
  return {seen, small: small.slice(0, 8)};
}"""


def test_the_area_page_on_a_phone(live_demo, live_server, phone_page: Page):
    page = phone_page
    login(page, live_server, PIC)
    page.goto(live_server.url + PW_PATH)
    enhanced(page)
    assert page.viewport_size == PHONE
    assert_fits(page, "PW area, phone")
    targets = page.evaluate(SMALL_TARGETS_JS, MIN_TAP)
    assert targets["seen"] > 100 and not targets["small"], targets
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"PW area on a phone: {height} px tall")
    shot(page, "autosave-pw-phone")

    # A tap on an option's text saves it.
    article = question(page, COMPLAINTS_POLICY)
    article.locator(f"label[for=u{COMPLAINTS_POLICY}-B]").tap()
    expect(state(page, COMPLAINTS_POLICY)).to_have_text("Tersimpan")
    expect(article.get_by_test_id(f"value-unit-{COMPLAINTS_POLICY}")).not_to_have_text("Unit: —")
    # The note, the picker and the other support fold behind one toggle on a phone.
    extra = article.locator("details.lke-extra-fold")
    expect(extra.locator("> summary")).to_have_text("Catatan dan bukti dukung")
    expect(article.get_by_label("Catatan unit")).to_be_hidden()
    extra.locator("> summary").tap()
    article.get_by_label("Catatan unit").fill("SOP dumas")
    expect(state(page, COMPLAINTS_POLICY)).to_have_text("Tersimpan", timeout=8000)
    assert_fits(page, "PW area, phone, a question unfolded")
    shot_of(article, "autosave-57-phone")

    # Every fold-out open (criteria, extras, the pickers filled): still no sideways scroll.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    assert_fits(page, "PW area, phone, every fold-out open")
    targets = page.evaluate(SMALL_TARGETS_JS, MIN_TAP)
    assert not targets["small"], targets

    page.reload()
    enhanced(page)
    expect(question(page, COMPLAINTS_POLICY).get_by_label("B · ", exact=False)).to_be_checked()
    expect(
        question(page, COMPLAINTS_POLICY).locator("details.lke-extra-fold > summary")
    ).to_have_text("Catatan dan bukti dukung (terisi)")
    answer = LkeAnswer.objects.get(question__soal_id=COMPLAINTS_POLICY, side=Side.UNIT)
    assert (answer.value, answer.note) == ("B", "SOP dumas")
