"""Results from the database: a hand-worked 30-respondent SKM, grade boundaries reached
through stored answers, exclusions and flagged responses, IPKP's mean, and a constant
number of queries whatever the number of responses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import selectors, services
from tests.surveys.helpers import answer, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(demo):
    return make_survey(demo["plan"].unit, demo["users"]["ketua"])


def hand_worked_rows() -> list[list[int]]:
    """30 respondents. Per unsur (sum of answers / 30):
    U1 15×4 + 15×3 = 105 → 3.5        U6 all 3 → 3.0
    U2 all 3 → 3.0                     U7 6×4 + 24×3 = 96 → 3.2
    U3 10×2 + 20×3 = 80 → 2.6667       U8 all 2 → 2.0
    U4 all 4 → 4.0                     U9 all 3 → 3.0
    U5 20×3 + 10×4 = 100 → 3.3333
    Sum of NRR = 27.7, IKM = 27.7 / 9 = 3.07778, × 25 = 76.944… → 76.94: B, Baik."""
    rows = []
    for i in range(30):
        rows.append([
            4 if i < 15 else 3, 3, 2 if i < 10 else 3, 4, 3 if i < 20 else 4, 3,
            4 if i < 6 else 3, 2, 3,
        ])  # fmt: skip
    return rows


def test_hand_worked_thirty_respondents(survey):
    loket, daring = survey.services.order_by("code")
    for n, row in enumerate(hand_worked_rows()):
        answer(survey, loket if n % 2 else daring, row, n=n)
    results = selectors.survey_results(survey)
    total = results.total
    assert total.respondents == 30
    nrr = [v for _q, v in total.nrr]
    assert nrr[0] == Decimal("3.5") and nrr[2].quantize(Decimal("0.0001")) == Decimal("2.6667")
    assert nrr[6] == Decimal("3.2") and nrr[7] == Decimal(2)
    assert total.ikm.quantize(Decimal("0.00001")) == Decimal("3.07778")
    assert total.converted == Decimal("76.94")
    assert (total.grade.letter, total.grade.label) == ("B", "Baik")
    assert results.progress == 100  # 30 of the unit's minimum 30
    by_code = {s.service.code: s for s in results.services}
    assert by_code["loket"].outcome.respondents == 15 and by_code["loket"].target == 80
    assert by_code["daring"].target == 278


@pytest.mark.parametrize(
    ("threes", "converted", "letter"),
    [(0, Decimal("25.00"), "D"), (162, Decimal("65.00"), "C")],
)
def test_grade_boundaries_through_stored_answers(survey, threes, converted, letter):
    """270 answers: ``threes`` of them 3 and the rest 2 (or all 1 when none are 3).
    162 × 3 + 108 × 2 = 702; 702 / 270 = 2.6 → × 25 = 65.00, the floor of C."""
    service = survey.services.first()
    flat = [3] * threes + [2] * (270 - threes) if threes else [1] * 270
    for n in range(30):
        answer(survey, service, flat[n * 9 : n * 9 + 9], n=n)
    total = selectors.survey_results(survey).total
    assert total.converted == converted and total.grade.letter == letter


def test_excluded_and_flagged_do_not_count_until_admitted(survey, demo):
    ketua = demo["users"]["ketua"]
    service = survey.services.first()
    answer(survey, service, [4] * 9, n=1)
    low = answer(survey, service, [1] * 9, n=2)
    flagged = answer(survey, service, [1] * 9, n=3, flag="too_fast")
    results = selectors.survey_results(survey)
    assert results.total.respondents == 2
    services.response_exclude(response=low, user=ketua, reason="Petugas mengisi sendiri")
    assert selectors.survey_results(survey).total.converted == Decimal("100.00")
    assert [r.pk for r in selectors.waiting_responses(survey)] == [flagged.pk]
    services.response_admit(response=flagged, user=ketua)
    assert selectors.survey_results(survey).total.respondents == 2
    assert list(selectors.waiting_responses(survey)) == []
    assert [r.pk for r in selectors.excluded_responses(survey)] == [low.pk]


def test_ipkp_is_the_mean_on_the_four_point_scale(demo):
    survey = make_survey(demo["plan"].unit, demo["users"]["ketua"], kind="ipkp")
    n = survey.questions.count()
    service = survey.services.first()
    answer(survey, service, [4] * n, n=1)
    answer(survey, service, [3] * n, n=2)
    answer(survey, service, [3] * n, n=3)
    answer(survey, service, [2] * n, n=4)
    total = selectors.survey_results(survey).total
    assert total.mean == Decimal(3) and total.ikm is None and total.grade is None


def _queries(survey) -> int:
    with CaptureQueriesContext(connection) as queries:
        selectors.survey_results(survey)
    return len(queries)


def test_results_take_a_fixed_number_of_queries(survey):
    loket, daring = survey.services.order_by("code")
    for n in range(3):
        answer(survey, loket, [3] * 9, n=n)
    small = _queries(survey)
    for n in range(3, 60):
        answer(survey, daring if n % 2 else loket, [n % 4 + 1] * 9, n=n)
    assert _queries(survey) == small <= 5
