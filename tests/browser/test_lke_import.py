"""The Ketua imports a jawaban-unit file that leaves soal out, in a real Chromium: the
preview lists what changes and what "replace all" would clear with the score after
each mode, the mode is picked by keyboard, and the summary then shows the file's own
score. The preview fits a phone. Screenshots go to /tmp/shots-import/ for a person
to look at (nothing is asserted on them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lke import scoring, selectors, services
from lke.models import Side

from .conftest import PHONE, login

pytestmark = pytest.mark.browser

YEAR = 2026
KETUA = "ketua@example.org"
SHOTS = Path("/tmp/shots-import")  # noqa: S108 - screenshots for a person to look at


def comma(value) -> str:
    return f"{value:.2f}".replace(".", ",")


@pytest.fixture
def answered(live_demo):
    """Every Pengungkit choice soal of MP and PW answered A/Ya on the unit side."""
    master = services.master_ensure()
    tree = selectors.parsed_master(master)
    unit = live_demo["plan"].unit
    questions = {q.soal_id: q for q in master.questions.all()}
    answers = {
        sid: q.options[0].key
        for sid, q in tree.questions.items()
        if q.area_code in ("MP", "PW") and q.answer_type in scoring.CHOICE_TYPES
    }
    for sid, value in answers.items():
        services.answer_save(
            unit=unit, question=questions[sid], side=Side.UNIT, user=None, value=value
        )
    return {"unit": unit, "master": master, "tree": tree, "answers": answers}


def test_import_preview_then_replace(page: Page, live_server, answered, tmp_path):
    tree, answers = answered["tree"], answered["answers"]
    pw = [sid for sid in answers if tree.questions[sid].area_code == "PW"]
    doc = {
        "unit_id": answered["unit"].code,
        "tahun": YEAR,
        "answers": [{"soal_id": s, "jawaban_unit": v} for s, v in answers.items() if s not in pw],
    }
    path = tmp_path / "jawaban-unit.json"
    path.write_text(json.dumps(doc))
    file_total = scoring.r2(
        scoring.score(tree, {s: v for s, v in answers.items() if s not in pw}).total
    )

    login(page, live_server, KETUA)
    page.goto(f"{live_server.url}/lke/{YEAR}/impor/")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_role("heading", name="Pratinjau impor jawaban LKE")).to_be_visible()
    cleared = page.get_by_test_id("import-cleared")
    expect(cleared.locator("tr[data-kind=cleared]")).to_have_count(len(pw))
    expect(page.get_by_test_id("import-scores")).to_contain_text(comma(file_total))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "preview-laptop.png", full_page=True)

    # Applying without a mode is refused by the browser (required radio): still here.
    page.get_by_role("button", name="Terapkan impor").click()
    expect(page.get_by_role("heading", name="Pratinjau impor jawaban LKE")).to_be_visible()
    # By keyboard: focus the first radio, pick it with Space, submit with Enter.
    page.locator("#mode-replace").focus()
    page.keyboard.press("Space")
    expect(page.locator("#mode-replace")).to_be_checked()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/lke/{YEAR}/")
    expect(page.locator(".msg")).to_contain_text("ganti semua jawaban")
    expect(page.locator(".msg")).to_contain_text(f"{len(pw)} dikosongkan")
    expect(page.locator(".msg")).to_contain_text(comma(file_total))
    stored = selectors.unit_score(unit=answered["unit"], master=answered["master"], side=Side.UNIT)
    assert scoring.r2(stored.total) == file_total


def test_import_preview_fits_a_phone(phone_page: Page, live_server, answered, tmp_path):
    doc = {
        "unit_id": answered["unit"].code,
        "tahun": YEAR,
        "answers": [
            {"soal_id": s, "jawaban_unit": answered["tree"].questions[s].options[-1].key}
            for s in list(answered["answers"])[:8]
        ],
    }
    path = tmp_path / "jawaban-unit.json"
    path.write_text(json.dumps(doc))
    login(phone_page, live_server, KETUA)
    phone_page.goto(f"{live_server.url}/lke/{YEAR}/impor/")
    phone_page.locator("#id_file").set_input_files(str(path))
    phone_page.get_by_role("button", name="Periksa berkas").click()
    expect(phone_page.get_by_role("heading", name="Pratinjau impor jawaban LKE")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone_page.screenshot(path=SHOTS / "preview-phone.png", full_page=True)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
