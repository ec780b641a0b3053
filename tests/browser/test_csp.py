"""The Content-Security-Policy in a real Chromium: the Ketua Tim signs in and opens the
main pages (dashboard, matrix, an item page with an upload, an LKE area page with its
evidence picker, reports, the PortalRB page, the admin, the API docs) and the browser
refuses nothing: no "Refused to …" in the console, no ``securitypolicyviolation``
event, no script error, while the features that need JavaScript still work (upload
progress, the evidence picker, Swagger UI, the phone menu, the language switch).

With ``CSP_SHOTS=1`` the test also saves screenshots under /tmp/csp-shots/ for a person
to look at (off by default; nothing is asserted on them)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evidence import services as evidence_services
from evidence.models import EvidenceVersion
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement
from zi_portal.accounts.models import User

from .conftest import MATRIX_PATH, login, upload_ready

pytestmark = pytest.mark.browser

KETUA = "ketua@example.org"
SHOTS = os.environ.get("CSP_SHOTS") == "1"
SHOTS_DIR = Path("/tmp/csp-shots")  # noqa: S108 - screenshots for a person to look at
# Runs before any script of each page (Playwright injects it through DevTools, which the
# page's policy does not govern) and keeps every violation the page reports.
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile
    + ":" + e.lineNumber);
});
"""


class Console:
    """Console messages and uncaught errors of a page, and the policy violations each
    visited page reported."""

    def __init__(self, page: Page):
        self.page = page
        self.messages: list[str] = []
        self.violations: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.messages.append(f"pageerror: {e}"))

    def collect(self, where: str) -> None:
        found = self.page.evaluate("() => window.__csp || []")
        self.violations.extend(f"{where}: {v}" for v in found)

    def assert_clean(self) -> None:
        refused = [
            m
            for m in self.messages
            if "Refused to" in m or "Content Security Policy" in m or m.startswith("pageerror")
        ]
        assert refused == []
        assert self.violations == []


def shot(page: Page, name: str) -> None:
    if SHOTS:
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS_DIR / f"{name}.png", full_page=True)


def visit(page: Page, console: Console, url: str, name: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    page.wait_for_load_state("networkidle")
    console.collect(name)
    shot(page, name)


def test_main_pages_run_under_the_policy(live_demo, live_server, page: Page, tmp_path):
    console = Console(page)
    base = live_server.url
    login(page, live_server, KETUA)
    console.collect("login")

    visit(page, console, base + MATRIX_PATH, "matrix")

    # An item page: upload one file through the script (progress bar, then a reload).
    item = (
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A,
            cell__quarter__plan__year=2026,
            cell__area__code="MP",
        )
        .order_by("cell__quarter__number", "order")
        .first()
    )
    visit(page, console, f"{base}/butir/{item.pk}/", "item")
    pdf = tmp_path / "sk-tim.pdf"
    pdf.write_bytes(samples.pdf("SK Tim ZI"))
    page.set_input_files("#id_file", pdf)
    upload = page.locator("#unggah form.upload-form")
    upload_ready(page)
    with page.expect_navigation():
        upload.get_by_role("button", name="Unggah", exact=True).click()
        expect(upload.locator(".upload-item .upload-state")).to_have_text("Berhasil: versi 1")
        expect(upload.locator(".upload-item progress")).to_have_js_property("value", 100)
    version = page.locator('#versi article.version[data-version="1"]')
    expect(version).to_be_visible()
    console.collect("item-after-upload")
    shot(page, "item-after-upload")
    # Nobody reviews their own upload: the Ketua Tim is told so, and the TPI approves.
    expect(version.get_by_role("button", name="Setujui")).to_have_count(0)
    expect(version).to_contain_text("Anda mengunggah berkas ini")
    evidence_services.evidence_review(
        version=EvidenceVersion.objects.get(requirement=item, number=1),
        user=User.objects.get(email="tpi@example.org"),
        decision="approve",
    )
    page.reload()
    expect(page.locator(".item-status .badge")).to_have_text("Disetujui")

    # The dashboard's meters are drawn by classes (no style= attribute): MP's is not empty.
    visit(page, console, f"{base}/dasbor/", "dashboard")
    mp = page.locator(".progress-list li").filter(has_text="Manajemen Perubahan").first
    fill = mp.locator(".meter > span")
    expect(fill).to_have_class(re.compile(r"^pct-[1-9]\d*$"))
    assert fill.bounding_box()["width"] > 0

    # The LKE area page: opening a question's evidence picker fills it from a template.
    visit(page, console, f"{base}/lke/2026/area/MP/", "lke-area")
    picker = page.locator("details.evidence-pick[data-pick]").first
    picker.locator("> summary").click()
    expect(picker.locator(".pick-list input[type=checkbox]").first).to_be_visible()
    assert picker.locator(".pick-list input[type=checkbox]").count() > 1
    console.collect("lke-area-picker")

    visit(page, console, f"{base}/laporan/", "reports")
    visit(page, console, f"{base}/lke/portalrb/", "portalrb")
    expect(page).to_have_title(re.compile(r"^Pengaturan PortalRB · "))

    visit(page, console, f"{base}/admin/", "admin")
    expect(page.locator("#site-name")).to_contain_text("ZI Portal")
    visit(page, console, f"{base}/admin/accounts/user/", "admin-users")
    page.locator("#nav-filter").fill("Triwulan")  # admin's nav_sidebar.js
    expect(page.locator("#nav-sidebar").get_by_role("link", name="Grup")).to_be_hidden()
    visit(page, console, f"{base}/admin/accounts/user/add/", "admin-user-add")
    expect(page.locator("#id_groups_from")).to_be_visible()  # SelectFilter2.js

    visit(page, console, f"{base}/api/docs/", "api-docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ZI Portal API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    console.collect("api-docs-rendered")

    # The language switch sends itself (a listener in nav.js, not an inline handler).
    visit(page, console, base + MATRIX_PATH, "matrix-again")
    page.locator("#lang-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    console.collect("language")
    console.assert_clean()


def test_phone_menu_runs_under_the_policy(live_demo, live_server, phone_page: Page):
    page = phone_page
    console = Console(page)
    login(page, live_server, KETUA)
    button = page.locator(".navtoggle")
    nav = page.locator("#mainnav")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_have_class(re.compile(r"\bcollapsed\b"))
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Matriks Komitmen")).to_be_visible()
    console.collect("phone")
    shot(page, "phone-menu-open")
    console.assert_clean()
