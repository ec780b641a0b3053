"""The public survey form on a 390 px phone, in a real Chromium, and the Ketua's side of
it (issue 16, "Done when"): the Ketua takes the link from the QR poster, a respondent
opens it on a phone, answers every question by tapping its labels and sends it; a second
submission from the same browser is refused kindly and stores nothing; the form fits the
phone (no sideways scroll, tap targets of 44 px or more). The Ketua sees the response
counted; a response sent faster than the time floor is shown as flagged, the Ketua
excludes it with a reason, which the excluded list shows; the Ketua closes the survey
and the public link then says it is closed; the Ketua attaches the closed survey's PDF
report to the PP item that asks for it. Then the Ketua takes a closed IPKP survey's mean
into the unit's LKE answer from the Hasil page, and the unit's score changes with it.

Screenshots of the phone form, the thank-you page and the survey page are saved to
/tmp/shots-surveys/ for a person to look at (nothing is asserted on the pictures).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evidence.models import EvidenceVersion
from lke.models import LkeAnswer, Side
from surveys import services as survey_services
from surveys.choices import FlagReason, SurveyStatus
from surveys.models import Response, ResponseExclusion
from tests.surveys.helpers import answer, make_survey
from workplan.models import EvidenceRequirement

from .conftest import login
from .test_all_pages import MEASURE, MIN_TAP, new_page

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-surveys")  # noqa: S108 - screenshots for the lead to look at
FLOOR = 3  # seconds: the time floor the genuine respondent waits out
KETUA = "ketua@example.org"
# What a thumb has to hit on the public pages: every choice, the selects, the buttons.
PUBLIC_TAP_TARGETS = "label.choice, select, button, .btn"
THANKS = "Terima kasih, jawaban Anda sudah tersimpan"
ALREADY = "Anda sudah mengisi survei ini"
CLOSED = "Survei ini sudah ditutup"
REASON = "Diisi dalam 1 detik saat uji coba petugas loket."


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def fits_the_phone(page: Page) -> None:
    found = page.evaluate(MEASURE, PUBLIC_TAP_TARGETS)
    assert found["scrollWidth"] <= found["clientWidth"] + 1, found["wide"]
    assert found["small"] == [], f"tap targets under {MIN_TAP} px: {found['small']}"


def answer_by_tapping(page: Page) -> int:
    """Tap one label of every question (a spread of values 1–4); returns how many."""
    questions = page.locator("fieldset")
    count = questions.count()
    for n in range(count):
        choice = questions.nth(n).locator("label.choice").nth((n + 2) % 4)
        choice.tap()
        expect(choice.locator("input")).to_be_checked()
    return count


@pytest.fixture
def floor(settings):
    settings.ZI_SURVEY_MIN_SECONDS = FLOOR
    return settings


def test_respondent_on_a_phone_and_the_ketua(
    live_demo, live_server, floor, page, phone_page, browser, browser_context_args
):
    users = live_demo["users"]
    survey = make_survey(live_demo["plan"].unit, users["ketua"])
    base = live_server.url

    # The Ketua prints the QR poster of the counter service: its link is what a phone
    # camera opens.
    login(page, live_server, KETUA)
    page.goto(f"{base}/survei/{survey.pk}/")
    page.locator("#layanan-loket").get_by_role("link", name="Poster A4").click()
    expect(page.locator(".poster h1")).to_have_text(survey.title)
    link = page.locator(".poster .url").inner_text().strip()
    assert link == f"{base}/survei/{survey.token}/?layanan=loket"

    # A respondent scans it: the form, in Indonesian, for that service, on a phone. A
    # second tab of the same browser opens it too (the race of two tabs).
    phone = phone_page
    opened = time.monotonic()
    assert phone.goto(link).status == 200
    expect(phone.get_by_text("Layanan loket")).to_be_visible()
    fits_the_phone(phone)
    shoot(phone, "01-form-390")
    other_tab = phone.context.new_page()
    assert other_tab.goto(link).status == 200
    assert answer_by_tapping(phone) == survey.questions.count() == 9
    time.sleep(max(0.0, FLOOR + 0.5 - (time.monotonic() - opened)))  # a person reads
    phone.get_by_role("button", name="Kirim jawaban").tap()
    expect(phone.get_by_role("heading", name=THANKS)).to_be_visible()
    fits_the_phone(phone)
    shoot(phone, "02-thanks-390")
    genuine = Response.objects.get(survey=survey)
    assert genuine.flag_reason == "" and genuine.service.code == "loket"
    assert sorted(genuine.answers.values_list("value", flat=True)) == sorted(
        (n + 2) % 4 + 1 for n in range(9)
    )

    # The same browser sends the form of its other tab: refused kindly, nothing stored;
    # opening the link again says so straight away.
    answer_by_tapping(other_tab)
    other_tab.get_by_role("button", name="Kirim jawaban").tap()
    expect(other_tab.get_by_role("heading", name=ALREADY)).to_be_visible()
    expect(other_tab.get_by_text("jawaban kedua tidak disimpan")).to_be_visible()
    fits_the_phone(other_tab)
    shoot(other_tab, "03-already-390")
    assert phone.goto(link).status == 200
    expect(phone.get_by_role("heading", name=ALREADY)).to_be_visible()
    assert Response.objects.filter(survey=survey).count() == 1

    # Another phone sends the form at once, faster than the floor: stored, flagged.
    # (The floor is raised for it so that a slow machine cannot make it look genuine.)
    hurried = new_page(browser, browser_context_args, "390x844")
    floor.ZI_SURVEY_MIN_SECONDS = 600
    assert hurried.goto(link).status == 200
    answer_by_tapping(hurried)
    hurried.get_by_role("button", name="Kirim jawaban").tap()
    expect(hurried.get_by_role("heading", name=THANKS)).to_be_visible()
    flagged = Response.objects.exclude(pk=genuine.pk).get(survey=survey)
    assert flagged.flag_reason == FlagReason.TOO_FAST
    hurried.context.close()

    # The Ketua sees one response counted, the hurried one kept apart as flagged.
    page.goto(f"{base}/survei/{survey.pk}/")
    expect(page.locator("#layanan-loket td").nth(1)).to_have_text("1")
    expect(page.locator("#responden")).to_contain_text("1 dari minimal 30 responden")
    row = page.locator(f"#respons-{flagged.pk}")
    expect(row).to_contain_text("Diisi terlalu cepat")
    shoot(page, "04-survey-page-flagged")

    # … excludes it with a reason, which the excluded list shows.
    row.locator(f"#reason-{flagged.pk}").fill(REASON)
    row.get_by_role("button", name="Kecualikan").click()
    expect(page.get_by_text(f"Respons #{flagged.pk} dikecualikan dari hasil.")).to_be_visible()
    excluded = page.locator("#dikecualikan")
    expect(excluded).to_contain_text(f"#{flagged.pk}")
    expect(excluded).to_contain_text(REASON)
    expect(page.locator("#ditandai")).to_contain_text("Tidak ada respons bertanda.")
    assert ResponseExclusion.objects.get(response=flagged).reason == REASON
    expect(page.locator("#layanan-loket td").nth(1)).to_have_text("1")

    # … and closes the survey: the public link then says it is closed.
    page.get_by_role("button", name="Tutup survei").click()
    expect(page.get_by_text("Survei ditutup.")).to_be_visible()
    shoot(page, "05-survey-page-closed")
    assert phone.goto(link).status == 410
    expect(phone.get_by_role("heading", name=CLOSED)).to_be_visible()
    fits_the_phone(phone)
    shoot(phone, "06-closed-390")
    assert Response.objects.filter(survey=survey).count() == 2

    # The closed survey's report goes to a PP item of the matrix as its bukti dukung, in
    # one action; the item's page then holds the PDF, stored with its SHA-256.
    item = survey_item(live_demo["plan"])
    page.goto(f"{base}/survei/{survey.pk}/#lampirkan")
    page.get_by_label("Butir bukti dukung").select_option(str(item.pk))
    page.get_by_role("button", name="Lampirkan laporan PDF").click()
    expect(page.get_by_text("Laporan survei dilampirkan sebagai")).to_be_visible()
    version = EvidenceVersion.objects.get(requirement=item)
    with version.file.open("rb") as stored:
        body = stored.read()
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == version.sha256
    page.goto(f"{base}/butir/{item.pk}/")
    expect(page.get_by_text(version.original_name).first).to_be_visible()


def survey_item(plan) -> EvidenceRequirement:
    """The PP item of TW III that asks for the survey's report and its analysis."""
    return EvidenceRequirement.objects.get(
        cell__quarter__plan=plan,
        cell__area__code="PP",
        text__icontains="Laporan survey kepuasan masyarakat dan analisisnya",
    )


