"""The Kepala's dashboard shows the surveys running today with their respondents
against the minimum of 30 and the sum of their services' Krejcie–Morgan targets, and the
last closed SKM's IKM grade; read outside the cached body (a response shows at once),
in a number of queries that does not grow with the responses."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import services
from surveys.choices import SurveyStatus
from surveys.models import Service, Survey
from tests.surveys.helpers import answer, make_services, make_survey

pytestmark = pytest.mark.django_db

DASH = "/dasbor/"


def panel(client) -> str:
    html = client.get(DASH).content.decode()
    start = html.index('data-testid="dashboard-surveys"')
    return html[start : html.index("</section>", start)]


def seeded_skm(demo) -> Survey:
    return Survey.objects.get(unit=demo["plan"].unit, kind="skm")


def test_progress_of_the_running_surveys(client, demo):
    client.force_login(demo["users"]["kepala"])
    skm = seeded_skm(demo)
    text = panel(client)
    # The seeded surveys: services of 1200, 800 and 150 users → 291 + 260 + 108.
    assert f'data-testid="survey-progress-{skm.pk}"' in text
    assert "0 dari minimal 30 responden" in text
    assert "0 dari target sampel 659 responden" in text
    assert "Belum ada SKM yang selesai." in text
    pelatihan = Service.objects.get(unit=demo["plan"].unit, code="pelatihan")
    for n in range(3):
        answer(skm, pelatihan, [4] * 9, n=n)
    answer(skm, pelatihan, [4] * 9, flag="too_fast", n=9)  # kept apart: not counted
    text = panel(client)  # the body is cached; this panel is not
    block = text[text.index(f"survey-progress-{skm.pk}") :]
    assert "3 dari minimal 30 responden" in block and "3 dari target sampel 659" in block
    assert "pct-10" in block  # 3 of 30


def test_the_last_ikm_grade(client, demo):
    unit, ketua = demo["plan"].unit, demo["users"]["ketua"]
    survey = make_survey(unit, ketua, title="SKM TW III 2026")
    service = survey.services.first()
    for n in range(2):
        answer(survey, service, [4, 4, 4, 4, 3, 3, 3, 3, 3], n=n)  # IKM 31/9 → 86.11 B
    services.survey_set_status(survey=survey, user=ketua, status=SurveyStatus.CLOSED)
    client.force_login(demo["users"]["kepala"])
    text = panel(client)
    assert "SKM TW III 2026" in text
    assert re.search(r"86,11 · B \(Baik\)", text), text
    assert "Tidak ada survei yang sedang berjalan" not in text


def test_the_panel_query_count_does_not_grow(client, demo):
    unit, ketua = demo["plan"].unit, demo["users"]["ketua"]
    closed = make_survey(unit, ketua, title="SKM lama")
    service = closed.services.first()
    answer(closed, service, [3] * 9, n=0)
    services.survey_set_status(survey=closed, user=ketua, status=SurveyStatus.CLOSED)
    client.force_login(demo["users"]["kepala"])
    client.get(DASH)

    def survey_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASH).status_code == 200
        return sum('"surveys_' in q["sql"] for q in queries.captured_queries)

    small = survey_queries()
    more = make_services(unit, ketua, (("a", "A", 40), ("b", "B", 60)))
    for i in range(3):
        running = make_survey(unit, ketua, title=f"Survei {i}", service_list=more)
        for n in range(5):
            answer(running, more[n % 2], [2] * running.questions.count(), n=n)
    for n in range(1, 20):
        answer(closed, service, [4] * 9, n=n)
    assert survey_queries() == small
    # running surveys (1), their services (1), the last SKM (1) and its results (4)
    assert small == 7
