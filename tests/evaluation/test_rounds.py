"""The desk evaluation's rounds: the administrator assigns a lead and members, an
assessor sends a question back with a note, the unit's PIC sees it in Tugas saya and
the notifications and answers it, the assessor sees the answer and confirms; every
round is kept and audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.models import Assignment, Round
from lke.models import LkeQuestion
from monev.models import Notification
from tests.evaluation.conftest import YEAR, _client
from zi_portal.accounts.models import User
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_assigns_a_lead_and_members(unit_b):
    rows = Assignment.objects.filter(unit=unit_b["unit"], year=YEAR).order_by("-is_lead")
    assert [(a.assessor.email, a.is_lead) for a in rows] == [
        ("inspektorat@example.org", True),
        ("auditor2@itjen.example.org", False),
    ]
    page = _client("admin.kementerian@example.org").get(
        f"/kementerian/unit/{unit_b['unit'].pk}/asesor/"
    )
    assert "Ketua tim" in page.content.decode()
    # A PIC of the unit cannot be made its assessor (separation of duties).
    refused = _client("admin.kementerian@example.org").post(
        f"/kementerian/unit/{unit_b['unit'].pk}/asesor/",
        {"year": YEAR, "email": "pic.pw@unit-b.test"},
    )
    assert refused.status_code == 400
    assert "memegang peran lain" in refused.content.decode()


def test_send_back_round_trip_with_notifications(unit_b):
    unit, assessor, question = unit_b["unit"], unit_b["assessor"], unit_b["question"]
    url = f"/evaluasi/{YEAR}/soal/{question.soal_id}/putusan/"

    # Sending back needs a note; nothing is written without one.
    response = assessor.post(url, {"decision": "kirim_balik", "note": "  "}, follow=True)
    assert "Tulis catatan untuk unit" in response.content.decode()
    assert not Round.objects.filter(unit=unit).exists()

    note = "Lampirkan SK penetapan agen perubahan yang ditandatangani."
    response = assessor.post(url, {"decision": "kirim_balik", "note": note}, follow=True)
    assert "dikirim balik ke unit (putaran 1)" in response.content.decode()
    pic = User.objects.get(email="pic.pw@unit-b.test")
    told = Notification.objects.get(recipient=pic, title__contains=str(question.soal_id))
    assert note in told.body and told.url.endswith(f"#soal-{question.soal_id}")
    # Only the PW PIC of unit B is told.
    assert not Notification.objects.filter(
        title__contains="dikirim balik", recipient__unit__code="PUSBANG-APARATUR-KOMDIGI"
    ).exists()  # noqa: E501

    pic_client = _client("pic.pw@unit-b.test")
    tasks = pic_client.get(f"/tugas/?tahun={YEAR}").content.decode()
    assert 'data-testid="sent-back"' in tasks and note[:40] in tasks
    # Another decision before the unit answered is refused.
    again = assessor.post(url, {"decision": "sesuai"}, follow=True)
    assert "belum dijawab unit" in again.content.decode()
    # A PIC of another area may not answer it.
    row = Round.objects.get(unit=unit)
    other = _client("pic.tl@unit-b.test").post(
        f"/evaluasi/{YEAR}/putaran/{row.pk}/jawab/", {"reply": "x"}
    )
    assert other.status_code == 403
    answered = pic_client.post(
        f"/evaluasi/{YEAR}/putaran/{row.pk}/jawab/",
        {"reply": "SK sudah diunggah pada butir TW I MP."},
        follow=True,
    )
    assert "dikirim ke asesor" in answered.content.decode()
    back = Notification.objects.get(
        recipient__email="inspektorat@example.org", title__contains="menjawab"
    )
    assert "SK sudah diunggah" in back.body
    assert "SK sudah diunggah" not in pic_client.get(f"/tugas/?tahun={YEAR}").content.decode()

    done = assessor.post(url, {"decision": "sesuai", "note": "Lengkap."}, follow=True)
    assert "dinyatakan sesuai (putaran 2)" in done.content.decode()
    rounds = list(Round.objects.filter(unit=unit, question=question).order_by("number"))
    assert [(r.number, r.decision, bool(r.reply)) for r in rounds] == [
        (1, "kirim_balik", True),
        (2, "sesuai", False),
    ]
    page = assessor.get(f"/evaluasi/{YEAR}/PW/").content.decode()
    assert "Putaran 1" in page and "Putaran 2" in page and note in page
    actions = list(
        AuditEvent.objects.filter(unit=unit, action__startswith="evaluation.").values_list(
            "action", flat=True
        )
    )
    assert actions.count(AuditAction.LKE_EVALUATE) == 2
    assert actions.count(AuditAction.LKE_EVALUATE_REPLY) == 1
    # Unit A's people see none of it.
    assert note not in _client("ketua@example.org").get(f"/evaluasi/{YEAR}/PW/").content.decode()


def test_the_unit_side_cannot_decide(unit_b):
    question = unit_b["question"]
    response = _client("ketua@unit-b.test").post(
        f"/evaluasi/{YEAR}/soal/{question.soal_id}/putusan/",
        {"decision": "sesuai"},
    )
    assert response.status_code == 403
    assert not Round.objects.exists()


def test_area_page_queries_do_not_grow_with_rounds(unit_b):
    unit, assessor = unit_b["unit"], unit_b["assessor"]
    questions = list(
        LkeQuestion.objects.filter(master__year=YEAR, area_code="PW").order_by("order")
    )

    def queries() -> int:
        assessor.get(f"/evaluasi/{YEAR}/PW/")
        with CaptureQueriesContext(connection) as captured:
            assert assessor.get(f"/evaluasi/{YEAR}/PW/").status_code == 200
        return len(captured)

    from evaluation import services  # noqa: PLC0415 - only here

    user = User.objects.get(email="inspektorat@example.org")
    services.decide(user=user, unit=unit, question=questions[0], decision="sesuai")
    before = queries()
    for q in questions[1:8]:
        services.decide(user=user, unit=unit, question=q, decision="kirim_balik", note="kurang")
    assert queries() == before


def test_overview_lists_the_team_and_what_waits(unit_b):
    page = unit_b["assessor"].get(f"/evaluasi/{YEAR}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Asesor Inspektorat (demo)" in text and "Ketua tim" in text
    assert "PW · Penguatan Pengawasan" in text
    # What the unit still misses for PMPZI, and the deadline (31 May by default).
    assert "31 Mei 2026" in text and 'data-testid="pmpzi-missing"' in text