def test_the_ketua_takes_the_ipkp_value_into_the_lke(live_demo, live_server, page):
    """A closed IPKP survey's mean goes into the unit's LKE answer from the Hasil page in
    one action; the unit's score (the API the TPI and PortalRB read) changes with it."""
    unit, ketua = live_demo["plan"].unit, live_demo["users"]["ketua"]
    survey = make_survey(unit, ketua, kind="ipkp", title="IPKP TW IV 2026")
    service = survey.services.first()
    count = survey.questions.count()
    for n, value in enumerate([4] * 15 + [3] * 15):  # 30 respondents, mean 3.50
        answer(survey, service, [value] * count, n=n)
    survey_services.survey_set_status(survey=survey, user=ketua, status=SurveyStatus.CLOSED)
    base = live_server.url
    login(page, live_server, KETUA)
    score = f"{base}/api/v1/plans/2026/lke/score/?by=unit"
    before = page.request.get(score).json()["hasil"]
    page.goto(f"{base}/lke/2026/area/HASIL/#soal-127")
    expect(page.get_by_text("IPKP TW IV 2026").first).to_be_visible()
    page.get_by_role("button", name="Ambil nilai 3.50 ke jawaban unit").click()
    expect(page.get_by_text("Jawaban unit diambil dari IPKP TW IV 2026").first).to_be_visible()
    after = page.request.get(score).json()["hasil"]
    assert after != before and after["nilai"] > before["nilai"]
    taken = LkeAnswer.objects.get(unit=unit, question__soal_id=127, side=Side.UNIT)
    assert taken.value == "3.50" and taken.updated_by == ketua
