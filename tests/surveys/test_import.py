"""Importing responses collected elsewhere: a good CSV, a good XLSX, a semicolon CSV with
a byte-order mark, every kind of problem named by row and column with nothing stored,
the same file refused the second time, the command's exit code and output, the
templates, and only the Ketua Tim of the unit may import."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from surveys import selectors
from surveys.models import Answer, Response, ResponseImport
from tests.multiunit import users_b
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db

HEADER = ["layanan", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"]
GOOD = [
    ["loket", "4", "3", "3", "4", "3", "3", "4", "2", "3"],
    ["Layanan daring", "2", "2", "3", "3", "3", "3", "3", "3", "3"],
    ["LOKET", "1", "2", "3", "4", "1", "2", "3", "4", "1"],
]


@pytest.fixture
def survey(demo):
    return make_survey(demo["plan"].unit, demo["users"]["ketua"])


def csv_bytes(rows, sep=",", bom=False) -> bytes:
    text = "\r\n".join(sep.join(row) for row in rows) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode()


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(client, survey, data: bytes, name="respons.csv"):
    return client.post(
        f"/survei/{survey.pk}/impor/", {"file": SimpleUploadedFile(name, data)}, follow=False
    )


def test_good_csv_is_imported_marked_and_counted(client, demo, survey):
    ketua = demo["users"]["ketua"]
    client.force_login(ketua)
    rows = [
        [*HEADER, "usia", "jenis_kelamin", "pendidikan", "pekerjaan"],
        [*GOOD[0], "20-29", "P", "s1", "pns"],
        [*GOOD[1], "30–39 tahun", "Laki-laki", "SMA", "Pegawai swasta"],
        [*GOOD[2], "", "", "", ""],
    ]
    data = csv_bytes(rows)
    response = post(client, survey, data)
    assert response.status_code == 302 and response["Location"] == f"/survei/{survey.pk}/"
    stored = list(Response.objects.filter(survey=survey).order_by("pk"))
    assert [r.service.code for r in stored] == ["loket", "daring", "loket"]
    assert {r.source for r in stored} == {"import"} and {r.flag_reason for r in stored} == {""}
    assert (stored[0].age_band, stored[0].sex, stored[0].education, stored[0].occupation) == (
        "20-29", "P", "s1", "pns",
    )  # fmt: skip
    assert (stored[1].age_band, stored[1].sex, stored[1].education, stored[1].occupation) == (
        "30-39", "L", "sma", "swasta",
    )  # fmt: skip
    assert stored[2].age_band == "" and stored[2].sex == ""
    values = list(
        Answer.objects.filter(response=stored[0])
        .order_by("question__order")
        .values_list("value", flat=True)
    )
    assert values == [4, 3, 3, 4, 3, 3, 4, 2, 3]
    record = ResponseImport.objects.get(survey=survey)
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert (record.rows, record.imported_by, record.filename) == (3, ketua, "respons.csv")
    assert selectors.survey_results(survey).total.respondents == 3
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    assert "3 respons diimpor dari respons.csv" in page and "respons.csv · 3" in page


def test_good_xlsx_with_positions_as_headers(client, demo, survey):
    client.force_login(demo["users"]["ketua"])
    rows = [
        ["Layanan", *range(1, 10), "Jenis Kelamin"],
        ["daring", 4, 4, 4, 4, 4, 4, 4, 4, 4.0, "Perempuan"],
        [None] * 11,  # a blank row in the sheet is skipped
        ["loket", 1, 2, 3, 4, 1, 2, 3, 4, 1, None],
    ]
    assert post(client, survey, xlsx_bytes(rows), "respons.xlsx").status_code == 302
    stored = list(Response.objects.filter(survey=survey).order_by("pk"))
    assert [(r.service.code, r.sex, r.source) for r in stored] == [
        ("daring", "P", "import"),
        ("loket", "", "import"),
    ]
    total = selectors.survey_results(survey).total
    assert [float(v) for _q, v in total.nrr][:4] == [2.5, 3.0, 3.5, 4.0]


def test_semicolon_csv_with_bom_as_indonesian_excel_writes_it(client, demo, survey):
    client.force_login(demo["users"]["ketua"])
    rows = [[*HEADER, "jenis_kelamin"], [*GOOD[0], "Laki-laki"], [*GOOD[1], "P"]]
    assert post(client, survey, csv_bytes(rows, sep=";", bom=True)).status_code == 302
    stored = Response.objects.filter(survey=survey).order_by("pk")
    assert [(r.service.code, r.sex) for r in stored] == [("loket", "L"), ("daring", "P")]


def _with(row_index: int, column: str, value: str) -> list[list[str]]:
    rows = [list(HEADER), *(list(r) for r in GOOD)]
    rows[row_index][HEADER.index(column)] = value
    return rows


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (_with(2, "U3", "5"), "Baris 3, kolom U3: nilai 5 di luar 1–4"),
        (_with(1, "U1", ""), "Baris 2, kolom U1: kosong; isi 1, 2, 3 atau 4"),
        (_with(3, "U9", "baik"), "Baris 4, kolom U9: “baik” bukan angka; isi 1, 2, 3 atau 4"),
        (_with(1, "U2", "0"), "Baris 2, kolom U2: nilai 0 di luar 1–4"),
        (
            _with(2, "layanan", "parkir"),
            "Baris 3, kolom layanan: “parkir” bukan jenis layanan survei ini; isi kode atau "
            "nama salah satu: daring (Layanan daring), loket (Layanan loket).",
        ),
        (_with(1, "layanan", ""), "Baris 2, kolom layanan: kosong; isi kode atau nama"),
        (
            [[*HEADER, "usia"], [*GOOD[0], "tua"]],
            "Baris 2, kolom usia: “tua” tidak dikenal; isi salah satu: lt20 (Di bawah 20 tahun)",
        ),
        ([HEADER[:-1], [g[:-1] for g in GOOD][0]], "Baris 1, kolom U9: kolom pertanyaan tidak ada"),
        ([[*HEADER, "catatan"], [*GOOD[0], "x"]], "Baris 1, kolom catatan: kolom tidak dikenal"),
        ([HEADER[1:], GOOD[0][1:]], "Baris 1, kolom layanan: kolom wajib tidak ada"),
        ([[*HEADER, "u1"], [*GOOD[0], "3"]], "Baris 1, kolom u1: kolom ganda"),
        ([HEADER], "Berkas tidak berisi respons di bawah baris judul."),
    ],
)
def test_each_problem_is_named_and_nothing_is_stored(client, demo, survey, rows, expected):
    client.force_login(demo["users"]["ketua"])
    response = post(client, survey, csv_bytes(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Impor dibatalkan; tidak ada respons yang disimpan." in page
    assert expected in page.replace("&#x27;", "'"), page[page.find("masalah-impor") :][:800]
    assert not Response.objects.filter(survey=survey).exists()
    assert not ResponseImport.objects.exists()


def test_every_problem_of_the_file_is_listed_at_once(client, demo, survey):
    client.force_login(demo["users"]["ketua"])
    rows = _with(1, "U3", "5")
    rows[3][HEADER.index("U7")] = "9"
    page = post(client, survey, xlsx_bytes(rows), "salah.xlsx").content.decode()
    assert "Baris 2, kolom U3: nilai 5 di luar 1–4" in page
    assert "Baris 4, kolom U7: nilai 9 di luar 1–4" in page
    assert not Response.objects.exists()


def test_a_file_that_is_neither_utf8_csv_nor_xlsx(client, demo, survey):
    client.force_login(demo["users"]["ketua"])
    response = post(client, survey, "layanan,U1\nlóket,4\n".encode("latin-1"))
    assert response.status_code == 400 and "Berkas bukan CSV UTF-8 atau XLSX" in (
        response.content.decode()
    )
    broken = post(client, survey, b"PK\x03\x04 bukan zip", "rusak.xlsx")
    assert broken.status_code == 400 and "Berkas XLSX tidak dapat dibaca" in (
        broken.content.decode()
    )
    assert not Response.objects.exists()


def test_the_same_file_twice_is_refused(client, demo, survey):
    client.force_login(demo["users"]["ketua"])
    data = csv_bytes([HEADER, *GOOD])
    assert post(client, survey, data).status_code == 302
    again = post(client, survey, data, "nama-lain.csv")
    assert again.status_code == 400
    text = again.content.decode()
    assert "Berkas yang sama persis (SHA-256 sama) sudah diimpor ke survei ini" in text
    assert "(3 respons)" in text
    assert Response.objects.filter(survey=survey).count() == 3
    assert ResponseImport.objects.filter(survey=survey).count() == 1
    other = csv_bytes([HEADER, GOOD[0]])
    assert post(client, survey, other).status_code == 302
    assert Response.objects.filter(survey=survey).count() == 4


def test_imports_are_never_flagged_and_freeze_the_questions(client, demo, survey, settings):
    settings.ZI_SURVEY_FLAG_AFTER = 0
    settings.ZI_SURVEY_MIN_SECONDS = 3600
    client.force_login(demo["users"]["ketua"])
    assert post(client, survey, csv_bytes([HEADER, *GOOD])).status_code == 302
    assert not Response.objects.filter(survey=survey).exclude(flag_reason="").exists()
    assert selectors.survey_results(survey).total.respondents == 3
    question = survey.questions.first()
    edit = client.post(f"/survei/{survey.pk}/pertanyaan/", {f"q{question.pk}-text": "Baru"})
    assert "sudah menerima respons" in edit.content.decode()


def test_a_draft_survey_refuses_an_import(client, demo):
    survey = make_survey(demo["plan"].unit, demo["users"]["ketua"], open_=False)
    client.force_login(demo["users"]["ketua"])
    response = post(client, survey, csv_bytes([HEADER, *GOOD]))
    assert response.status_code == 400 and "Survei ini masih draf" in response.content.decode()
    assert not Response.objects.exists()


def test_the_templates_have_the_surveys_headers(client, demo, survey):
    client.force_login(demo["users"]["ketua"])
    columns = [*HEADER, "usia", "jenis_kelamin", "pendidikan", "pekerjaan"]
    csv_file = client.get(f"/survei/{survey.pk}/impor/templat.csv")
    assert csv_file.status_code == 200 and csv_file["Content-Type"].startswith("text/csv")
    assert csv_file.content.decode("utf-8-sig").splitlines() == [",".join(columns)]
    xlsx_file = client.get(f"/survei/{survey.pk}/impor/templat.xlsx")
    book = load_workbook(io.BytesIO(xlsx_file.content))
    assert [c.value for c in book.worksheets[0][1]] == columns
    guide = [[c.value for c in row] for row in book["Petunjuk"].iter_rows(min_row=2)]
    assert ["layanan", "wajib", "loket", "Layanan loket"] in guide
    assert ["jenis_kelamin", "boleh kosong", "P", "Perempuan"] in guide
    # The template filled in is accepted as it is.
    filled = csv_file.content + b"loket,4,4,4,4,4,4,4,4,4,,P,,\r\n"
    assert post(client, survey, filled).status_code == 302


def _manage(*argv) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``manage.py import_survey_responses *argv``:
    ``run_from_argv`` exits with a ``CommandError``'s ``returncode`` after writing its
    message to stderr (it also closes the database connections, which the test's
    transaction cannot survive, so the same steps are taken here)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_survey_responses", *map(str, argv), stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_imports_and_says_so(demo, survey, tmp_path):
    good = tmp_path / "kertas.csv"
    good.write_bytes(csv_bytes([HEADER, *GOOD]))
    code, out, _err = _manage(survey.pk, good)
    assert code == 0
    assert f"Survei #{survey.pk}" in out and "3 respons diimpor dari kertas.csv" in out
    record = ResponseImport.objects.get(survey=survey)
    assert record.imported_by is None and record.rows == 3

    bad = tmp_path / "salah.csv"
    bad.write_bytes(csv_bytes(_with(2, "U3", "5")))
    code, out, err = _manage(survey.pk, bad)
    assert code == 1 and out == ""
    assert "Baris 3, kolom U3: nilai 5 di luar 1–4" in err and "Impor dibatalkan" in err
    code, _out, err = _manage(survey.pk, good)
    assert code == 1 and "sudah diimpor" in err
    code, _out, err = _manage(999999, good)
    assert code == 1 and "Survei #999999 tidak ada" in err
    assert Response.objects.filter(survey=survey).count() == 3


def test_the_command_records_a_ketua_and_refuses_another_role(demo, survey, tmp_path):
    path = tmp_path / "kertas.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, *GOOD]))
    code, _out, err = _manage(survey.pk, path, "--user", demo["users"]["tpi"].email)
    assert code == 1 and "Hanya Ketua Tim ZI" in err
    assert _manage(survey.pk, path, "--user", demo["users"]["ketua"].email)[0] == 0
    assert ResponseImport.objects.get(survey=survey).imported_by == demo["users"]["ketua"]


@pytest.mark.parametrize("who", ["kepala", "tpi", "pic.pp", "pic.pw"])
def test_only_the_ketua_may_import(client, demo, survey, who):
    client.force_login(demo["users"][who])
    response = post(client, survey, csv_bytes([HEADER, *GOOD]))
    assert response.status_code == 403 and "Hanya Ketua Tim ZI" in response.content.decode()
    for path in ("impor/", "impor/templat.csv", "impor/templat.xlsx"):
        assert client.get(f"/survei/{survey.pk}/{path}").status_code == 403
    page = client.get(f"/survei/{survey.pk}/")
    if page.status_code == 200:  # Kepala and TPI see the page, without the import form
        assert 'id="form-impor"' not in page.content.decode()
    assert not Response.objects.exists()


def test_another_units_ketua_and_anonymous(client, demo, survey):
    client.force_login(users_b()["ketua"])
    assert post(client, survey, csv_bytes([HEADER, *GOOD])).status_code == 404
    assert client.get(f"/survei/{survey.pk}/impor/templat.csv").status_code == 404
    client.logout()
    anonymous = post(client, survey, csv_bytes([HEADER, *GOOD]))
    assert anonymous.status_code == 302 and "/akun/" in anonymous["Location"]
    assert not Response.objects.exists()
    client.force_login(demo["users"]["ketua"])
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    assert 'id="form-impor"' in page and "templat.xlsx" in page
