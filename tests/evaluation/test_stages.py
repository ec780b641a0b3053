"""The tiers: a member proposes the desk figures, the lead confirms them, then the
field evaluation; each tier keeps its figures when the assessors' answers change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evaluation.models import Stage
from lke import scoring, selectors
from lke import services as lke_services
from lke.models import Side
from tests.evaluation.conftest import YEAR, _client
from zi_portal.accounts.models import User
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _answer_tpi(unit, count: int) -> None:
    master = lke_services.master_ensure()
    tree = selectors.parsed_master(master)
    questions = {q.soal_id: q for q in master.questions.all()}
    choice = [s for s, q in tree.questions.items() if q.answer_type in scoring.CHOICE_TYPES]
    for sid in choice[:count]:
        lke_services.answer_save(
            unit=unit, question=questions[sid], side=Side.TPI, user=None,
            value=tree.questions[sid].options[0].key,
        )  # fmt: skip


def test_member_proposes_lead_confirms_and_each_tier_keeps_its_figures(unit_b):
    unit = unit_b["unit"]
    lead = unit_b["assessor"]
    member = _client("auditor2@itjen.example.org")
    assert member.post("/unit/pindah/", {"unit": unit.pk}).status_code == 302
    url = f"/evaluasi/{YEAR}/tahap/"

    # The lead cannot confirm what nobody proposed; a member cannot confirm at all.
    page = lead.post(url, {"kind": "konfirmasi"}, follow=True).content.decode()
    assert "Belum ada usulan nilai" in page
    _answer_tpi(unit, 20)
    proposed = member.post(url, {"kind": "usulan", "note": "Usulan anggota"}, follow=True)
    assert "Usulan anggota (evaluasi dokumen) dicatat" in proposed.content.decode()
    assert (
        "Hanya ketua tim" in member.post(url, {"kind": "konfirmasi"}, follow=True).content.decode()
    )

    _answer_tpi(unit, 40)  # the lead's review changes the assessors' answers
    confirmed = lead.post(url, {"kind": "konfirmasi"}, follow=True).content.decode()
    assert "Konfirmasi ketua tim (evaluasi dokumen) dicatat" in confirmed
    tiers = {s.kind: s for s in Stage.objects.filter(unit=unit, year=YEAR)}
    now = selectors.unit_score(unit=unit, master=lke_services.master_ensure(), side=Side.TPI)
    assert tiers["konfirmasi"].figures["total"] == float(scoring.r2(now.total))
    assert tiers["usulan"].figures["total"] < tiers["konfirmasi"].figures["total"]
    assert len(tiers["usulan"].answers) == 20 and len(tiers["konfirmasi"].answers) == 40

    # The field evaluation needs a date (not in the future) and a note.
    page = lead.post(url, {"kind": "lapangan", "note": ""}, follow=True).content.decode()
    assert "Isi tanggal evaluasi lapangan" in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = lead.post(url, {"kind": "lapangan", "note": "x", "held_on": tomorrow}, follow=True)
    assert "tidak boleh di masa depan" in page.content.decode()
    held = (timezone.localdate() - timedelta(days=2)).isoformat()
    lead.post(url, {"kind": "lapangan", "note": "Wawancara agen perubahan.", "held_on": held})
    field = Stage.objects.get(unit=unit, kind="lapangan")
    assert field.held_on.isoformat() == held and field.note == "Wawancara agen perubahan."
    overview = lead.get(f"/evaluasi/{YEAR}/").content.decode()
    assert overview.count("data-kind=") == 3 and "Wawancara agen perubahan." in overview
    assert AuditEvent.objects.filter(action=AuditAction.EVALUATION_STAGE, unit=unit).count() == 3


def test_an_assessor_not_assigned_records_no_tier(unit_b, demo):
    # The demo unit's own TPI is not assigned to unit A's evaluation of 2026.
    client = _client("tpi@example.org")
    page = client.post(f"/evaluasi/{YEAR}/tahap/", {"kind": "usulan"}, follow=True)
    assert "tidak ditugaskan menilai" in page.content.decode()
    assert not Stage.objects.exists()
    assert User.objects.get(email="tpi@example.org").unit.code == demo["plan"].unit.code
