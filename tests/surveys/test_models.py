"""Responses are append-only; questions are frozen from the first response; a survey
is made with its kind's questions and an unguessable public token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from surveys import services
from surveys.choices import SurveyStatus
from surveys.errors import SurveyRefused
from surveys.models import Answer, Question, Response, ResponseExclusion, Survey
from tests.surveys.helpers import answer, make_services, make_survey
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(demo):
    return make_survey(demo["plan"].unit, demo["users"]["ketua"])


def test_survey_copies_its_kinds_questions(demo):
    unit, ketua = demo["plan"].unit, demo["users"]["ketua"]
    skm = make_survey(unit, ketua)
    ipak = make_survey(unit, ketua, kind="ipak", service_list=list(skm.services.all()))
    assert [q.code for q in skm.questions.all()] == [f"U{i}" for i in range(1, 10)]
    assert skm.questions.get(code="U4").option_4 == "Gratis"
    assert ipak.questions.count() >= 5
    assert skm.token != ipak.token and len(skm.token) >= 20 and not skm.token.isdigit()


def test_response_cannot_be_changed_or_deleted(survey):
    response = answer(survey, survey.services.first(), [3] * 9)
    response.sex = "P"
    with pytest.raises(SurveyRefused, match="tidak dapat diubah atau dihapus"):
        response.save()
    with pytest.raises(SurveyRefused):
        response.delete()
    with pytest.raises(SurveyRefused):
        Response.objects.filter(pk=response.pk).update(sex="P")
    with pytest.raises(SurveyRefused):
        Response.objects.filter(pk=response.pk).delete()
    one = Answer.objects.filter(response=response).first()
    one.value = 1
    with pytest.raises(SurveyRefused):
        one.save()
    with pytest.raises(SurveyRefused):
        Answer.objects.filter(response=response).update(value=1)
    with pytest.raises(SurveyRefused):
        Answer.objects.filter(response=response).delete()
    assert Response.objects.get(pk=response.pk).sex == ""
    assert (
        sorted(Answer.objects.filter(response=response).values_list("value", flat=True)) == [3] * 9
    )


def test_exclusion_is_append_only_and_audited(survey, demo):
    ketua = demo["users"]["ketua"]
    response = answer(survey, survey.services.first(), [3] * 9)
    with pytest.raises(SurveyRefused, match="Tuliskan alasan"):
        services.response_exclude(response=response, user=ketua, reason="  ")
    exclusion = services.response_exclude(response=response, user=ketua, reason="Uji coba petugas")
    with pytest.raises(SurveyRefused, match="sudah dikecualikan"):
        services.response_exclude(response=response, user=ketua, reason="lagi")
    with pytest.raises(SurveyRefused):
        exclusion.delete()
    with pytest.raises(SurveyRefused):
        ResponseExclusion.objects.filter(pk=exclusion.pk).update(reason="x")
    event = AuditEvent.objects.get(action="survey.response_exclude")
    assert "Uji coba petugas" in event.summary and event.unit_id == survey.unit_id


def test_only_the_ketua_decides(survey, demo):
    response = answer(survey, survey.services.first(), [3] * 9, flag="too_fast")
    for who in ("kepala", "tpi", "pic.pp"):
        with pytest.raises(Exception, match="Hanya Ketua Tim ZI"):
            services.response_admit(response=response, user=demo["users"][who])


def test_questions_are_frozen_from_the_first_response(survey, demo):
    ketua = demo["users"]["ketua"]
    first = survey.questions.first()
    wording = {
        first.pk: {"text": "Teks baru?", "option_1": "a", "option_2": "b", "option_3": "c",
                   "option_4": "d"}
    }  # fmt: skip
    assert services.questions_update(survey=survey, user=ketua, wording=wording) == 1
    assert Question.objects.get(pk=first.pk).text == "Teks baru?"
    answer(survey, survey.services.first(), [3] * 9)
    wording[first.pk]["text"] = "Lagi?"
    with pytest.raises(SurveyRefused, match="sudah menerima respons"):
        services.questions_update(survey=survey, user=ketua, wording=wording)
    question = Question.objects.get(pk=first.pk)
    question.text = "Langsung ke model"
    with pytest.raises(SurveyRefused, match="sudah menerima respons"):
        question.save()
    assert Question.objects.get(pk=first.pk).text == "Teks baru?"


def test_one_response_per_device_in_the_database(survey):
    service = survey.services.first()
    answer(survey, service, [3] * 9, n=1)
    with pytest.raises(SurveyRefused, match="sudah mengisi"):
        answer(survey, service, [2] * 9, n=1)
    assert Response.objects.filter(survey=survey).count() == 1


def test_survey_refusals_say_what_is_accepted(demo):
    unit, ketua = demo["plan"].unit, demo["users"]["ketua"]
    service_list = make_services(unit, ketua)
    base = {"unit": unit, "user": ketua, "kind": "skm", "title": "T", "services": service_list}
    day = dt.date(2026, 10, 1)
    with pytest.raises(SurveyRefused, match="Pilih jenis survei"):
        services.survey_create(**{**base, "kind": "x"}, starts_on=day, ends_on=day)
    with pytest.raises(SurveyRefused, match="tidak boleh sebelum"):
        services.survey_create(**base, starts_on=day, ends_on=day - dt.timedelta(days=1))
    with pytest.raises(SurveyRefused, match="sedikitnya satu"):
        services.survey_create(**{**base, "services": []}, starts_on=day, ends_on=day)
    with pytest.raises(SurveyRefused, match="sudah dipakai"):
        services.service_save(unit=unit, user=ketua, code="loket", name="X", population=5)
    with pytest.raises(SurveyRefused, match="bilangan bulat"):
        services.service_save(unit=unit, user=ketua, code="baru", name="X", population=0)


def test_status_moves_one_way(survey, demo):
    ketua = demo["users"]["ketua"]
    with pytest.raises(SurveyRefused, match="draf"):
        services.survey_set_status(survey=survey, user=ketua, status=SurveyStatus.OPEN)
    services.survey_set_status(survey=survey, user=ketua, status=SurveyStatus.CLOSED)
    assert Survey.objects.get(pk=survey.pk).phase() == "closed"
    with pytest.raises(SurveyRefused, match="sedang dibuka"):
        services.survey_set_status(survey=survey, user=ketua, status=SurveyStatus.CLOSED)


def test_answer_value_is_checked_by_the_database(survey):
    response = answer(survey, survey.services.first(), [3] * 9)
    question = survey.questions.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.bulk_create([Answer(response=response, question=question, value=5)])


def test_the_audit_trail_names_survey_actions_in_words(client, survey, demo):
    ketua = demo["users"]["ketua"]
    response = answer(survey, survey.services.first(), [3] * 9)
    services.response_exclude(response=response, user=ketua, reason="Uji coba petugas")
    client.force_login(ketua)
    body = client.get("/audit/").content.decode()
    assert "Kecualikan respons survei" in body and "Buka atau tutup survei" in body
    assert "survey.response_exclude" not in body and "survey.status" not in body
