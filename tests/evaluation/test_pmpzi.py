"""The road to PMPZI: the Tabel 5 checklist with evidence links, the deadline (31 May
unless set), reminders 30/14/3 days before to the unit's Ketua and assessors, and the
proposal, refused while something is missing and allowed with an audited reason; a
proposed unit appears in PortalRB's endpoint."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from evaluation import pmpzi
from evaluation.choices import Prerequisite
from evaluation.models import PmpziProposal
from lke import services as lke_services
from lke.models import Proposal
from monev.models import Message
from monev.pmpzi_reminders import run_pmpzi
from tests.evaluation.conftest import YEAR, _client
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ALL_MET = {
    "opini_bpk": "WTP", "sakip": "BB", "indeks_rb": "B", "spip": "3", "core_layanan": "ya",
    "dampak": "ya", "tlhp": "100", "lhkpn": "100", "zi_sejak": "2024-01-15", "sakip_unit": "B",
}  # fmt: skip


def test_each_prerequisite_reads_tabel_5():
    deadline = date(2026, 5, 31)
    assert pmpzi.meets("opini_bpk", "WTP", "WBK", deadline)
    assert not pmpzi.meets("opini_bpk", "WDP", "WBK", deadline)
    assert pmpzi.meets("sakip", "B", "WBK", deadline) and not pmpzi.meets(
        "sakip", "B", "WBBM", deadline
    )
    assert pmpzi.meets("indeks_rb", "A", "WBBM", deadline)
    assert not pmpzi.meets("indeks_rb", "CC", "WBK", deadline)
    assert pmpzi.meets("spip", "3", "WBK", deadline) and not pmpzi.meets(
        "spip", "2", "WBK", deadline
    )
    assert pmpzi.meets("tlhp", "100 %", "WBK", deadline)
    assert not pmpzi.meets("tlhp", "99,5", "WBK", deadline)
    assert pmpzi.meets("zi_sejak", "2025-05-31", "WBK", deadline)
    assert not pmpzi.meets("zi_sejak", "2025-06-01", "WBK", deadline)  # less than a year
    assert set(Prerequisite.values) == set(ALL_MET)
    assert pmpzi.deadline_of(2031) == date(2031, 5, 31)


def test_proposal_refused_while_missing_and_allowed_with_an_audited_reason(unit_b):
    unit = unit_b["unit"]
    admin = _client("admin.kementerian@example.org")
    url = f"/kementerian/unit/{unit.pk}/pmpzi/{YEAR}/"
    values = {f"{k}-value": v for k, v in ALL_MET.items()}
    values.update({f"{k}-url": f"https://arsip.example.org/{k}.pdf" for k in ALL_MET})
    values["lhkpn-value"] = "96"  # one prerequisite missing
    assert admin.post(url, values).status_code == 302
    page = admin.get(url).content.decode()
    assert 'data-key="lhkpn" data-met="tidak"' in page
    assert 'data-key="opini_bpk" data-met="ya"' in page

    refused = admin.post(f"{url}usul/", {"kategori": "WBK"}, follow=True).content.decode()
    assert "belum dapat diusulkan WBK" in refused and "LHKPN" in refused
    assert "Tabel 6: Nilai total" in refused  # the assessors' figures miss Tabel 6 too
    assert not Proposal.objects.filter(unit=unit, year=YEAR).exists()

    reason = "Arahan Sekjen: diusulkan sebagai unit layanan prioritas."
    done = admin.post(f"{url}usul/", {"kategori": "WBK", "alasan": reason}, follow=True)
    assert "diusulkan WBK 2026" in done.content.decode()
    row = PmpziProposal.objects.get(unit=unit, year=YEAR)
    assert row.override_reason == reason and any("LHKPN" in m for m in row.missing)
    event = AuditEvent.objects.get(action=AuditAction.PMPZI_PROPOSE, unit=unit)
    assert event.after["reason"] == reason and event.after["missing"] == row.missing
    assert Proposal.objects.get(unit=unit, year=YEAR).category == "WBK"

    # PortalRB's endpoint lists the proposed unit.
    token, raw = lke_services.token_issue(name="PortalRB uji", user=None)
    listed = _client("admin.kementerian@example.org").get(
        "/api/portalrb/pengusulan/unit-wbk", {"tahun": YEAR}, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert listed.status_code == 200, listed.content
    assert unit.code in listed.content.decode()


def test_reminders_30_14_3_days_before_the_deadline(unit_b):
    unit = unit_b["unit"]
    admin = _client("admin.kementerian@example.org")
    deadline = date(YEAR, 6, 30)
    response = admin.post(
        f"/kementerian/unit/{unit.pk}/pmpzi/{YEAR}/batas/", {"deadline": deadline.isoformat()}
    )
    assert response.status_code == 302
    assert pmpzi.deadline_of(YEAR) == deadline
    assert run_pmpzi(today=deadline - timedelta(days=29), send_now=True) == []
    sent = run_pmpzi(today=deadline - timedelta(days=30), send_now=True)
    to_b = {m.recipient.email for m in sent if "Unit Uji B" in m.subject}
    assert to_b == {"ketua@unit-b.test", "inspektorat@example.org", "auditor2@itjen.example.org"}
    message = next(m for m in sent if m.recipient.email == "ketua@unit-b.test")
    assert "30 hari" in message.subject and "30 Juni 2026" in message.body_text
    # Once per occurrence; again 14 days before.
    assert run_pmpzi(today=deadline - timedelta(days=30), send_now=True) == []
    fourteen = run_pmpzi(today=deadline - timedelta(days=14), send_now=True)
    assert any("Unit Uji B" in m.subject for m in fourteen)
    # A proposed unit hears nothing more; the demo unit, not proposed this way, does.
    PmpziProposal.objects.create(
        unit=unit, year=YEAR, category="WBK", proposed_by=message.recipient
    )
    three = run_pmpzi(today=deadline - timedelta(days=3), send_now=True)
    assert three and not any("Unit Uji B" in m.subject for m in three)
    assert Message.objects.filter(subject__contains="Unit Uji B").count() == 6
