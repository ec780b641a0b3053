"""Security headers by response (zi_portal/core/headers.py): every download of data and
every API answer is ``no-store``, every HTML page ``private, no-cache`` and under the
Content-Security-Policy, and no page the portal renders holds what that policy would
refuse (inline script, ``on*=`` handlers, ``style=`` attributes). The browser side is
tests/browser/test_csp.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from evidence import services as evidence_services
from monev import reports
from monev.choices import ReportKind, ReportStatus
from monev.models import Report
from tests.evidence import samples
from workplan.models import EvidenceRequirement
from zi_portal.core.headers import POLICY, SecurityHeadersMiddleware, csp

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def version(demo):
    item = EvidenceRequirement.objects.filter(cell__quarter__plan=demo["plan"]).first()
    return evidence_services.evidence_upload_file(
        requirement=item,
        upload=samples.upload("sk.pdf", samples.pdf("sk")),
        user=demo["users"]["ketua"],
    )


@pytest.fixture
def ketua(client, demo):
    client.force_login(demo["users"]["ketua"])
    return client


def test_policy_is_the_portal_s_and_allows_nothing_inline():
    assert POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    assert "unsafe" not in POLICY


DOWNLOADS = [
    ("workplan:export", [2026, "csv"], {}),
    ("workplan:export", [2026, "xlsx"], {}),
    ("monev:monev_xlsx", [], {"tahun": 2026}),
    ("lke:export", [2026, "json"], {}),
    ("lke:export", [2026, "xlsx"], {}),
    ("api-schema", [], {}),
]


@pytest.mark.parametrize(("name", "args", "query"), DOWNLOADS)
def test_exports_are_never_stored(ketua, name, args, query):
    response = ketua.get(reverse(name, args=args), query)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" not in response  # data, not a page


def test_evidence_file_is_never_stored_and_keeps_its_sandbox(ketua, version):
    response = ketua.get(reverse("evidence:download", args=[version.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_report_file_is_never_stored(ketua, demo):
    report = Report.objects.create(plan=demo["plan"], kind=ReportKind.BUNDLE, quarter=1)
    assert reports.report_build(report_id=report.pk).status == ReportStatus.READY
    response = ketua.get(reverse("monev:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("signed_in", [True, False])
def test_api_answers_are_never_stored(client, demo, version, signed_in):
    if signed_in:
        client.force_login(demo["users"]["ketua"])
    for path in (
        "/api/v1/plans/2026/requirements/",
        f"/api/v1/requirements/{version.requirement_id}/",
        f"/api/v1/evidence/{version.pk}/file/",
    ):
        response = client.get(path)
        assert response.status_code == (200 if signed_in else 401), path
        assert "no-store" in response["Cache-Control"], path


PAGES = [
    "/rencana/2026/",
    "/rencana/2026/matriks/",
    "/rencana/2026/kegiatan/",
    "/rencana/2026/area/PW/",
    "/dasbor/",
    "/tugas/",
    "/reviu/",
    "/temuan/",
    "/temuan/baru/?tahun=2026",
    "/laporan/",
    "/audit/",
    "/status/",
    "/notifikasi/",
    "/notifikasi/pengaturan/",
    "/lke/2026/",
    "/lke/2026/area/PW/",
    "/lke/2026/area/HASIL/",
    "/lke/2026/soal/1/",
    "/lke/2026/soal/1/riwayat/",
    "/lke/2026/impor/",
    "/lke/portalrb/",
]


class _Inline(HTMLParser):
    """What a strict policy refuses in a page: script bodies, on* handlers, style
    attributes and <style> elements, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            self._script = attrs

    def handle_data(self, data):
        script = self._script
        if script is not None and data.strip():
            if "src" in script or script.get("type") == "application/json":
                return
            self.found.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def inline_parts(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_private_no_cache_under_the_policy_with_nothing_inline(ketua, version, path):
    response = ketua.get(path)
    assert response.status_code == 200, path
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Content-Security-Policy"] == POLICY
    assert inline_parts(response.content.decode()) == []


def test_item_page_with_upload_has_nothing_inline(ketua, version):
    response = ketua.get(reverse("evidence:item", args=[version.requirement_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-upload-url="' in body and 'id="upload-texts"' in body  # json_script
    assert inline_parts(body) == []


@pytest.mark.parametrize("path", ["/akun/login/", "/akun/password/reset/", "/halaman-tidak-ada/"])
def test_anonymous_pages_are_under_the_policy_with_nothing_inline(client, demo, path):
    response = client.get(path)
    assert response["Content-Security-Policy"] == POLICY
    assert inline_parts(response.content.decode()) == []


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/workplan/"]
)
def test_admin_keeps_never_cache_and_gets_the_policy(ketua, path):
    response = ketua.get(path)
    assert response.status_code == 200, path
    assert "no-store" in response["Cache-Control"]  # Django's never_cache: left as it is
    assert response["Content-Security-Policy"] == POLICY
    assert inline_parts(response.content.decode()) == []


def test_api_docs_load_their_script_as_a_file(client, demo):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert inline_parts(body) == []
    assert '<script src="/api/docs/?script="></script>' in body
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert "no-store" in script["Cache-Control"]


def test_a_view_can_ask_for_another_policy_by_directive():
    @csp(img_src="'self' https://maps.example.org")
    def view(request):
        return HttpResponse("<p>peta</p>")

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/peta/"))
    assert response["Content-Security-Policy"] == POLICY.replace(
        "img-src 'self' data:", "img-src 'self' https://maps.example.org"
    )
    assert response["Cache-Control"] == "private, no-cache"


def test_a_download_marked_cacheable_by_its_view_is_still_not_stored():
    def view(request):
        response = HttpResponse(b"%PDF-", content_type="application/pdf")
        response["Cache-Control"] = "max-age=3600"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/laporan/x.pdf"))
    assert response["Cache-Control"] == "private, no-store"
    assert "Content-Security-Policy" not in response


TEMPLATES = BASE_DIR / "templates"


def test_templates_hold_no_inline_script_handler_or_style():
    """Source check over every page template (e-mails and WeasyPrint's PDF sources are
    never served as pages and keep their inline styles)."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES)
        pdf_sources = (
            ("monev", "email"),
            ("monev", "pdf"),
            ("surveys", "pdf"),
            ("ministry", "pdf"),
        )
        if relative.parts[:2] in pdf_sources:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)", text):
            found.append(f"{relative}: inline <script> at {match.start()}")
        for match in re.finditer(r"\s(on[a-z]+|style)\s*=", text):
            found.append(f"{relative}: {match.group(1)}= at {match.start()}")
        # The survey's public form and its poster are one request each: their own
        # stylesheet inline, allowed by its SHA-256 in the page's CSP (surveys/public.py).
        if "<style" in text.replace("<style>{{ css|safe }}</style>", ""):
            found.append(f"{relative}: <style>")
    assert found == []


def test_every_meter_class_has_its_width():
    css = (BASE_DIR / "static" / "css" / "zi.css").read_text(encoding="utf-8")
    assert all(f".pct-{n}{{width:{n}%}}" in css for n in range(101))
