"""The public form and results, without sign-in: a phone-sized page in one request,
one response per device, the abuse checks (flagged responses are stored apart, never
dropped), closed and not-yet-open surveys saying so, and CSRF still enforced."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from surveys.choices import FlagReason, SurveyStatus
from surveys.models import Response, Survey
from surveys.public import HONEYPOT
from tests.surveys.helpers import answer, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(demo):
    return make_survey(demo["plan"].unit, demo["users"]["ketua"])


@pytest.fixture
def no_floor(settings):
    settings.ZI_SURVEY_MIN_SECONDS = 0
    return settings


def _form_data(client, survey, *, value=3, service="loket", **extra):
    page = client.get(f"/survei/{survey.token}/")
    assert page.status_code == 200
    html = page.content.decode()
    stamp = re.search(r'name="mulai" value="([^"]+)"', html)[1]
    data = {"layanan": service, "mulai": stamp, HONEYPOT: ""}
    for q in survey.questions.all():
        data[f"q{q.pk}"] = str(value)
    data.update(extra)
    return data


def test_form_is_one_small_page_for_a_phone(client, survey):
    response = client.get(f"/survei/{survey.token}/?layanan=loket")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 100_000
    # One request: no stylesheet, script, image or font to fetch.
    assert not re.search(r"<(link|script|img)\b", html)
    assert 'name="viewport" content="width=device-width' in html
    # Its inline stylesheet is allowed by hash, not by 'unsafe-inline'.
    policy = response["Content-Security-Policy"]
    assert "'sha256-" in policy and "unsafe-inline" not in policy
    # Large tap targets: every choice is a label of at least 48 px around its radio.
    assert ".choice{" in html and "min-height:48px" in html
    assert html.count('<label class="choice">') == 9 * 4
    assert "Layanan loket" in html and 'name="layanan" value="loket"' in html
    assert "Bagaimana pendapat Saudara tentang kesesuaian persyaratan" in html


def test_answering_stores_one_response_and_a_second_is_refused_kindly(client, survey, no_floor):
    response = client.post(f"/survei/{survey.token}/", _form_data(client, survey))
    assert response.status_code == 200
    assert "jawaban Anda sudah tersimpan" in response.content.decode()
    stored = Response.objects.get(survey=survey)
    assert stored.flag_reason == "" and stored.service.code == "loket"
    assert stored.answers.count() == 9 and stored.device_digest and stored.address_digest
    assert "127.0.0.1" not in (stored.device_digest + stored.address_digest)

    again = client.get(f"/survei/{survey.token}/")
    assert "Anda sudah mengisi survei ini" in again.content.decode()
    stamp = re.search(r"mulai", again.content.decode())
    assert stamp is None  # no form is offered
    second = client.post(f"/survei/{survey.token}/", {"layanan": "loket"})
    assert "Anda sudah mengisi survei ini" in second.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_another_browser_may_answer(client, survey, no_floor):
    client.post(f"/survei/{survey.token}/", _form_data(client, survey))
    other = Client()
    other.post(f"/survei/{survey.token}/", _form_data(other, survey, service="daring"))
    assert Response.objects.filter(survey=survey).count() == 2


def test_missing_answers_are_named_and_nothing_is_stored(client, survey, no_floor):
    data = _form_data(client, survey)
    first = survey.questions.first()
    del data[f"q{first.pk}"]
    response = client.post(f"/survei/{survey.token}/", data)
    html = response.content.decode()
    assert "Jawab semua pertanyaan" in html and first.code in html
    assert Response.objects.filter(survey=survey).count() == 0
    # What was answered stays chosen.
    assert html.count(" checked>") == 8


def test_unknown_service_is_refused(client, survey, no_floor):
    response = client.post(f"/survei/{survey.token}/", _form_data(client, survey, service="x"))
    assert "Pilih jenis layanan" in response.content.decode()
    assert not Response.objects.filter(survey=survey).exists()


def test_too_fast_and_honeypot_are_stored_flagged(client, survey, settings):
    settings.ZI_SURVEY_MIN_SECONDS = 3600
    client.post(f"/survei/{survey.token}/", _form_data(client, survey))
    robot = Client()
    settings.ZI_SURVEY_MIN_SECONDS = 0
    robot.post(f"/survei/{survey.token}/", _form_data(robot, survey, **{HONEYPOT: "http://spam"}))
    forged = Client()
    data = _form_data(forged, survey)
    data["mulai"] = "palsu"
    forged.post(f"/survei/{survey.token}/", data)
    reasons = sorted(Response.objects.filter(survey=survey).values_list("flag_reason", flat=True))
    assert reasons == sorted([FlagReason.TOO_FAST, FlagReason.HONEYPOT, FlagReason.TOO_FAST])


def test_rate_limit_per_address_flags_then_refuses(survey, no_floor):
    no_floor.ZI_SURVEY_FLAG_AFTER = 1
    no_floor.ZI_SURVEY_REFUSE_AFTER = 2
    statuses = []
    for _i in range(3):
        browser = Client()
        response = browser.post(f"/survei/{survey.token}/", _form_data(browser, survey))
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429]
    reasons = list(Response.objects.filter(survey=survey).order_by("pk").values_list(
        "flag_reason", flat=True))  # fmt: skip
    assert reasons == ["", FlagReason.RATE_LIMIT]


def test_csrf_is_enforced(survey, no_floor):
    browser = Client(enforce_csrf_checks=True)
    data = _form_data(browser, survey)
    assert browser.post(f"/survei/{survey.token}/", data).status_code == 403
    data["csrfmiddlewaretoken"] = browser.cookies["csrftoken"].value
    assert browser.post(f"/survei/{survey.token}/", data).status_code == 200
    assert Response.objects.filter(survey=survey).count() == 1


def test_closed_survey_says_so_with_410(client, survey, demo):
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED)
    response = client.get(f"/survei/{survey.token}/")
    assert response.status_code == 410
    body = response.content.decode()
    assert "Survei ini sudah ditutup" in body
    assert "Penyelenggara sudah menutup survei ini sebelum akhir periodenya" in body
    assert "periode berakhir" not in body  # its end date is still to come
    assert client.post(f"/survei/{survey.token}/", {}).status_code == 410


def test_past_end_date_closes_the_form(client, survey):
    yesterday = timezone.localdate() - timedelta(days=1)
    Survey.objects.filter(pk=survey.pk).update(starts_on=yesterday, ends_on=yesterday)
    response = client.get(f"/survei/{survey.token}/")
    assert response.status_code == 410 and "sudah ditutup" in response.content.decode()
    assert "periode berakhir" in response.content.decode()


def test_draft_survey_is_not_open_yet(client, demo):
    draft = make_survey(demo["plan"].unit, demo["users"]["ketua"], open_=False)
    response = client.get(f"/survei/{draft.token}/")
    assert response.status_code == 200
    assert "Survei ini belum dibuka" in response.content.decode()
    assert client.get(f"/survei/{draft.token}/hasil/").status_code == 200


def test_unknown_token_is_404(client, survey):
    assert client.get("/survei/tidak-ada-token-ini/").status_code == 404


def test_form_in_english(client, survey):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/survei/{survey.token}/").content.decode()
    assert "Send answers" in html and "About you" in html


def test_public_results_show_aggregates_only(client, survey):
    loket, daring = survey.services.order_by("code")
    for n in range(6):
        answer(survey, loket, [4] * 9, n=n)
    for n in range(2):
        answer(survey, daring, [1] * 9, n=n)
    html = client.get(f"/survei/{survey.token}/hasil/").content.decode()
    assert "8 responden" in html
    # Loket (6 respondents) is shown; daring (2) is too few to show on its own.
    assert "terlalu sedikit untuk ditampilkan" in html
    assert html.count("A</strong> · Sangat Baik") == 1  # loket only
    assert "Tidak Baik" not in html


def test_public_results_wait_for_enough_respondents(client, survey):
    answer(survey, survey.services.first(), [2] * 9)
    html = client.get(f"/survei/{survey.token}/hasil/").content.decode()
    assert "Hasil ditampilkan setelah sedikitnya 5 responden" in html
    assert "NRR" not in html
