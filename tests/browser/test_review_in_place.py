"""Reviewing in place in a real Chromium: the TPI opens the inline preview of a PDF in
the review queue (framed by the portal, nothing refused), ticks two files, approves
them with one button and reads the message; the queue on a phone stacks the preview
under the row.

With ``REVIEW_SHOTS=1`` the test also saves screenshots under /tmp/review-shots/ for a
person to look at (nothing is asserted on them)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evidence import services, services_review
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement

from .conftest import PHONE, login

pytestmark = pytest.mark.browser

TPI = "tpi@example.org"
QUEUE_PATH = "/reviu/"
SHOTS = os.environ.get("REVIEW_SHOTS") == "1"
SHOTS_DIR = Path("/tmp/review-shots")  # noqa: S108 - screenshots for a person to look at


def shot(page: Page, name: str) -> None:
    if SHOTS:
        SHOTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS_DIR / name, full_page=False)


@pytest.fixture
def waiting(live_demo):
    """Three files of TW II PW waiting for review: two PDFs and a screenshot, on which
    the PIC wrote a reply."""
    pic = live_demo["users"]["pic.pw"]
    items = list(
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=2, cell__area__code="PW"
        ).order_by("order")[:2]
    )
    made = []
    for item, (name, data) in zip(
        [items[0], items[0], items[1]],
        [
            ("daftar-hadir.pdf", samples.pdf("Daftar hadir monitoring")),
            ("notulen.pdf", samples.pdf("Notulen rapat")),
            ("tangkapan.png", samples.ACCEPTED["tangkapan.png"][0]),
        ],
        strict=True,
    ):
        made.append(
            services.evidence_upload_file(
                requirement=item, upload=samples.upload(name, data), user=pic
            )
        )
    services_review.version_reply_add(
        version=made[2], user=pic, text="Tangkapan layar dari situs web unit, 4 Mei 2026."
    )
    return made


def test_preview_and_approve_two(live_server, waiting, page: Page, phone_page: Page):
    first, second, image = waiting
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    previews: list[str] = []
    page.on("request", lambda r: previews.append(r.url) if "/pratinjau/" in r.url else None)
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, TPI)
    page.goto(live_server.url + QUEUE_PATH)
    rows = page.locator("section.queue-item")
    expect(rows).to_have_count(3)
    # Nothing is fetched before the reviewer asks for it.
    page.wait_for_load_state("networkidle")
    assert previews == []

    # 1. The preview of the first PDF opens beside its verdict buttons.
    row = page.locator(f"#antrean-{first.pk}")
    with page.expect_response(re.compile(rf"/versi/{first.pk}/pratinjau/$")) as answer:
        row.locator("details.preview > summary").click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    frame = row.locator("iframe.preview-pdf")
    expect(frame).to_be_visible()
    expect(frame).to_have_attribute("title", "Pratinjau Berkas 1: daftar-hadir.pdf")
    box, buttons = frame.bounding_box(), row.locator(".review-form").bounding_box()
    assert box and buttons and box["x"] > buttons["x"] + buttons["width"] - 1  # beside
    assert not [m for m in refused if "frame" in m], refused
    shot(page, "queue-1366-preview.png")

    # 2. Tick two files (by their labels, with the keyboard for the second) and approve.
    page.get_by_label("Pilih Berkas 1 butir 1 untuk disetujui").check()
    second_box = page.locator(f"#pick-{second.pk}")
    second_box.focus()
    page.keyboard.press("Space")
    expect(second_box).to_be_checked()
    expect(page.locator("[data-pick-count]")).to_have_text("(2)")
    expect(page.locator("[data-pick-all-box]")).to_be_visible()
    page.get_by_label("Komentar bersama (opsional)").fill("Lengkap dan terbaca")
    page.get_by_role("button", name=re.compile("^Setujui yang dipilih")).click()
    expect(page.locator(".messages")).to_contain_text("2 berkas disetujui.")
    expect(page.locator("section.queue-item")).to_have_count(1)
    expect(page.locator(f"#antrean-{image.pk}")).to_be_visible()
    for version in (first, second):
        version.refresh_from_db()
        assert version.review_state == "approved"
        assert version.reviews.get().comment == "Lengkap dan terbaca"
    image.refresh_from_db()
    assert image.review_state == "pending"

    # 3. "Pilih semua" ticks what is left.
    page.get_by_label("Pilih semua di halaman ini").check()
    expect(page.locator(f"#pick-{image.pk}")).to_be_checked()
    shot(page, "queue-1366-after.png")

    # 4. On a phone the image preview stacks under the row.
    login(phone_page, live_server, TPI)
    phone_page.goto(live_server.url + QUEUE_PATH)
    row = phone_page.locator(f"#antrean-{image.pk}")
    row.locator("details.preview > summary").click()
    picture = row.locator("img.preview-image")
    expect(picture).to_be_visible()
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") > 0
    box, form = picture.bounding_box(), row.locator(".review-form").bounding_box()
    assert box and form and box["y"] > form["y"] + form["height"] - 1  # below
    assert box["x"] + box["width"] <= PHONE["width"]
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    expect(row.locator(".reply-text")).to_have_text(
        "Tangkapan layar dari situs web unit, 4 Mei 2026."
    )
    shot(phone_page, "queue-390-preview.png")
    if SHOTS:
        phone_page.screenshot(path=SHOTS_DIR / "queue-390-full.png", full_page=True)
        page.screenshot(path=SHOTS_DIR / "queue-1366-full.png", full_page=True)
