"""Surveys for the tests, made through the services the pages use."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.utils import timezone

from surveys import services
from surveys.choices import SurveyStatus
from surveys.models import Service, Survey


def make_services(
    unit, ketua, specs=(("loket", "Layanan loket", 100), ("daring", "Layanan daring", 1000))
):
    return [
        services.service_save(unit=unit, user=ketua, code=c, name=n, population=p)
        for c, n, p in specs
    ]


def make_survey(unit, ketua, *, kind="skm", title="SKM TW IV 2026", open_=True, service_list=None):
    today = timezone.localdate()
    service_list = service_list or make_services(unit, ketua)
    survey = services.survey_create(
        unit=unit,
        user=ketua,
        kind=kind,
        title=title,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
        services=service_list,
        quarter=4,
    )
    if open_:
        services.survey_set_status(survey=survey, user=ketua, status=SurveyStatus.OPEN)
    return Survey.objects.get(pk=survey.pk)


def answer(survey: Survey, service: Service, values: Sequence[int], flag: str = "", n: int = 0):
    """One response with ``values`` in question order (``n`` makes its device unique)."""
    questions = list(survey.questions.all())
    return services.response_submit(
        survey=survey,
        service=service,
        answers={q.pk: v for q, v in zip(questions, values, strict=True)},
        flag_reason=flag,
        device_digest=f"uji-{service.pk}-{n}-{flag}",
    )
