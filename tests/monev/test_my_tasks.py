"""*Tugas saya* starts where the work is: a PIC reads the reviewer's comment and how
late an item is without opening it; the Ketua sees what waits for review, not every
item of the unit as theirs. A revision request shows in the portal at once and stands
above the upload form on the item page."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence import services
from monev.models import Notification
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement

TODAY = date(2026, 5, 11)
_real_localdate = timezone.localdate


@pytest.fixture
def may_11(monkeypatch):
    """The pages' "today" is 11 May 2026 (TW I is overdue, TW II open)."""
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, tz=None: TODAY if value is None else _real_localdate(value, tz),
    )


def pw_item(quarter: int, order: int = 1) -> EvidenceRequirement:
    return EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=quarter, cell__area__code="PW"
    ).order_by("order")[order - 1]


def upload(item, user, name="bukti.pdf"):
    return services.evidence_upload_file(
        requirement=item, user=user, upload=samples.upload(name, samples.pdf(name))
    )


@pytest.mark.django_db
def test_the_pic_reads_the_comment_and_days_late(client, demo, may_11):
    users = demo["users"]
    item = pw_item(1)
    version = upload(item, users["pic.pw"])
    services.evidence_review(
        version=version, user=users["tpi"], decision="revise", comment="Tambahkan tanda tangan"
    )
    due = item.cell.quarter.due_date
    client.force_login(users["pic.pw"])
    body = client.get(reverse("monev:tasks")).content.decode()
    late = body.split('id="tw-late"')[1].split("</section>")[0]
    assert "Komentar Asesor TPI (demo):</strong> Tambahkan tanda tangan" in late
    assert f"terlambat {(TODAY - due).days} hari" in late


@pytest.mark.django_db
def test_the_ketua_sees_what_waits_for_review_not_every_item(client, demo, may_11):
    users = demo["users"]
    upload(pw_item(2), users["pic.pw"], "satu.pdf")
    upload(pw_item(2, 2), users["pic.pw"], "dua.pdf")
    client.force_login(users["ketua"])
    body = client.get(reverse("monev:tasks")).content.decode()
    waiting = body.split('id="waiting-h"')[1].split("</section>")[0]
    assert "2 berkas menunggu reviu." in waiting
    assert waiting.count('class="task"') == 2
    assert reverse("evidence:queue") in waiting
    # The Ketua is PIC of no cell of the demo plan: no item is listed as theirs.
    assert 'class="task task-' not in body


@pytest.mark.django_db
def test_a_revision_request_is_in_the_portal_at_once_and_above_the_upload_form(client, demo):
    users = demo["users"]
    item = pw_item(2)
    version = upload(item, users["pic.pw"])
    services.evidence_review(
        version=version, user=users["tpi"], decision="revise", comment="Lampirkan daftar hadir"
    )
    told = Notification.objects.get(recipient=users["pic.pw"], kind="revision")
    assert "Lampirkan daftar hadir" in told.body
    assert told.url.startswith(reverse("evidence:item", args=[item.pk]))
    client.force_login(users["pic.pw"])
    body = client.get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert body.index('id="revisi"') < body.index('id="unggah"')
    callout = body.split('id="revisi"')[1].split("</section>")[0]
    assert "Asesor TPI (demo) meminta revisi Berkas 1" in callout
    assert "Lampirkan daftar hadir" in callout
    # Once the file is replaced, the request is answered: no callout.
    services.evidence_upload_file(
        requirement=item,
        user=users["pic.pw"],
        upload=samples.upload("perbaikan.pdf", samples.pdf("perbaikan")),
        replaces=version,
    )
    body = client.get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert 'id="revisi"' not in body
