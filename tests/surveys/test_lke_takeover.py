"""The LKE Hasil page offers the unit's latest IPAK and IPKP survey values beside their
questions; the Ketua Tim takes one into the unit's answer in one action, which goes
through the LKE's own service (the score endpoint changes), stores where it came from
and is audited; under 30 respondents is marked; others are refused; and the cached
page never shows a stale value."""

from __future__ import annotations

import pytest

from lke.models import LkeAnswer, LkeQuestion, Side
from lke.services import answer_save
from surveys import services
from surveys.choices import SurveyStatus
from surveys.models import LkeTakeover, Service, Survey
from tests.multiunit import users_b
from tests.surveys.helpers import answer, make_services, make_survey
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HASIL = "/lke/2026/area/HASIL/"
SCORE = "/api/v1/plans/2026/lke/score/?by=unit"
IPAK_SOAL, IPKP_SOAL = 125, 127


def closed_survey(demo, kind: str, values: list[int], title: str) -> Survey:
    """A closed ``kind`` survey with one respondent per value (every question answered
    with that value)."""
    unit, ketua = demo["plan"].unit, demo["users"]["ketua"]
    service_list = list(Service.objects.filter(unit=unit, code="loket"))
    service_list = service_list or make_services(unit, ketua, (("loket", "Layanan loket", 100),))
    survey = make_survey(unit, ketua, kind=kind, title=title, service_list=service_list)
    service = survey.services.first()
    count = len(survey.questions.all())
    for n, v in enumerate(values):
        answer(survey, service, [v] * count, n=n)
    services.survey_set_status(survey=survey, user=ketua, status=SurveyStatus.CLOSED)
    return Survey.objects.get(pk=survey.pk)


def take(client, survey, back="lke"):
    return client.post(f"/survei/{survey.pk}/lke/", {"tahun": "2026", "kembali": back})


def unit_answer(demo, soal: int) -> LkeAnswer | None:
    return LkeAnswer.objects.filter(
        unit=demo["plan"].unit, question__soal_id=soal, side=Side.UNIT
    ).first()


def test_the_hasil_page_shows_the_survey_value_and_taking_it_changes_the_score(client, demo):
    survey = closed_survey(demo, "ipak", [3, 3, 4, 2], "IPAK TW IV 2026")  # mean 3.00
    ketua = demo["users"]["ketua"]
    client.force_login(ketua)
    html = client.get(HASIL).content.decode()
    assert 'data-testid="source-125"' in html
    assert "IPAK TW IV 2026" in html and "4 responden" in html and "<strong>3.00</strong>" in html
    assert 'data-testid="source-few-125"' in html and "kurang dari 30 responden" in html
    assert "Ambil nilai 3.00 ke jawaban unit" in html
    before = client.get(SCORE).json()["hasil"]["birokrasi_bersih_akuntabel"]
    assert before["ipak"] == 0.0

    response = take(client, survey)
    assert response.status_code == 302
    assert response["Location"] == "/lke/2026/area/HASIL/#soal-125"
    stored = unit_answer(demo, IPAK_SOAL)
    assert stored.value == "3.00" and stored.updated_by == ketua
    after = client.get(SCORE).json()["hasil"]["birokrasi_bersih_akuntabel"]
    assert after["ipak"] == 13.13  # 3.00 / 4 × 17.5
    assert after["nilai"] > before["nilai"]

    row = LkeTakeover.objects.get()
    assert (row.survey, row.soal_id, row.value, row.respondents) == (survey, 125, "3.00", 4)
    assert row.below_minimum and row.survey_closed and row.revision == stored.revision
    assert (row.starts_on, row.ends_on) == (survey.starts_on, survey.ends_on)
    event = AuditEvent.objects.filter(action="survey.lke_takeover").get()
    assert event.actor == ketua and "soal 125" in event.summary

    html = client.get(HASIL).content.decode()
    assert 'data-testid="source-provenance-125"' in html
    assert "Jawaban unit diambil dari IPAK TW IV 2026" in html and "sudah diambil" in html
    assert "Ambil nilai 3.00" not in html  # taken: no button
    assert "Nilai dari kurang dari 30 responden." in html


def test_thirty_respondents_are_not_marked_and_ipkp_goes_to_its_own_question(client, demo):
    survey = closed_survey(demo, "ipkp", [4] * 15 + [3] * 15, "IPKP TW IV 2026")  # 3.50
    client.force_login(demo["users"]["ketua"])
    html = client.get(HASIL).content.decode()
    assert 'data-testid="source-127"' in html and "30 responden" in html
    assert 'data-testid="source-few-127"' not in html
    assert take(client, survey, back="survei")["Location"] == f"/survei/{survey.pk}/"
    assert unit_answer(demo, IPKP_SOAL).value == "3.50"
    assert unit_answer(demo, IPAK_SOAL) is None
    assert not LkeTakeover.objects.get().below_minimum


