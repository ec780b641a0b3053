"""Attaching a closed survey's PDF report to a matrix item: a normal evidence version
whose SHA-256 is that of the stored PDF bytes, shown on the item's page; refused for an
open survey, for another unit's item, and for someone who may not upload there."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Group

from evidence.models import EvidenceVersion
from surveys.models import Survey
from tests.multiunit import unit_b
from tests.surveys.test_report import pdf_text, skm_survey
from workplan.models import EvidenceRequirement
from zi_portal.accounts.roles import GROUP_NAMES, Role

pytestmark = pytest.mark.django_db
ITEM_TEXT = "Laporan survey kepuasan masyarakat dan analisisnya"


def _item(unit, area="PP", quarter=3):
    return EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit=unit,
        cell__quarter__number=quarter,
        cell__area__code=area,
        text__icontains=ITEM_TEXT if area == "PP" else "",
    ).first()


def test_ketua_attaches_the_report_to_a_pp_item(client, demo):
    survey = skm_survey(demo)["survey"]
    item = _item(survey.unit)
    client.force_login(demo["users"]["ketua"])
    page = client.get(f"/survei/{survey.pk}/").content.decode()
    options = page[page.index('id="attach-item"') :]
    assert options.index(ITEM_TEXT) < options.index("</select>")
    first = options.split("<option", 2)[1]
    assert "urvey" in first or "urvei" in first  # items about surveys come first

    done = client.post(f"/survei/{survey.pk}/lampirkan/", {"requirement": item.pk}, follow=True)
    version = EvidenceVersion.objects.get(requirement=item)
    stored = version.file.read()
    assert hashlib.sha256(stored).hexdigest() == version.sha256
    assert version.content_type == "application/pdf" and version.size == len(stored)
    assert version.uploaded_by == demo["users"]["ketua"]
    assert "75,93" in pdf_text(stored) and survey.title in pdf_text(stored)
    assert f"dilampirkan sebagai {version.label}" in done.content.decode()
    item_page = client.get(f"/butir/{item.pk}/").content.decode()
    assert version.original_name in item_page


def test_refused_while_the_survey_is_open(client, demo):
    survey = skm_survey(demo, close=False)["survey"]
    Survey.objects.filter(pk=survey.pk).update(ends_on="2099-12-31")
    client.force_login(demo["users"]["ketua"])
    item = _item(survey.unit)
    response = client.post(f"/survei/{survey.pk}/lampirkan/", {"requirement": item.pk}, follow=True)
    assert "setelah survei ditutup" in response.content.decode()
    assert not EvidenceVersion.objects.filter(requirement=item).exists()


def test_refused_for_another_units_item(client, demo):
    survey = skm_survey(demo)["survey"]
    other = _item(unit_b())
    client.force_login(demo["users"]["ketua"])
    response = client.post(
        f"/survei/{survey.pk}/lampirkan/", {"requirement": other.pk}, follow=True
    )
    assert "tidak ada dalam rencana kerja unit survei ini" in response.content.decode()
    assert not EvidenceVersion.objects.filter(requirement=other).exists()


def test_refused_for_who_may_not_upload_there(client, demo):
    """The Kepala sees surveys but uploads nowhere (403); the PW PIC who is also Kepala
    may upload to PW items only: restrict() refuses the PP item, allows the PW one."""
    survey = skm_survey(demo)["survey"]
    pp, pw = _item(survey.unit), _item(survey.unit, area="PW")
    client.force_login(demo["users"]["kepala"])
    assert client.post(f"/survei/{survey.pk}/lampirkan/", {"requirement": pp.pk}).status_code == 403

    pic = demo["users"]["pic.pw"]
    pic.groups.add(Group.objects.get(name=GROUP_NAMES[Role.KEPALA]))
    client.force_login(pic)
    refused = client.post(f"/survei/{survey.pk}/lampirkan/", {"requirement": pp.pk}, follow=True)
    assert "hanya dapat mengunggah bukti dukung untuk sel" in refused.content.decode()
    assert not EvidenceVersion.objects.filter(requirement=pp).exists()
    client.post(f"/survei/{survey.pk}/lampirkan/", {"requirement": pw.pk})
    assert EvidenceVersion.objects.filter(requirement=pw, uploaded_by=pic).count() == 1
