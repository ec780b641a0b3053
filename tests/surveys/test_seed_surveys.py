"""seed_demo makes the demo unit's services and its open SKM, IPKP and IPAK surveys of
TW IV 2026 without responses, and a second run makes nothing new."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from surveys.models import Question, Response, Service, Survey
from tests.conftest import DEMO_PASSWORD
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_demo_unit_has_its_tw_iv_surveys(demo):
    unit = demo["plan"].unit
    surveys = {s.kind: s for s in Survey.objects.filter(unit=unit)}
    assert set(surveys) == {"skm", "ipkp", "ipak"}
    for survey in surveys.values():
        assert (survey.starts_on, survey.ends_on, survey.quarter) == (
            date(2026, 10, 1),
            date(2026, 12, 31),
            4,
        )
        assert survey.status == "open"
        assert sorted(survey.services.values_list("code", flat=True)) == [
            "konsultasi",
            "pelatihan",
            "sertifikasi",
        ]
        assert survey.questions.exists()
        assert survey.created_by == demo["users"]["ketua"]
    assert surveys["skm"].questions.count() == 9
    populations = dict(Service.objects.filter(unit=unit).values_list("code", "population"))
    assert populations == {"pelatihan": 1200, "sertifikasi": 800, "konsultasi": 150}
    assert not Response.objects.filter(survey__unit=unit).exists()


def test_a_second_seed_creates_nothing_new(demo):
    counts = (
        Survey.objects.count(),
        Service.objects.count(),
        Question.objects.count(),
        AuditEvent.objects.count(),
    )
    out = io.StringIO()
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=out)
    assert "Surveys of TW IV 2026: 0 created, 3 already present." in out.getvalue()
    assert (
        Survey.objects.count(),
        Service.objects.count(),
        Question.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_the_seed_makes_them_in_an_empty_unit(demo):
    """Without them (deleted inside this test's transaction), seed_demo makes them."""
    unit = demo["plan"].unit
    Question.objects.filter(survey__unit=unit).delete()
    for survey in Survey.objects.filter(unit=unit):
        survey.services.clear()
    Survey.objects.filter(unit=unit).delete()
    Service.objects.filter(unit=unit).delete()
    out = io.StringIO()
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=out)
    assert "Surveys of TW IV 2026: 3 created, 0 already present." in out.getvalue()
    assert Survey.objects.filter(unit=unit, status="open").count() == 3
    assert Service.objects.filter(unit=unit).count() == 3