def test_the_note_and_evidence_of_the_answer_are_kept(client, demo):
    question = LkeQuestion.objects.get(master__year=2026, soal_id=IPAK_SOAL)
    ketua = demo["users"]["ketua"]
    answer_save(
        unit=demo["plan"].unit, question=question, side=Side.UNIT, user=ketua, value="1",
        note="catatan lama", support="https://contoh.go.id/ipak",
    )  # fmt: skip
    survey = closed_survey(demo, "ipak", [2, 2], "IPAK TW III 2026")
    client.force_login(ketua)
    take(client, survey)
    stored = unit_answer(demo, IPAK_SOAL)
    assert (stored.value, stored.note, stored.support) == (
        "2.00",
        "catatan lama",
        "https://contoh.go.id/ipak",
    )
    assert stored.changes.count() == 2


@pytest.mark.parametrize("who", ["pic.pp", "pic.pw", "tpi", "kepala"])
def test_others_are_refused_and_nothing_is_written(client, demo, who):
    survey = closed_survey(demo, "ipak", [3, 3], "IPAK TW IV 2026")
    client.force_login(demo["users"][who])
    response = take(client, survey)
    assert response.status_code == 403
    assert "Ketua Tim ZI" in response.content.decode()
    assert unit_answer(demo, IPAK_SOAL) is None and not LkeTakeover.objects.exists()
    if who != "tpi":  # the TPI sees the page, without the button
        return
    html = client.get(HASIL).content.decode()
    assert "3.00" in html and "Ambil nilai" not in html


@pytest.mark.parametrize("who", ["ketua", "pic.pp", "tpi"])
def test_another_units_people_do_not_find_the_survey(client, demo, who):
    survey = closed_survey(demo, "ipak", [3, 3], "IPAK TW IV 2026")
    client.force_login(users_b()[who])
    assert take(client, survey).status_code == 404
    assert not LkeTakeover.objects.exists()
    assert "IPAK TW IV 2026" not in client.get(HASIL).content.decode()


def test_a_survey_without_counted_responses_gives_nothing(client, demo):
    survey = closed_survey(demo, "ipak", [], "IPAK kosong")
    client.force_login(demo["users"]["ketua"])
    response = take(client, survey)
    assert response.status_code == 302
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert "belum memiliki respons yang dihitung" in page
    assert unit_answer(demo, IPAK_SOAL) is None and not LkeTakeover.objects.exists()


def test_no_stale_value_after_a_new_closed_survey_or_a_new_response(client, demo):
    """The page is cached whole: the survey values are part of its key."""
    client.force_login(demo["users"]["ketua"])
    closed_survey(demo, "ipak", [2, 2], "IPAK TW II 2026")
    assert "<strong>2.00</strong>" in client.get(HASIL).content.decode()
    closed_survey(demo, "ipak", [4, 4, 4], "IPAK TW III 2026")
    html = client.get(HASIL).content.decode()
    assert "IPAK TW III 2026" in html and "<strong>4.00</strong>" in html
    assert "IPAK TW II 2026" not in html
    # A closed survey wins over a running one; a response to the running one is new too.
    loket = list(Service.objects.filter(code="loket", unit=demo["plan"].unit))
    running = make_survey(
        demo["plan"].unit,
        demo["users"]["ketua"],
        kind="ipkp",
        title="IPKP jalan",
        service_list=loket,
    )
    html = client.get(HASIL).content.decode()
    assert "IPKP jalan" in html and "sedang berjalan" in html and "0 responden" in html
    answer(running, running.services.first(), [1] * running.questions.count(), n=99)
    html = client.get(HASIL).content.decode()
    assert "1 responden" in html and "<strong>1.00</strong>" in html


def test_the_survey_page_panel_offers_the_value_and_shows_it_taken(client, demo):
    survey = closed_survey(demo, "ipkp", [3, 4], "IPKP TW IV 2026")  # 3.50
    client.force_login(demo["users"]["kepala"])
    html = client.get(f"/survei/{survey.pk}/").content.decode()
    assert 'data-testid="survey-lke-value">3.50<' in html and "soal 127" in html
    assert 'data-testid="survey-lke-few"' in html
    assert "Ambil nilai 3.50" not in html  # the Kepala reads, the Ketua takes
    client.force_login(demo["users"]["ketua"])
    html = client.get(f"/survei/{survey.pk}/").content.decode()
    assert "Ambil nilai 3.50 ke jawaban unit" in html
    response = take(client, survey, back="survei")
    html = client.get(response["Location"]).content.decode()
    assert "diambil ke jawaban LKE 2026 soal 127" in html  # the message
    assert 'data-testid="survey-lke-taken"' in html and "Jawaban unit diambil dari" in html
    assert "Ambil nilai 3.50" not in html


def test_an_skm_survey_has_no_lke_panel(client, demo):
    skm = Survey.objects.get(unit=demo["plan"].unit, kind="skm")
    client.force_login(demo["users"]["ketua"])
    html = client.get(f"/survei/{skm.pk}/").content.decode()
    assert 'data-testid="survey-lke"' not in html
    response = take(client, skm, back="survei")
    assert response.status_code == 302
    assert "Hanya nilai survei IPAK dan IPKP" in client.get(response["Location"]).content.decode()
