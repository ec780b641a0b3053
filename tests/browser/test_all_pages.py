"""Every page each demo role can open, on a phone (390×844) and a laptop (1366×768):
no sideways scrolling, main actions at least 44 px high on the phone, no English words
on an Indonesian page, each role's landing page after sign-in, and a matrix that prints
on landscape A4 with every column.

Screenshots of every page at both sizes are saved under the test's ``tmp_path`` and
copied to /tmp/shots/<role>-<page>-<size>.png for a person to look at (nothing is
asserted on the pictures).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from evidence import services as evidence_services
from findings import services as finding_services
from lke.models import LkeQuestion
from monev.bundles import build_bundle
from monev.choices import ReminderKind, ReportKind, ReportStatus
from monev.models import Notification, Report
from surveys import services as survey_services
from surveys.models import Survey, SurveyKind
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import CommitmentCell, EvidenceRequirement
from zi_portal.accounts.models import User

from .conftest import LOGIN_PATH, PHONE, login

pytestmark = pytest.mark.browser

SHOTS_COPY = Path("/tmp/shots")  # noqa: S108 - screenshots for the lead to look at
LAPTOP = {"width": 1366, "height": 768}
SIZES = {"390x844": PHONE, "1366x768": LAPTOP}
YEAR = 2026
ROLES = {
    "ketua": "ketua@example.org",
    "kepala": "kepala@example.org",
    "tpi": "tpi@example.org",
    "pic": "pic.pw@example.org",
}
LANDING = {"ketua": "/reviu/", "kepala": "/dasbor/", "tpi": "/reviu/", "pic": "/tugas/"}
# The user's own data on the pages below: a file name the PIC chose, kept out of the
# word check (a person may call a file anything).
USER_FILE = "Notulen rapat sosialisasi gratifikasi.pdf"
USER_FILE_2 = "Daftar hadir rapat pengendalian gratifikasi.pdf"

# (b) The main actions a thumb has to hit on a phone: buttons, button-looking links,
# form submit controls and the links of the main menu. Inline text links in paragraphs
# and table cells are not in the list (WCAG 2.5.8 exempts inline targets).
TAP_TARGETS = ", ".join(
    [
        "button",
        ".btn",
        "input[type=submit]",
        "input[type=button]",
        "input[type=reset]",
        ".mainnav a",
        ".pager a",
    ]
)
MIN_TAP = 44

# (c) English words a reader of an Indonesian page should not meet.
ENGLISH = [
    "evidence",
    "Evidence",
    "review",
    "Review",
    "worker",
    "beat",
    "README",
    "upload",
    "download",
    "submit",
    "pending",
    "approved",
]
PLACEHOLDER = "---------"  # Django's empty choice label
# Legitimate uses, each with why; matched against the whole visible text.
ALLOWED = [
    # The language switch lists "EN" and the footer names the portal: neither matches.
    # SHA-256 and ZIP are names of formats; none of the words above.
    # The API token page shows the header a script sends: "Authorization: Token …";
    # none of the words above either.
    # The customer's own plan (fixtures/plan-2026.json) says "review" in three of its
    # items and activities: their words, shown as written.
    "Review dan evaluasi standar pelayanan",
    "Laporan pelaksanaan review dan evaluasi standar pelayanan",
    "Review dan pemetaan proses bisnis",
]
# Elements holding the user's own data (file names, link addresses, comments typed by
# people): their text is left out of the word check.
USER_DATA = ", ".join(
    [
        ".upload-name",
        ".version-title",
        ".vnote",
        ".review-comment",
        ".reply-text",
        ".task-comment",
        ".note-body",
        "code",
        "input",
        "textarea",
    ]
)

MEASURE = """
(selector) => {
  const doc = document.documentElement;
  const small = new Map();
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
    if (el.closest(".visually-hidden, [hidden], noscript")) continue;
    if (box.height < MIN_TAP - 0.5) {
      const label = (el.innerText || el.value || el.getAttribute("aria-label") || el.outerHTML)
        .trim().replace(/\\s+/g, " ").slice(0, 40);
      const key = `${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.height)}px`;
      if (!small.has(key)) small.set(key, `${key} "${label}"`);
    }
  }
  const wide = [];
  if (doc.scrollWidth > doc.clientWidth + 1) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > doc.clientWidth + 1 && box.width > 0) {
        const scroller = el.parentElement
          && el.parentElement.closest(".table-wrap, .matrix-wrap, [data-scroll]");
        const right = Math.round(box.right);
        if (!scroller) wide.push(`${el.tagName.toLowerCase()}.${el.className} ${right}px`);
      }
      if (wide.length >= 5) break;
    }
  }
  return {
    scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, small: [...small.values()], wide
  };
}
""".replace("MIN_TAP", str(MIN_TAP))

VISIBLE_TEXT = """
(userData) => {
  let text = document.body.innerText;
  for (const el of document.querySelectorAll(userData)) {
    const own = (el.innerText || "").trim();
    if (own) text = text.split(own).join(" ");
  }
  return text + "\\n" + document.title;
}
"""


# The smallest font size of the dashboard's chart text as drawn on screen (SVG units
# times the chart's scale).
CHART_TEXT = """
() => Math.min(...[...document.querySelectorAll(".chart svg text")].map(
  (t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))
"""


@dataclass(frozen=True)
class Sample:
    """The rows the pages show: an item with two files of the PIC (one sent back for
    revision, one waiting for reviu), a finding, notifications and a ready report."""

    item: int
    finding: int
    soal: int
    survey: int


def _sample_data() -> Sample:
    users = {key: User.objects.get(email=email) for key, email in ROLES.items()}
    requirement = EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__plan__year=YEAR,
        cell__quarter__number=1,
        cell__area__code="PW",
        order=1,
    )
    first = evidence_services.evidence_upload_file(
        requirement=requirement,
        upload=samples.upload(USER_FILE, samples.pdf("Notulen rapat")),
        user=users["pic"],
        note="Notulen rapat tanggal 2 Maret 2026.",
    )
    evidence_services.evidence_review(
        version=first,
        user=users["tpi"],
        decision="revise",
        comment="Lengkapi dengan tanda tangan pimpinan rapat.",
    )
    evidence_services.evidence_upload_file(
        requirement=requirement,
        upload=samples.upload(USER_FILE_2, samples.pdf("Daftar hadir")),
        user=users["pic"],
    )
    cell = CommitmentCell.objects.get(
        quarter__plan=requirement.cell.quarter.plan, quarter__number=1, area__code="PW"
    )
    finding = finding_services.finding_record(
        plan=cell.quarter.plan,
        user=users["tpi"],
        description="Notulen rapat sosialisasi belum ditandatangani.",
        recommendation="Mintakan tanda tangan pimpinan rapat.",
        owner=users["pic"],
        due_date=timezone.localdate() + timedelta(days=14),
        cell=cell,
    )
    for user in users.values():
        Notification.objects.create(
            recipient=user,
            kind=ReminderKind.OVERDUE,
            title="Butir TW I PW lewat batas",
            body="Satu butir TW I Penguatan Pengawasan belum lengkap.",
        )
    stored = default_storage.save(
        "reports/all-pages.pdf", ContentFile(samples.pdf("Laporan triwulan"))
    )
    Report.objects.create(
        plan=cell.quarter.plan,
        kind=ReportKind.QUARTERLY,
        quarter=1,
        status=ReportStatus.READY,
        file=stored,
        size=default_storage.size(stored),
        requested_by=users["ketua"],
    )
    soal = LkeQuestion.objects.filter(master__year=YEAR, area_code="PW").order_by("order")[0]
    return Sample(item=requirement.pk, finding=finding.pk, soal=soal.pk, survey=_answered_skm())


def _answered_skm() -> int:
    """The demo's SKM with twelve respondents, so its page shows results and proposals."""
    survey = Survey.objects.get(unit__code=UNIT_A, kind=SurveyKind.SKM)
    service = survey.services.order_by("pk")[0]
    questions = list(survey.questions.order_by("order"))
    for n in range(12):
        survey_services.response_submit(
            survey=survey,
            service=service,
            answers={q.pk: 1 + (n + i) % 4 for i, q in enumerate(questions)},
            device_digest=f"all-pages-{n}",
        )
    return survey.pk


def pages_of(role: str, sample: Sample) -> dict[str, str]:
    """The pages ``role`` opens: the menu's and the ones a click away that matter."""
    pages = {
        "overview": f"/rencana/{YEAR}/",
        "matrix": f"/rencana/{YEAR}/matriks/",
        "area": f"/rencana/{YEAR}/area/PW/",
        "item": f"/butir/{sample.item}/",
        "activities": f"/rencana/{YEAR}/kegiatan/",
        "lke": f"/lke/{YEAR}/",
        "lke-area": f"/lke/{YEAR}/area/PW/",
        "findings": "/temuan/",
        "finding": f"/temuan/{sample.finding}/",
        "notifications": "/notifikasi/",
        "preferences": "/notifikasi/pengaturan/",
        "tokens": "/akun/token/",
        "search": "/cari/?q=rapat",
        "not-found": "/halaman-yang-tidak-ada/",
    }
    if role == "pic":
        pages["tasks"] = "/tugas/"
    if role in {"ketua", "tpi"}:
        pages["queue"] = "/reviu/"
        pages["finding-new"] = "/temuan/baru/"
    if role in {"ketua", "kepala", "tpi"}:
        pages["dashboard"] = "/dasbor/"
        pages["reports"] = "/laporan/"
        pages["surveys"] = "/survei/"
        pages["survey"] = f"/survei/{sample.survey}/"
    if role in {"ketua", "tpi"}:
        pages["audit"] = "/audit/"
    if role == "ketua":
        pages["status"] = "/status/"
        pages["portalrb"] = "/lke/portalrb/"
        pages["survey-new"] = "/survei/baru/"
        pages["services"] = "/survei/layanan/"
        pages["survey-questions"] = f"/survei/{sample.survey}/pertanyaan/"
    return pages


def shoot(page: Page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    SHOTS_COPY.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SHOTS_COPY / path.name)


def new_page(browser: Browser, browser_context_args, size: str) -> Page:
    viewport = SIZES[size]
    phone = viewport is PHONE
    context = browser.new_context(
        **{
            **browser_context_args,
            "viewport": viewport,
            "screen": viewport,
            "device_scale_factor": 2 if phone else 1,
            "is_mobile": phone,
            "has_touch": phone,
        }
    )
    return context.new_page()


def open_page(page: Page, url: str, name: str) -> None:
    response = page.goto(url)
    assert response is not None, url
    expected = 404 if name == "not-found" else 200
    assert response.status == expected, (url, response.status)
    page.wait_for_load_state("load")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits(
    live_demo, live_server, browser, browser_context_args, role, size, tmp_path
):
    """(a) no sideways scrolling, (b) 44 px tap targets on the phone, (d) the landing page;
    and a tab title without markup."""
    sample = _sample_data()
    page = new_page(browser, browser_context_args, size)
    base = live_server.url
    page.goto(base + LOGIN_PATH)
    page.locator("#id_login").fill(ROLES[role])
    page.locator("#id_password").fill("zi-demo-2026")
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(base + LANDING[role]) + r"$"))

    folder = tmp_path / "shots"
    problems: list[str] = []
    phone = SIZES[size] is PHONE
    for name, path in pages_of(role, sample).items():
        open_page(page, base + path, name)
        where = f"{name} ({path}) at {size}"
        found = page.evaluate(MEASURE, TAP_TARGETS)
        if found["scrollWidth"] > found["clientWidth"] + 1:
            problems.append(f"{where}: {found['scrollWidth']} px wide: {found['wide']}")
        if phone and name == "dashboard":
            # The heat map is stacked on a phone: every quarter × area cell on screen,
            # none hidden in a box that scrolls sideways.
            right = page.evaluate(
                "() => Math.max(...[...document.querySelectorAll('#heat-map td')]"
                ".map(td => td.getBoundingClientRect().right))"
            )
            if right > found["clientWidth"] + 1:
                problems.append(f"{where}: heat map cells reach {right:.0f} px")
            # The overdue table keeps the PIC and the days late on screen.
            right = page.evaluate(
                "() => Math.max(...[...document.querySelectorAll('#terlambat [data-col]')]"
                ".map(td => td.getBoundingClientRect().right))"
            )
            if right > found["clientWidth"] + 1:
                problems.append(f"{where}: overdue PIC or days late reach {right:.0f} px")
        if name == "dashboard":
            # Chart labels are drawn at 12 px or more, on the phone as on the laptop.
            smallest = page.evaluate(CHART_TEXT)
            if smallest < 12:
                problems.append(f"{where}: chart text {smallest:.1f} px")
        if "<" in page.title():
            problems.append(f"{where}: markup in the title {page.title()!r}")
        shoot(page, folder, f"{role}-{name}-{size}")
        if phone:
            toggle = page.locator(".navtoggle")
            if toggle.is_visible():
                toggle.click()
                expect(toggle).to_have_attribute("aria-expanded", "true")
            found = page.evaluate(MEASURE, TAP_TARGETS)
            if found["small"]:
                problems.append(f"{where}: tap targets under {MIN_TAP} px: {found['small']}")
    page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_indonesian(live_demo, live_server, page: Page, role):
    """(c) none of the English words, nor Django's "---------", in the visible text of an
    Indonesian page (the user's own data aside)."""
    sample = _sample_data()
    login(page, live_server, ROLES[role])
    words = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b")
    problems: list[str] = []
    for name, path in pages_of(role, sample).items():
        open_page(page, live_server.url + path, name)
        text = page.evaluate(VISIBLE_TEXT, USER_DATA)
        for allowed in ALLOWED:
            text = text.replace(allowed, " ")
        # Options of a closed <select> are not in innerText: read them apart.
        options = page.locator("select option").all_inner_texts()
        found = sorted(set(words.findall(text)))
        if any(PLACEHOLDER in option for option in options) or PLACEHOLDER in text:
            found.append(PLACEHOLDER)
        if found:
            problems.append(f"{name} ({path}): {', '.join(found)}")
    assert not problems, "\n".join(problems)


