"""Every LKE write leaves an audit event: an answer from the form, an import, PortalRB
tokens, proposals and predicates (what the Ketua Tim's settings page does), each with
the person, their address and what changed."""

import json

import pytest
from django.urls import reverse

from lke import importing, selectors
from lke.models import PortalRBToken, Proposal
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent

YEAR = 2026
ADDRESS = "10.20.30.40"


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def ketua(client, demo):
    client.force_login(demo["users"]["ketua"])
    return client


def test_an_answer_from_the_form_is_audited(client, demo):
    client.force_login(demo["users"]["pic.pw"])
    master = selectors.master_for_year(YEAR)
    soal = master.questions.filter(area_code="PW", answer_type="ya_tidak").order_by("order")[0]
    response = client.post(
        reverse("lke:answer", args=[YEAR, soal.soal_id]),
        {"side": "unit", "value": "Ya", "note": "SK sudah terbit"},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    (event,) = events(AuditAction.LKE_ANSWER)
    assert event.actor == demo["users"]["pic.pw"] and event.ip_address == ADDRESS
    assert event.after == {"value": "Ya", "revision": 1, "source": "web"}
    assert f"soal {soal.soal_id}" in event.summary


def test_an_import_is_audited_once_with_its_counts(ketua, demo):
    master = selectors.master_for_year(YEAR)
    soal = master.questions.filter(area_code="PW", answer_type="ya_tidak").order_by("order")[0]
    doc = {
        "unit_id": demo["plan"].unit.code,
        "tahun": YEAR,
        "answers": [{"soal_id": soal.soal_id, "jawaban_unit": "Tidak"}],
    }
    result = importing.import_jawaban_unit(
        json.dumps(doc).encode(), user=demo["users"]["ketua"], ip=ADDRESS
    )
    assert result.changed == 1
    (imported,) = events(AuditAction.LKE_IMPORT)
    assert imported.after == {
        "unit": demo["plan"].unit.code,
        "mode": "merge",
        "new": 1,
        "changed": 0,
        "cleared": 0,
        "unchanged": 0,
    }
    assert imported.ip_address == ADDRESS
    (answer,) = events(AuditAction.LKE_ANSWER)
    assert answer.after["source"] == "import"


def test_the_portalrb_settings_page_audits_every_change(ketua, demo):
    unit = demo["plan"].unit
    ketua.post(reverse("lke:token_issue"), {"name": "PortalRB 2026"}, REMOTE_ADDR=ADDRESS)
    token = PortalRBToken.objects.get(name="PortalRB 2026")
    ketua.post(reverse("lke:token_revoke", args=[token.pk]), REMOTE_ADDR=ADDRESS)
    ketua.post(reverse("lke:token_revoke", args=[token.pk]), REMOTE_ADDR=ADDRESS)  # again
    ketua.post(
        reverse("lke:proposal_save"),
        {"unit": unit.pk, "year": 2027, "category": "WBBM", "afirmasi": "on"},
        REMOTE_ADDR=ADDRESS,
    )
    proposal = Proposal.objects.get(unit=unit, year=2027)
    ketua.post(reverse("lke:proposal_delete", args=[proposal.pk]), REMOTE_ADDR=ADDRESS)
    ketua.post(
        reverse("lke:predicate_save"),
        {"unit": unit.pk, "kind": "WBK", "year": 2024, "decree": "SK MenPANRB 1/2024"},
        REMOTE_ADDR=ADDRESS,
    )

    (issued,) = events(AuditAction.LKE_TOKEN_ISSUE)
    assert issued.after == {"name": "PortalRB 2026", "prefix": token.prefix}
    (revoked,) = events(AuditAction.LKE_TOKEN_REVOKE)  # the second revoke changed nothing
    assert revoked.after == {"active": False}
    saved, deleted = events(AuditAction.LKE_PROPOSAL)
    assert saved.after == {"category": "WBBM", "afirmasi": True} and saved.before == {}
    assert deleted.before == {"category": "WBBM", "afirmasi": True}
    (predicate,) = events(AuditAction.LKE_PREDICATE)
    assert predicate.after == {"year": 2024, "decree": "SK MenPANRB 1/2024"}
    lke_events = AuditEvent.objects.filter(action__startswith="lke.").exclude(
        action=AuditAction.LKE_MASTER
    )
    assert {(e.actor_id, e.ip_address) for e in lke_events} == {
        (demo["users"]["ketua"].pk, ADDRESS)
    }


def test_a_second_proposal_of_the_year_corrects_the_first_with_its_before(ketua, demo):
    unit = demo["plan"].unit
    data = {"unit": unit.pk, "year": YEAR, "category": "WBK-AFIRMASI"}
    ketua.post(reverse("lke:proposal_save"), data)
    assert Proposal.objects.get(unit=unit, year=YEAR).category == "WBK-AFIRMASI"
    (event,) = events(AuditAction.LKE_PROPOSAL)
    assert event.before == {"category": "WBK", "afirmasi": False}  # the demo's proposal
