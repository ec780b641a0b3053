"""The responses as XLSX, read back with openpyxl: one row per response with its service,
particulars, answers, source, flag and exclusion; the results per unsur equal the
survey's page; texts that look like formulas stay text; who may download it."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from surveys import selectors, services
from surveys.imports import responses_import
from tests.multiunit import users_b
from tests.spreadsheets import PAYLOADS, assert_xlsx_inert
from tests.surveys.helpers import answer, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(demo):
    return make_survey(demo["plan"].unit, demo["users"]["ketua"])


def _fill(survey, ketua):
    loket, daring = survey.services.order_by("code").reverse()
    form = services.response_submit(
        survey=survey,
        service=loket,
        answers={q.pk: 4 for q in survey.questions.all()},
        particulars={"age_band": "20-29", "sex": "P", "education": "s1", "occupation": "pns"},
        device_digest="uji-xlsx-1",
    )
    flagged = answer(survey, daring, [1] * 9, flag="too_fast", n=2)
    csv = "layanan,U1,U2,U3,U4,U5,U6,U7,U8,U9,jenis_kelamin\ndaring,3,3,3,3,3,3,3,3,2,L\n"
    responses_import(survey=survey, data=csv.encode(), filename="kertas.csv", user=ketua)
    excluded = [answer(survey, loket, [2] * 9, n=10 + i) for i in range(len(PAYLOADS))]
    for response, payload in zip(excluded, PAYLOADS, strict=True):
        services.response_exclude(response=response, user=ketua, reason=payload)
    return form, flagged, excluded


def test_one_row_per_response_with_everything(client, demo, survey):
    ketua = demo["users"]["ketua"]
    form, flagged, excluded = _fill(survey, ketua)
    client.force_login(ketua)
    response = client.get(f"/survei/{survey.pk}/respons.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"survei-{survey.pk}-skm-respons.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Respons", "Hasil"]
    rows = [[c.value for c in row] for row in book["Respons"].iter_rows()]
    header = rows[0]
    assert header[:8] == [
        "No. respons", "Dikirim", "Kode layanan", "Layanan", "Usia", "Jenis kelamin",
        "Pendidikan", "Pekerjaan",
    ]  # fmt: skip
    assert header[8:17] == [f"U{i}" for i in range(1, 10)]
    assert header[17:] == [
        "Sumber", "Ditandai", "Diterima Ketua", "Dikecualikan", "Alasan pengecualian"
    ]  # fmt: skip
    assert len(rows) == 1 + 3 + len(PAYLOADS)
    by_id = {row[0]: row for row in rows[1:]}
    first = by_id[form.pk]
    assert isinstance(first[1], datetime)
    assert first[2:8] == ["loket", "Layanan loket", "20–29 tahun", "Perempuan", "D4/S1", "PNS"]
    assert first[8:17] == [4] * 9
    assert first[17:] == ["Formulir daring", None, None, "Tidak", None]
    assert by_id[flagged.pk][17:20] == ["Formulir daring", "Diisi terlalu cepat", "Tidak"]
    imported = next(row for row in rows[1:] if row[17] == "Impor")
    assert imported[2] == "daring" and imported[5] == "Laki-laki"
    assert imported[8:17] == [3] * 8 + [2]
    assert by_id[excluded[0].pk][20] == "Ya"
    # The reasons typed like formulas are there, as text a spreadsheet will not evaluate.
    assert_xlsx_inert(response.content, PAYLOADS)
    reason = by_id[excluded[0].pk][21]
    assert reason.startswith("'=HYPERLINK(") and book["Respons"].cell(2, 1).data_type == "n"


def test_results_sheet_equals_the_page(client, demo, survey):
    ketua = demo["users"]["ketua"]
    _fill(survey, ketua)
    client.force_login(ketua)
    book = load_workbook(io.BytesIO(client.get(f"/survei/{survey.pk}/respons.xlsx").content))
    rows = [[c.value for c in row] for row in book["Hasil"].iter_rows()]
    assert rows[0] == ["Kode", "Unsur", "Semua layanan", "Layanan daring", "Layanan loket"]
    results = selectors.survey_results(survey)
    assert rows[1][1:3] == ["Responden", 2]  # the form's and the import; flagged waits
    assert rows[2][0] == "U1" and rows[2][2] == float(round(results.total.nrr[0][1], 3))
    assert rows[10][0] == "U9" and rows[10][2] == 3.0  # (4 + 2) / 2
    labels = {row[1]: row[2:] for row in rows[11:]}
    total = results.total
    assert labels["IKM (bobot 1/9 per unsur)"][0] == float(round(total.ikm, 3))
    assert labels["Nilai konversi (IKM × 25)"][0] == float(total.converted)
    assert labels["Mutu pelayanan"][0] == f"{total.grade.letter} ({total.grade.label})"
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    shown = f"{total.converted:.2f}".replace(".", ",")
    assert shown in page or f"{total.converted:.2f}" in page


def test_ipkp_results_sheet_has_the_mean(client, demo):
    ketua = demo["users"]["ketua"]
    survey = make_survey(demo["plan"].unit, ketua, kind="ipkp", title="IPKP TW IV")
    answer(survey, survey.services.first(), [3] * 7 + [4], n=1)
    client.force_login(ketua)
    book = load_workbook(io.BytesIO(client.get(f"/survei/{survey.pk}/respons.xlsx").content))
    last = [c.value for c in list(book["Hasil"].iter_rows())[-1]]
    assert last[1] == "Nilai rata-rata (skala 1–4)" and last[2] == 3.13  # 25 / 8 = 3.125


@pytest.mark.parametrize(("who", "status"), [("kepala", 200), ("tpi", 200), ("pic.pp", 403)])
def test_who_may_download(client, demo, survey, who, status):
    client.force_login(demo["users"][who])
    assert client.get(f"/survei/{survey.pk}/respons.xlsx").status_code == status


def test_another_units_people_and_anonymous(client, survey):
    client.force_login(users_b()["ketua"])
    assert client.get(f"/survei/{survey.pk}/respons.xlsx").status_code == 404
    client.logout()
    assert client.get(f"/survei/{survey.pk}/respons.xlsx").status_code == 302
