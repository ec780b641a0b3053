"""The LHE: the lead assessor asks for it, the worker's build stores a PDF with its
SHA-256 that names the unit, every area's score, the recommendation and the assessors.
Rendered to PNG in /tmp/shots-lhe/ for a person to look at."""

from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from evaluation import services as evaluation_services
from evaluation import stages
from lke import scoring, selectors
from lke import services as lke_services
from lke.models import LkeQuestion, Side
from monev import reports
from monev.choices import ReportKind, ReportStatus
from monev.models import Report
from tests.evaluation.conftest import YEAR, _client
from workplan.choices import AREA_ORDER
from zi_portal.accounts.models import User

pytestmark = pytest.mark.django_db
SHOTS = Path("/tmp/shots-lhe")  # noqa: S108 - pages for a person to look at


def comma(value) -> str:
    return f"{scoring.r2(value):.2f}".replace(".", ",")


def test_lead_builds_the_lhe(unit_b):
    unit = unit_b["unit"]
    lead = User.objects.get(email="inspektorat@example.org")
    master = lke_services.master_ensure()
    tree = selectors.parsed_master(master)
    questions = {q.soal_id: q for q in master.questions.all()}
    for sid, q in list(tree.questions.items())[:60]:
        if q.answer_type in scoring.CHOICE_TYPES:
            lke_services.answer_save(
                unit=unit, question=questions[sid], side=Side.TPI, user=lead,
                value=q.options[0].key, note=f"Bukti soal {sid} lengkap dan sah.",
            )  # fmt: skip
    pw = LkeQuestion.objects.filter(master=master, area_code="PW").order_by("order")[0]
    evaluation_services.decide(
        user=lead, unit=unit, question=pw, decision="kirim_balik",
        note="Unggah laporan pengendalian gratifikasi semester II.",
    )  # fmt: skip
    stages.stage_record(user=lead, unit=unit, year=YEAR, kind="usulan")

    # A member may not ask for it; the lead may.
    member = _client("auditor2@itjen.example.org")
    member.post("/unit/pindah/", {"unit": unit.pk})
    refused = member.post(f"/laporan/lhe/{YEAR}/", follow=True)
    assert "LHE disusun oleh ketua tim asesor" in refused.content.decode()
    assert not Report.objects.filter(kind=ReportKind.LHE).exists()
    response = unit_b["assessor"].post(f"/laporan/lhe/{YEAR}/")
    assert response.status_code == 302
    report = Report.objects.get(kind=ReportKind.LHE, plan__unit=unit)
    built = reports.report_build(report_id=report.pk)  # what the worker runs
    assert built.status == ReportStatus.READY, built.error
    data = default_storage.open(built.file.name).read()
    assert hashlib.sha256(data).hexdigest() == built.sha256 and len(data) == built.size

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    assert "Laporan Hasil Evaluasi" in flat and unit.name in flat
    t = selectors.unit_score(unit=unit, master=master, side=Side.TPI)
    for area in t.areas:
        assert f"{area.code} ·" in flat
        assert f"nilai asesor {comma(area.score)} dari {comma(area.max)}" in flat
    assert comma(t.total) in flat
    assert "Asesor Inspektorat (demo)" in flat and "Auditor Kedua" in flat
    assert "Unggah laporan pengendalian gratifikasi semester II." in flat
    assert "Bukti soal" in flat
    assert "Belum diusulkan" in flat  # a partial LKE does not meet Tabel 6
    assert "Ketua Tim Asesor" in flat
    assert len(AREA_ORDER) == 6

    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf_path = SHOTS / "lhe.pdf"
    pdf_path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf_path), str(SHOTS / "page")], check=True)
    assert list(SHOTS.glob("page-*.png"))
