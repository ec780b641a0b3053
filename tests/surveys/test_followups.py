"""Follow-ups: the lowest unsur proposed on the survey page; the Ketua turns one into a
finding with the owner and due date chosen in the form, shown once as "sudah jadi
temuan" with its link, refused a second time and for anyone but the Ketua."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from findings.models import Finding
from surveys.models import FollowUp
from tests.surveys.test_report import skm_survey

pytestmark = pytest.mark.django_db


def _post(client, survey, question, owner, due):
    return client.post(
        f"/survei/{survey.pk}/tindak-lanjut/",
        {"question": question.pk, "owner": owner.pk, "due_date": due.isoformat(),
         "recommendation": "Perbaiki sarana ruang tunggu"},
        follow=True,
    )  # fmt: skip


def test_ketua_turns_the_lowest_unsur_into_a_finding_once(client, demo):
    survey = skm_survey(demo)["survey"]
    u9 = survey.questions.get(code="U9")
    owner = demo["users"]["pic.pp"]
    due = timezone.localdate() + timedelta(days=20)
    client.force_login(demo["users"]["ketua"])
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    assert "Jadikan temuan" in page and "sudah jadi temuan" not in page

    done = _post(client, survey, u9, owner, due)
    link = FollowUp.objects.get(survey=survey, question=u9)
    finding = link.finding
    assert (finding.owner, finding.due_date) == (owner, due)
    assert finding.cell.area.code == "PP" and finding.cell.quarter.number == 4
    assert "U9" in finding.description and "2,000" in finding.description
    assert finding.recommendation == "Perbaiki sarana ruang tunggu"
    body = done.content.decode()
    assert f"dijadikan temuan #{finding.pk}" in body
    assert body.count("sudah jadi temuan") == 1
    assert f'href="/temuan/{finding.pk}/"' in body

    again = _post(client, survey, u9, owner, due)
    assert "sudah dijadikan temuan" in again.content.decode()
    assert FollowUp.objects.filter(question=u9).count() == 1
    assert Finding.objects.filter(description__contains=survey.title).count() == 1


def test_an_unsur_not_proposed_or_a_bad_form_writes_nothing(client, demo):
    survey = skm_survey(demo)["survey"]
    before = Finding.objects.count()
    client.force_login(demo["users"]["ketua"])
    u1 = survey.questions.get(code="U1")  # NRR 3.333: not among the lowest three
    refused = _post(client, survey, u1, demo["users"]["pic.pp"], timezone.localdate())
    assert "bukan usulan tindak lanjut" in refused.content.decode()
    u9 = survey.questions.get(code="U9")
    late = _post(client, survey, u9, demo["users"]["pic.pp"], timezone.localdate() - timedelta(1))
    assert "tidak boleh sebelum hari ini" in late.content.decode()
    assert Finding.objects.count() == before and not FollowUp.objects.exists()


@pytest.mark.parametrize("who", ["kepala", "tpi", "pic.pp"])
def test_only_the_ketua_makes_a_finding(client, demo, who):
    survey = skm_survey(demo)["survey"]
    u9 = survey.questions.get(code="U9")
    client.force_login(demo["users"][who])
    response = _post(client, survey, u9, demo["users"]["pic.pp"], timezone.localdate())
    assert response.status_code == 403
    assert "Ketua Tim ZI" in response.content.decode()
    assert not FollowUp.objects.exists()
