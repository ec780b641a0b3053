"""The survey report: the PDF's text (unit, IKM and grade, NRR per unsur, the excluded
response's reason, the trend's values, the demographics, the method's weight), its
download per role and unit, and the page panel that shows the trend and the link.

``skm_survey`` is the hand-worked SKM the follow-up and attach tests use too."""

from __future__ import annotations

import io
import os
import re
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from surveys import services
from surveys.models import Survey
from surveys.report import survey_pdf
from surveys.trend import survey_trend
from tests.multiunit import users_b
from tests.surveys.helpers import answer, make_services, make_survey

pytestmark = pytest.mark.django_db

SPECS = (("lapor", "Layanan pelaporan", 100), ("konsul", "Layanan konsultasi", 1000))
# The period the hand-worked survey is moved to (the demo plan's year, whatever today is).
TW4 = (date(2026, 10, 1), date(2026, 12, 31), 4)
TW3 = (date(2026, 7, 1), date(2026, 9, 30), 3)


def _move(survey: Survey, period) -> Survey:
    """Put a survey in ``period`` once its responses are in (the form takes them only
    while it is open, today)."""
    starts, ends, quarter = period
    Survey.objects.filter(pk=survey.pk).update(starts_on=starts, ends_on=ends, quarter=quarter)
    return Survey.objects.select_related("unit").get(pk=survey.pk)


def skm_survey(demo, *, close: bool = True) -> dict:
    """A TW IV 2026 SKM with 30 counted respondents and one excluded, and a TW III
    survey before it. By hand, per unsur (sum / 30): 10 respondents answer 4
    everywhere, 20 answer 3,3,3,3,3,3,2,2,1:
    U1–U6 (40 + 60) / 30 = 3.333   U7, U8 (40 + 40) / 30 = 2.667   U9 (40 + 20) / 30 = 2.000
    Sum 20 + 5.333 + 2 = 27.333, IKM = 27.333 / 9 = 3.037, × 25 = 75.93: C, Kurang Baik.
    The lowest three are U9, U7 and U8. TW III: two respondents answering 4: 100.00, A."""
    unit, ketua = demo["plan"].unit, demo["users"]["ketua"]
    lapor, konsul = make_services(unit, ketua, SPECS)
    earlier = make_survey(unit, ketua, title="SKM TW III 2026", service_list=[lapor, konsul])
    for n in range(2):
        answer(earlier, lapor, [4] * 9, n=n)
    earlier = _move(earlier, TW3)
    survey = make_survey(
        unit, ketua, title="SKM Pelayanan TW IV 2026", service_list=[lapor, konsul]
    )
    questions = list(survey.questions.all())
    for n in range(10):
        services.response_submit(
            survey=survey,
            service=lapor,
            answers={q.pk: 4 for q in questions},
            particulars={"age_band": "30-39", "sex": "P", "education": "s1", "occupation": "pns"},
            device_digest=f"uji-a-{n}",
        )
    for n in range(20):
        answer(survey, konsul if n % 2 else lapor, [3, 3, 3, 3, 3, 3, 2, 2, 1], n=100 + n)
    doubled = answer(survey, lapor, [1] * 9, n=999)
    services.response_exclude(response=doubled, user=ketua, reason="Responden ganda dari loket")
    if close:
        services.survey_set_status(survey=survey, user=ketua, status="closed")
    return {"survey": _move(survey, TW4), "earlier": earlier, "excluded": doubled}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_says_what_the_survey_found(demo):
    made = skm_survey(demo)
    survey_pdf(made["survey"])  # the process's first: WeasyPrint's import and fonts
    start = time.perf_counter()
    data = survey_pdf(made["survey"])
    took = time.perf_counter() - start
    assert data.startswith(b"%PDF-")
    assert took < 5, took  # built in the request: well under a few seconds
    if os.environ.get("ZI_DUMP_PDF"):
        Path(os.environ["ZI_DUMP_PDF"]).write_bytes(data)
        print("built in", took)
    text = " ".join(pdf_text(data).split())
    assert demo["plan"].unit.name in text
    assert "SKM Pelayanan TW IV 2026" in text and "TW IV 2026" in text
    assert "Peraturan Menteri PANRB Nomor 14 Tahun 2017" in text
    assert "tepat 1/9" in text and "bukan angka 0,111" in text
    assert "Krejcie" in text and "30 responden" in text
    # NRR per unsur (three decimals) and the IKM, converted value and grade.
    assert "U1 Persyaratan 3,333" in text
    assert "2,667" in text and "2,000" in text
    assert "3,037" in text and "75,93" in text and "Kurang Baik" in text
    # Respondents per service (targets 80 and 278) and per demographic.
    assert "Layanan pelaporan 100 80 20" in text and "Layanan konsultasi 1000 278 10" in text
    assert "30–39 tahun 10 33,3" in text and "Tidak diisi 20 66,7" in text
    # The trend: TW III at 100.00 (A) before this survey.
    assert text.index("TW III 2026") < text.rindex("TW IV 2026")
    assert "100,00" in text
    # The excluded response and its reason; the follow-ups proposed.
    assert f"#{made['excluded'].pk}" in text and "Responden ganda dari loket" in text
    assert "U9 · Sarana dan prasarana 2,000 50,00 (D) Diusulkan" in text
    assert "U1 · Persyaratan" not in text  # not among the lowest three
    # Page numbers.
    assert re.search(r"Halaman 2 dari \d", text)


