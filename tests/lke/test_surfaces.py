"""The LKE outside its own pages: the annual monev report closes with the score and the
WBK/WBBM readiness, the dashboard shows the score, "Tugas saya" shows the PIC's areas."""

from datetime import date
from decimal import Decimal

import pytest

from lke import scoring, selectors, services
from lke.models import LkeQuestion, Predicate, Side
from monev import reports
from tests.monev.test_reports import pdf_text

pytestmark = pytest.mark.django_db


def answer(demo, soal_id: int, value: str, side: str = Side.UNIT) -> None:
    master = selectors.master_for_year(2026)
    question = LkeQuestion.objects.select_related("master").get(master=master, soal_id=soal_id)
    services.answer_save(
        unit=demo["plan"].unit,
        question=question,
        side=side,
        # The TPI column is the assessors' alone.
        user=demo["users"]["tpi" if side == Side.TPI else "ketua"],
        value=value,
    )


def test_annual_report_has_the_lke_score_and_readiness(demo):
    # IPAK 3.60 → 15.75 points; IPKP 3.20 → 14.00; kinerja C → 2.50. Total 32.25.
    answer(demo, 125, "3.60")
    answer(demo, 126, "C")
    answer(demo, 127, "3.20")
    answer(demo, 125, "4", side=Side.TPI)
    Predicate.objects.create(unit=demo["plan"].unit, kind="WBK", year=2025)
    text = pdf_text(reports.build_pdf(plan=demo["plan"], quarter=None, today=date(2026, 12, 31)))
    assert "Nilai LKE ZI dan kesiapan WBK/WBBM" in text
    assert "Nilai evaluasi Zona Integritas 100,00 32,25 17,50" in text
    # Total, Pengungkit and the six areas: 8 conditions unmet; Hasil meets its four.
    assert "Kesiapan Menuju WBK: belum memenuhi (8 syarat)" in text
    # Hasil conditions are met exactly at their minimums; the pengungkit ones are not.
    assert "Survei persepsi anti korupsi (IPAK) 15,75 15,75 terpenuhi" in text
    assert "Pelayanan publik yang prima (IPKP) 14,00 14,00 terpenuhi" in text
    assert "Nilai total 75,00 32,25 belum 42,75" in text
    assert "Telah memperoleh predikat Menuju WBK wajib ada terpenuhi" in text


def test_quarterly_report_has_no_lke_chapter(demo):
    text = pdf_text(reports.build_pdf(plan=demo["plan"], quarter=1, today=date(2026, 3, 31)))
    assert "Kesiapan Menuju WBK" not in text


def test_dashboard_shows_the_lke_score(client, demo):
    answer(demo, 125, "4")  # 17.50 points
    client.force_login(demo["users"]["kepala"])
    page = client.get("/dasbor/?tahun=2026").content.decode()
    assert 'data-testid="lke-total">17,50<' in page
    assert "Menuju WBK: 11 syarat belum" in page


def test_the_dashboards_lke_score_follows_answers_and_predicates(client, demo):
    # Cached under what the score is made of: each change is on the next dashboard.
    client.force_login(demo["users"]["kepala"])
    assert 'data-testid="lke-total">0,00<' in client.get("/dasbor/?tahun=2026").content.decode()
    answer(demo, 125, "4")
    assert 'data-testid="lke-total">17,50<' in client.get("/dasbor/?tahun=2026").content.decode()
    answer(demo, 125, "2")  # the same answer changed: 8.75 points
    assert 'data-testid="lke-total">8,75<' in client.get("/dasbor/?tahun=2026").content.decode()
    before = client.get("/dasbor/?tahun=2026").content.decode()
    Predicate.objects.create(unit=demo["plan"].unit, kind="WBK", year=2025)
    after = client.get("/dasbor/?tahun=2026").content.decode()
    # Holding Menuju WBK meets one more condition of Menuju WBBM.
    unmet = lambda page: int(page.split("Menuju WBBM: ")[1].split(" syarat")[0])  # noqa: E731
    assert unmet(after) == unmet(before) - 1


def test_my_tasks_lists_the_pics_lke_area(client, demo):
    answer(demo, 51, "A")
    client.force_login(demo["users"]["pic.pw"])
    page = client.get("/tugas/").content.decode()
    assert 'href="/lke/2026/area/PW/"' in page
    pw_total = LkeQuestion.objects.filter(area_code="PW").count()
    assert f"1 dari {pw_total} soal dijawab" in page
    assert "/lke/2026/area/TL/" not in page


def test_scores_shown_equal_the_scoring_module(demo):
    answer(demo, 51, "B")
    result = selectors.unit_score(
        unit=demo["plan"].unit, master=selectors.master_for_year(2026), side=Side.UNIT
    )
    # Sub-area PW Pemenuhan i (weight 1.5) has soals 51 and 52: (0.5 + 0) / 2 × 1.5.
    assert scoring.r2(result.area("PW").score) == Decimal("0.38")
