"""The surveys API as a script would use it: the list scoped to the caller's unit and
role, one survey's results with the same numbers as its page, another unit's survey
not found, and a number of queries that does not grow with the surveys or responses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from surveys import services
from surveys.models import Service, Survey
from tests.multiunit import users_b
from tests.surveys.helpers import answer, make_survey
from tests.surveys.test_results import hand_worked_rows
from zi_portal.accounts.services import api_token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(demo):
    return make_survey(demo["plan"].unit, demo["users"]["ketua"])


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_list_is_the_callers_units_surveys(demo, survey):
    ketua = demo["users"]["ketua"]
    ipak = make_survey(
        demo["plan"].unit, ketua, kind="ipak", title="IPAK TW IV", open_=False,
        service_list=list(Service.objects.filter(unit=demo["plan"].unit)),
    )  # fmt: skip
    answer(survey, survey.services.first(), [3] * 9, n=1)
    answer(survey, survey.services.first(), [1] * 9, n=2, flag="honeypot")  # not counted
    body = api(ketua).get("/api/v1/surveys/").json()
    # The unit's surveys: these two and those seed_demo made (TW IV 2026), nothing else.
    units = set(Survey.objects.filter(unit=demo["plan"].unit).values_list("pk", flat=True))
    assert {survey.pk, ipak.pk} <= units
    assert body["count"] == len(units) and body["next"] is None
    by_id = {row["id"]: row for row in body["results"]}
    assert set(by_id) == units
    row = by_id[survey.pk]
    assert row["unit"]["code"] == demo["plan"].unit.code and row["kind"] == "skm"
    assert row["status"] == "open" and row["respondents"] == 1
    assert row["period"] == {
        "starts_on": survey.starts_on.isoformat(),
        "ends_on": survey.ends_on.isoformat(),
        "quarter": 4,
    }
    assert by_id[ipak.pk]["status"] == "draft" and by_id[ipak.pk]["respondents"] == 0
    for who in ("kepala", "tpi"):
        assert api(demo["users"][who]).get("/api/v1/surveys/").json()["count"] == len(units)
    # Unit B's Ketua sees unit B's surveys only.
    other = api(users_b()["ketua"]).get("/api/v1/surveys/").json()
    assert not {row["id"] for row in other["results"]} & units
    assert other["count"] == Survey.objects.filter(unit=users_b()["ketua"].unit).count()


@pytest.mark.parametrize("who", ["pic.pp", "pic.mp", "anggota"])
def test_list_refuses_a_role_without_surveys(demo, survey, who):
    user = demo["users"].get(who) or users_b()["anggota"]
    response = api(user).get("/api/v1/surveys/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_anonymous_is_401_and_a_token_works(demo, survey):
    response = api().get("/api/v1/surveys/")
    assert response.status_code == 401 and response.json()["error"]["code"] == ("not_authenticated")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=demo['users']['tpi'])}")
    listed = {row["id"] for row in client.get("/api/v1/surveys/").json()["results"]}
    assert survey.pk in listed
    assert client.get(f"/api/v1/surveys/{survey.pk}/results/").status_code == 200


def _page_numbers(html: str) -> dict[str, str]:
    """The total's numbers as the survey's page prints them (decimal comma or point)."""

    def first(css: str) -> str:
        return re.search(rf'class="[^"]*\b{css}\b[^"]*">([^<]+)<', html)[1].replace(",", ".")

    grade = re.search(r'class="grade"><strong>(\w)</strong> · ([^<]+)<', html)
    nrr = re.findall(r"<td>(U\d) · [^<]+</td><td class=\"num\">([^<]+)</td>", html)
    return {
        "ikm": first("ikm"),
        "converted": first("converted"),
        "letter": grade[1],
        "label": grade[2].strip(),
        "nrr": [(code, v.replace(",", ".")) for code, v in nrr[:9]],
    }


def test_results_equal_the_page(client, demo, survey):
    loket, daring = survey.services.order_by("code").reverse()
    for n, row in enumerate(hand_worked_rows()):
        answer(survey, loket if n % 2 else daring, row, n=n)
    ketua = demo["users"]["ketua"]
    body = api(ketua).get(f"/api/v1/surveys/{survey.pk}/results/").json()
    assert body["survey"] == survey.pk and body["respondents"] == 30 and body["minimum"] == 30
    assert body["ikm"] == 3.078 and body["converted"] == 76.94
    assert body["grade"] == {"letter": "B", "label": "Baik"} and body["mean"] is None
    assert body["unsur"][0] == {"code": "U1", "name": survey.questions.first().unsur, "nrr": 3.5}
    client.force_login(ketua)
    page = _page_numbers(client.get(f"/survei/{survey.pk}/").content.decode())
    assert float(page["ikm"]) == body["ikm"] and float(page["converted"]) == body["converted"]
    assert (page["letter"], page["label"]) == (body["grade"]["letter"], body["grade"]["label"])
    assert [(u["code"], u["nrr"]) for u in body["unsur"]] == [
        (code, float(v)) for code, v in page["nrr"]
    ]
    services_ = {s["code"]: s for s in body["services"]}
    assert set(services_) == {"loket", "daring"}
    assert services_["loket"]["respondents"] == 15 and services_["loket"]["target"] == 80
    assert services_["daring"]["name"] == "Layanan daring"
    assert services_["loket"]["grade"]["letter"] in "ABCD"
    assert len(services_["loket"]["unsur"]) == 9


def test_ipkp_and_ipak_give_the_mean(demo):
    ketua = demo["users"]["ketua"]
    for kind, values, mean in (("ipkp", [3] * 7 + [4], 3.13), ("ipak", [4, 4, 3, 3, 3], 3.4)):
        existing = list(Service.objects.filter(unit=demo["plan"].unit)) or None
        survey = make_survey(demo["plan"].unit, ketua, kind=kind, title=kind, service_list=existing)
        answer(survey, survey.services.first(), values, n=1)
        body = api(ketua).get(f"/api/v1/surveys/{survey.pk}/results/").json()
        assert body["kind"] == kind and body["mean"] == mean
        assert body["ikm"] is None and body["converted"] is None and body["grade"] is None
        service = next(s for s in body["services"] if s["respondents"])
        assert service["mean"] == mean


def test_another_units_survey_is_404(demo, survey):
    for who in ("ketua", "kepala", "tpi"):
        response = api(users_b()[who]).get(f"/api/v1/surveys/{survey.pk}/results/")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api(demo["users"]["pic.pp"]).get(
        f"/api/v1/surveys/{survey.pk}/results/"
    ).status_code == (403)
    assert api().get(f"/api/v1/surveys/{survey.pk}/results/").status_code == 401
    assert api(demo["users"]["ketua"]).get("/api/v1/surveys/999999/results/").status_code == 404


def _queries(user, path: str) -> int:
    client = api(user)
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow(demo, survey):
    ketua = demo["users"]["ketua"]
    service_list = list(survey.services.order_by("code"))
    answer(survey, service_list[0], [3] * 9, n=0)
    paths = ["/api/v1/surveys/", f"/api/v1/surveys/{survey.pk}/results/"]
    small = [_queries(ketua, p) for p in paths]
    today = timezone.localdate()
    for i in range(6):
        extra = services.survey_create(
            unit=demo["plan"].unit, user=ketua, kind="ipkp", title=f"IPKP {i}",
            starts_on=today - timedelta(days=i + 2), ends_on=today + timedelta(days=9),
            services=service_list,
        )  # fmt: skip
        services.survey_set_status(survey=extra, user=ketua, status="open")
    for n in range(1, 40):
        answer(survey, service_list[n % 2], [1 + n % 4] * 9, n=n)
    large = [_queries(ketua, p) for p in paths]
    assert large == small, (small, large)