def test_trend_in_order_with_values(demo):
    made = skm_survey(demo)
    points = [
        p
        for p in survey_trend(made["survey"])
        if p.survey.pk in (made["earlier"].pk, made["survey"].pk)
    ]
    assert [(p.label, str(p.value), p.grade.letter, p.current) for p in points] == [
        ("TW III 2026", "100.00", "A", False),
        ("TW IV 2026", "75.93", "C", True),
    ]


def test_ipkp_report_shows_the_mean(demo):
    unit, ketua = demo["plan"].unit, demo["users"]["ketua"]
    service_list = make_services(unit, ketua, (("izin", "Perizinan", 50),))
    survey = make_survey(unit, ketua, kind="ipkp", title="IPKP TW IV", service_list=service_list)
    n = survey.questions.count()
    answer(survey, service_list[0], [4] * n, n=1)
    answer(survey, service_list[0], [3] * n, n=2)
    data = survey_pdf(survey)
    if os.environ.get("ZI_DUMP_PDF"):
        Path(os.environ["ZI_DUMP_PDF"]).with_suffix(".ipkp.pdf").write_bytes(data)
    text = " ".join(pdf_text(data).split())
    assert "Peraturan Menteri PANRB Nomor 90 Tahun 2021" in text
    assert "3,50" in text and "skala 1–4" in text


@pytest.mark.parametrize(
    ("who", "status"),
    [("ketua", 200), ("kepala", 200), ("tpi", 200), ("pic.pp", 403), ("pic.pw", 403)],
)
def test_download_per_role(client, demo, who, status):
    survey = make_survey(
        demo["plan"].unit,
        demo["users"]["ketua"],
        service_list=make_services(demo["plan"].unit, demo["users"]["ketua"], SPECS),
    )
    path = f"/survei/{survey.pk}/laporan.pdf"
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/akun/" in anonymous["Location"]
    client.force_login(demo["users"][who])
    response = client.get(path)
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "attachment;" in response["Content-Disposition"]
        assert survey.title in pdf_text(response.content)
    else:
        assert "Ketua Tim ZI" in response.content.decode()


@pytest.mark.parametrize("who", ["ketua", "kepala", "tpi"])
def test_another_units_report_is_not_found(client, demo, who):
    survey = make_survey(
        demo["plan"].unit,
        demo["users"]["ketua"],
        service_list=make_services(demo["plan"].unit, demo["users"]["ketua"], SPECS),
    )
    client.force_login(users_b()[who])
    assert client.get(f"/survei/{survey.pk}/laporan.pdf").status_code == 404


def test_panel_shows_trend_download_and_proposals(client, demo):
    made = skm_survey(demo)
    client.force_login(demo["users"]["kepala"])
    page = client.get(f"/survei/{made['survey'].pk}/").content.decode()
    assert f'href="/survei/{made["survey"].pk}/laporan.pdf"' in page
    assert 'class="chart-columns survey-trend"' in page and "100,00" in page and "75,93" in page
    assert 'id="usulan-U9"' in page and 'id="usulan-U7"' in page and 'id="usulan-U8"' in page
    assert 'id="usulan-U1"' not in page
    assert "Jadikan temuan" not in page  # the Kepala sees the proposals, not the form