def test_bundle_index_fits_a_phone(live_demo, phone_page: Page):
    """The evidence bundle's index.html (opened from the unzipped folder) fits a phone:
    its tables scroll inside their own box."""
    sample = _sample_data()
    version = EvidenceRequirement.objects.get(pk=sample.item).versions.order_by("-number")[0]
    evidence_services.evidence_review(
        version=version, user=User.objects.get(email=ROLES["tpi"]), decision="approve"
    )
    target = io.BytesIO()
    build_bundle(plan=version.requirement.cell.quarter.plan, quarter=1, target=target)
    with zipfile.ZipFile(target) as bundle:
        index = bundle.read("index.html").decode()
    phone_page.set_content(index)
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    assert "Daftar hadir rapat" in phone_page.locator("table").first.inner_text()


@pytest.mark.parametrize(
    "path, name", [("/rencana/2026/matriks/", "matrix"), ("/dasbor/", "dashboard")]
)
def test_printout_keeps_every_column(live_demo, live_server, page: Page, tmp_path, path, name):
    """The matrix and the dashboard print on landscape A4 without the menu and the
    buttons, every area and every quarter column on paper; the Cetak button prints."""
    login(page, live_server, ROLES["ketua"])
    page.goto(live_server.url + path)
    expect(page.get_by_role("button", name="Cetak")).to_be_visible()
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=pdf, prefer_css_page_size=True, print_background=True)
    text = _pdf_text(pdf)
    for code in ["MP", "TL", "SDM", "AK", "PW", "PP"]:
        assert re.search(rf"\b{code}\b", text), code
    for quarter in ["TW I", "TW II", "TW III", "TW IV"]:
        assert quarter in text, quarter
    assert "Keluar" not in text and "Cetak" not in text and "Cari" not in text
    size = _pdf_page_size(pdf)
    assert size[0] > size[1], size  # landscape
    png = tmp_path / name
    subprocess.run(  # noqa: S603 - fixed arguments, a file of this test
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(png)], check=True
    )
    SHOTS_COPY.mkdir(parents=True, exist_ok=True)
    for made in tmp_path.glob(f"{name}*.png"):
        shutil.copyfile(made, SHOTS_COPY / f"print-{made.name}")


def _pdf_text(pdf: Path) -> str:
    done = subprocess.run(  # noqa: S603 - fixed arguments, a file of this test
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    )
    return done.stdout


def _pdf_page_size(pdf: Path) -> tuple[float, float]:
    done = subprocess.run(  # noqa: S603 - fixed arguments, a file of this test
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True
    )
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", done.stdout)
    assert found, done.stdout
    return float(found.group(1)), float(found.group(2))
