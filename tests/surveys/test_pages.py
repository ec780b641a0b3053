"""The signed-in survey pages: every page four ways (anonymous, wrong role, another
unit's survey, allowed), making a survey and its services, rewording questions until
the first response, opening and closing, admitting and excluding with a reason, the QR
poster, and query counts that do not grow with the responses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import Question, Response, ResponseExclusion, Service, Survey
from tests.multiunit import users_b
from tests.query_counts import count
from tests.surveys.helpers import answer, make_survey
from zi_portal.accounts.models import User
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(demo):
    return make_survey(demo["plan"].unit, demo["users"]["ketua"])


def _pages(survey) -> list[tuple[str, set[str]]]:
    """(path, roles that may open it)."""
    viewers = {"ketua", "kepala", "tpi"}
    service = Service.objects.filter(unit=survey.unit).first()
    return [
        ("/survei/", viewers),
        (f"/survei/{survey.pk}/", viewers),
        (f"/survei/{survey.pk}/poster/?layanan=loket", viewers),
        ("/survei/baru/", {"ketua"}),
        ("/survei/layanan/", {"ketua"}),
        (f"/survei/layanan/{service.pk}/", {"ketua"}),
        (f"/survei/{survey.pk}/pertanyaan/", {"ketua"}),
    ]


@pytest.mark.parametrize("who", ["ketua", "kepala", "tpi", "pic.pw", "pic.pp"])
def test_every_page_four_ways(client, demo, survey, who):
    for path, allowed in _pages(survey):
        client.logout()
        anonymous = client.get(path)
        assert anonymous.status_code == 302 and "/akun/" in anonymous["Location"], path
        client.force_login(demo["users"][who])
        response = client.get(path)
        assert response.status_code == (200 if who in allowed else 403), (who, path)
        if response.status_code == 403:
            assert "Ketua Tim ZI" in response.content.decode()


@pytest.mark.parametrize("who", ["ketua", "kepala", "tpi"])
def test_another_units_survey_is_not_found(client, survey, who):
    """Unit B's people: unit A's survey and service are not found (404), whatever
    their role."""
    client.force_login(users_b()[who])
    for path, _allowed in _pages(survey):
        if path not in ("/survei/", "/survei/baru/", "/survei/layanan/"):
            assert client.get(path).status_code == 404, (who, path)
    listing = client.get("/survei/")
    assert listing.status_code == 200 and survey.title not in listing.content.decode()


def test_ketua_makes_a_survey_with_services(client, demo):
    client.force_login(demo["users"]["ketua"])
    response = client.post(
        "/survei/layanan/", {"code": "Loket", "name": "Layanan loket", "population": "100"}
    )
    assert response.status_code == 302
    service = Service.objects.get(unit=demo["plan"].unit, code="loket")
    page = client.get("/survei/layanan/").content.decode()
    assert "Layanan loket" in page and ">80<" in page  # Krejcie–Morgan for 100
    refused = client.post("/survei/layanan/", {"code": "loket", "name": "Lagi", "population": "x"})
    assert "bilangan bulat" in refused.content.decode()

    today = timezone.localdate()
    data = {
        "kind": "skm",
        "title": "SKM TW IV",
        "starts_on": today.isoformat(),
        "ends_on": (today - timedelta(days=1)).isoformat(),
        "services": [str(service.pk)],
    }
    refused = client.post("/survei/baru/", data)
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai" in refused.content.decode()
    data["ends_on"] = (today + timedelta(days=20)).isoformat()
    created = client.post("/survei/baru/", data)
    survey = Survey.objects.get(title="SKM TW IV")
    assert created["Location"] == f"/survei/{survey.pk}/"
    assert survey.status == "draft" and survey.questions.count() == 9
    assert list(survey.services.all()) == [service]

    opened = client.post(f"/survei/{survey.pk}/", {"aksi": "buka"})
    assert opened.status_code == 302
    assert Survey.objects.get(pk=survey.pk).status == "open"
    assert AuditEvent.objects.filter(action="survey.status", object_id=str(survey.pk)).exists()
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    assert f"/survei/{survey.token}/?layanan=loket" in page
    assert "0 dari minimal 30 responden per unit" in page


def test_questions_reworded_until_the_first_response(client, demo, survey):
    client.force_login(demo["users"]["ketua"])
    first = survey.questions.first()
    form = {f"q{q.pk}-text": q.text for q in survey.questions.all()}
    for q in survey.questions.all():
        for v, label in q.options:
            form[f"q{q.pk}-option_{v}"] = label
    form[f"q{first.pk}-text"] = "Apakah persyaratannya jelas?"
    assert client.post(f"/survei/{survey.pk}/pertanyaan/", form).status_code == 302
    assert Question.objects.get(pk=first.pk).text == "Apakah persyaratannya jelas?"

    answer(survey, survey.services.first(), [3] * 9)
    page = client.get(f"/survei/{survey.pk}/pertanyaan/").content.decode()
    assert "tidak dapat diubah lagi" in page and "<textarea" not in page
    form[f"q{first.pk}-text"] = "Diubah setelah respons"
    refused = client.post(f"/survei/{survey.pk}/pertanyaan/", form)
    assert "sudah menerima respons" in refused.content.decode()
    assert Question.objects.get(pk=first.pk).text == "Apakah persyaratannya jelas?"


def test_survey_page_shows_results_flagged_and_excluded(client, demo, survey):
    ketua = demo["users"]["ketua"]
    loket = survey.services.get(code="loket")
    for n in range(4):
        answer(survey, loket, [4] * 9, n=n)
    flagged = answer(survey, loket, [1] * 9, n=9, flag="honeypot")
    client.force_login(ketua)
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    assert "4 dari minimal 30 responden" in page
    assert "100,00" in page and "Sangat Baik" in page
    assert f'id="respons-{flagged.pk}"' in page and "Kolom jebakan terisi" in page

    refused = client.post(
        f"/survei/{survey.pk}/", {"aksi": "kecualikan", "response": flagged.pk, "reason": ""}
    )
    assert "Tuliskan alasan" in refused.content.decode()
    done = client.post(
        f"/survei/{survey.pk}/",
        {"aksi": "kecualikan", "response": flagged.pk, "reason": "Diisi robot"},
    )
    assert done.status_code == 302
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    assert "Diisi robot" in page and f'id="respons-{flagged.pk}"' not in page
    assert ResponseExclusion.objects.get(response=flagged).decided_by == ketua
    assert Response.objects.filter(pk=flagged.pk).exists()  # kept, never dropped

    second = answer(survey, loket, [2] * 9, n=10, flag="too_fast")
    client.post(f"/survei/{survey.pk}/", {"aksi": "terima", "response": second.pk})
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    assert "5 dari minimal 30 responden" in page

    closed = client.post(f"/survei/{survey.pk}/", {"aksi": "tutup"})
    assert closed.status_code == 302 and Survey.objects.get(pk=survey.pk).status == "closed"


def test_kepala_sees_but_cannot_decide(client, demo, survey):
    response = answer(survey, survey.services.first(), [1] * 9, flag="too_fast")
    client.force_login(demo["users"]["kepala"])
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    assert "Kecualikan" not in page and "Tutup survei" not in page
    refused = client.post(
        f"/survei/{survey.pk}/", {"aksi": "kecualikan", "response": response.pk, "reason": "x"}
    )
    assert refused.status_code == 403
    assert not ResponseExclusion.objects.exists()


def test_another_surveys_response_cannot_be_decided_here(client, demo, survey):
    other = make_survey(
        demo["plan"].unit, demo["users"]["ketua"], title="Lain",
        service_list=list(survey.services.all()),
    )  # fmt: skip
    response = answer(other, other.services.first(), [1] * 9, flag="too_fast")
    client.force_login(demo["users"]["ketua"])
    page = client.post(
        f"/survei/{survey.pk}/", {"aksi": "terima", "response": response.pk}
    ).content.decode()
    assert "bukan respons survei ini" in page


def test_poster_has_the_unit_survey_service_and_an_inline_qr(client, demo, survey):
    client.force_login(demo["users"]["tpi"])
    response = client.get(f"/survei/{survey.pk}/poster/?layanan=loket&ukuran=a5")
    html = response.content.decode()
    assert response.status_code == 200
    assert demo["plan"].unit.name in html and survey.title in html and "Layanan loket" in html
    assert f"/survei/{survey.token}/?layanan=loket" in html
    assert "<svg" in html and "size:A5" in html
    assert "'sha256-" in response["Content-Security-Policy"]


def test_list_and_survey_page_queries_do_not_grow(client, demo, survey):
    ketua = demo["users"]["ketua"]
    loket, daring = survey.services.order_by("code")
    answer(survey, loket, [3] * 9, n=0)
    paths = ["/survei/", f"/survei/{survey.pk}/"]
    small = [count(client, ketua, p) for p in paths]
    for n in range(1, 40):
        answer(
            survey,
            daring if n % 2 else loket,
            [n % 4 + 1] * 9,
            n=n,
            flag="" if n % 7 else "too_fast",
        )
    more = make_survey(demo["plan"].unit, ketua, title="Kedua", service_list=[loket, daring])
    answer(more, loket, [4] * 9, n=0)
    large = [count(client, ketua, p) for p in paths]
    assert large == small, (small, large)
    # measured 4 and 19: the page 13, the data panel 1 (earlier imports), the report panel 5
    # (trend 2, the finding cell, the follow-ups, the owners); whatever the responses
    assert small[0] <= 6 and small[1] <= 19, small


@pytest.mark.parametrize(("who", "shown"), [("ketua", True), ("tpi", True), ("pic.pw", False)])
def test_menu_entry_for_leaders_and_assessors(client, demo, who, shown):
    client.force_login(demo["users"][who])
    nav = client.get("/temuan/").content.decode().split('id="mainnav"')[1].split("</nav>")[0]
    assert ('href="/survei/"' in nav) is shown


def test_admin_shows_responses_but_cannot_change_or_delete_them(client, survey):
    root = User.objects.create_superuser("root.survei@example.org", "x", name="Operator")
    response = answer(survey, survey.services.first(), [3] * 9)
    client.force_login(root)
    page = client.get(f"/admin/surveys/response/{response.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.post(f"/admin/surveys/response/{response.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    listing = client.post(
        "/admin/surveys/response/",
        {"action": "delete_selected", "_selected_action": [response.pk], "post": "yes"},
    )
    assert listing.status_code in (200, 302)
    assert Response.objects.filter(pk=response.pk).exists()
