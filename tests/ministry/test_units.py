"""The ministry's administrator creates units and starts their years; people who hold
roles in several units (an Inspektorat assessor) switch between those and only those."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from tests.ministry.conftest import signed_in
from tests.multiunit import UNIT_B
from workplan.documents import plan_document
from workplan.models import CommitmentCell, EvidenceRequirement, Unit, WorkPlan
from workplan.services import plan_import
from zi_portal.accounts.models import Membership, User
from zi_portal.accounts.permissions import Action, can
from zi_portal.accounts.roles import Role
from zi_portal.accounts.units import membership_add
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent

pytestmark = pytest.mark.django_db


_client = signed_in


def _new_unit(admin: Client, code: str = "BBPSDMP-MEDAN") -> Unit:
    response = admin.post(
        "/kementerian/unit/",
        {
            "code": code.lower(),
            "name": "Balai Besar Pengembangan SDM dan Penelitian Medan",
            "short_name": "BBPSDMP Medan",
            "parent_name": "BPSDM Komdigi",
            "kepala_email": "kepala@medan.example.org",
            "kepala_name": "Kepala Balai Medan",
            "ketua_email": "ketua@medan.example.org",
            "ketua_name": "Ketua Tim ZI Medan",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Unit.objects.get(code=code)


def test_admin_creates_a_unit_with_its_kepala_and_ketua(demo):
    admin = _client("admin.kementerian@example.org")
    assert admin.get("/").url == "/kementerian/unit/"
    page = admin.get("/kementerian/unit/").content.decode()
    assert "Pusbang Aparatur Komdigi" in page and "Unit Uji B" in page
    assert "Noor Iza" in page  # the demo unit's Kepala

    unit = _new_unit(admin)
    ketua = User.objects.get(email="ketua@medan.example.org")
    assert ketua.unit == unit and ketua.is_staff and not ketua.has_usable_password()
    assert {m.role for m in Membership.objects.filter(unit=unit)} == {Role.KEPALA, Role.KETUA}
    assert can(ketua, Action.MANAGE_PLAN) and not can(ketua, Action.MANAGE_UNITS)
    assert AuditEvent.objects.filter(action=AuditAction.UNIT_CREATE, unit=unit).exists()

    # The same code again is refused in Indonesian, and nothing is made.
    again = admin.post(
        "/kementerian/unit/",
        {"code": "bbpsdmp-medan", "name": "X", "short_name": "X",
         "kepala_email": "k2@medan.example.org", "kepala_name": "K",
         "ketua_email": "t2@medan.example.org", "ketua_name": "T"},
    )  # fmt: skip
    assert again.status_code == 400
    assert "Kode unit BBPSDMP-MEDAN sudah dipakai" in again.content.decode()
    assert not User.objects.filter(email="k2@medan.example.org").exists()


def test_admin_starts_a_year_from_another_units_plan_with_pics(demo):
    admin = _client("admin.kementerian@example.org")
    unit = _new_unit(admin)
    template = demo["plan"]
    response = admin.post(
        f"/kementerian/unit/{unit.pk}/tahun/",
        {
            "year": "2027",
            "source": "template",
            "template": str(template.pk),
            "pic_pw_email": "pic.pw@medan.example.org",
            "pic_pw_name": "PIC Pengawasan Medan",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = WorkPlan.objects.get(unit=unit, year=2027)
    # Every evidence item of the template, in the new plan.
    assert EvidenceRequirement.objects.filter(cell__quarter__plan=plan).count() == (
        EvidenceRequirement.objects.filter(cell__quarter__plan=template).count()
    )
    assert plan.quarters.get(number=1).due_date == date(2027, 3, 31)
    assert plan.signatory_name == ""  # a new year is not signed yet
    pic = User.objects.get(email="pic.pw@medan.example.org")
    pw_cells = CommitmentCell.objects.filter(quarter__plan=plan, area__code="PW")
    assert {c.pic_id for c in pw_cells} == {pic.pk}
    others = CommitmentCell.objects.filter(quarter__plan=plan).exclude(area__code="PW")
    assert not others.filter(pic__isnull=False).exists()
    assert not others.exclude(pic_name="").exists()  # no name of the demo unit's PICs
    assert Membership.objects.filter(user=pic, unit=unit, role=Role.PIC).exists()
    assert AuditEvent.objects.filter(action=AuditAction.YEAR_START, unit=unit).exists()

    # The unit's own Ketua now sees the plan; the demo unit is untouched.
    ketua = _client("ketua@medan.example.org")
    assert ketua.get("/rencana/2027/").status_code == 200
    assert ketua.get("/rencana/2026/").status_code == 404

    # The next year from the previous one: the PIC names carry over.
    again = admin.post(
        f"/kementerian/unit/{unit.pk}/tahun/", {"year": "2028", "source": "previous"}
    )
    assert again.status_code == 302
    copied = CommitmentCell.objects.filter(quarter__plan__unit=unit, quarter__plan__year=2028)
    assert set(copied.filter(area__code="PW").values_list("pic_name", flat=True)) == {
        "PIC Pengawasan Medan"
    }

    # A year that exists, and a previous year that does not, are refused in Indonesian.
    dup = admin.post(f"/kementerian/unit/{unit.pk}/tahun/", {"year": "2027", "source": "previous"})
    assert dup.status_code == 400
    assert "sudah punya rencana kerja 2027" in dup.content.decode()
    gap = admin.post(f"/kementerian/unit/{unit.pk}/tahun/", {"year": "2030", "source": "previous"})
    assert "belum punya rencana kerja 2029" in gap.content.decode()
    assert not WorkPlan.objects.filter(unit=unit, year=2030).exists()


def test_admin_starts_a_year_from_a_plan_file(demo, tmp_path):
    admin = _client("admin.kementerian@example.org")
    unit = _new_unit(admin)
    out = io.StringIO()
    call_command("export_plan", "2026", "--unit", demo["plan"].unit.code, "--format", "json",
                 stdout=out)  # fmt: skip
    document = json.loads(out.getvalue())
    wrong_year = SimpleUploadedFile("plan.json", out.getvalue().encode(), "application/json")
    refused = admin.post(
        f"/kementerian/unit/{unit.pk}/tahun/",
        {"year": "2027", "source": "file", "plan_file": wrong_year},
    )
    assert refused.status_code == 400
    assert "rencana kerja tahun 2026, bukan 2027" in refused.content.decode()
    not_json = SimpleUploadedFile("plan.json", b"\xff\xfe bukan json", "application/json")
    refused = admin.post(
        f"/kementerian/unit/{unit.pk}/tahun/",
        {"year": "2026", "source": "file", "plan_file": not_json},
    )
    assert "bukan JSON yang terbaca" in refused.content.decode()
    document["areas"] = document["areas"][:5]
    broken = SimpleUploadedFile("plan.json", json.dumps(document).encode(), "application/json")
    refused = admin.post(
        f"/kementerian/unit/{unit.pk}/tahun/",
        {"year": "2026", "source": "file", "plan_file": broken},
    )
    assert "Rencana kerja tidak dapat dimuat" in refused.content.decode()
    assert not WorkPlan.objects.filter(unit=unit).exists()

    good = SimpleUploadedFile("plan.json", out.getvalue().encode(), "application/json")
    done = admin.post(
        f"/kementerian/unit/{unit.pk}/tahun/",
        {"year": "2026", "source": "file", "plan_file": good},
    )
    assert done.status_code == 302
    plan = WorkPlan.objects.get(unit=unit, year=2026)
    assert plan.signatory_name == "Noor Iza"  # a file is taken as it is, in this unit
    assert WorkPlan.objects.filter(unit=demo["plan"].unit, year=2026).count() == 1


def test_only_the_admin_reaches_the_ministry_pages(demo):
    for email in ("ketua@example.org", "kepala@example.org", "tpi@example.org"):
        client = _client(email)
        response = client.get("/kementerian/unit/")
        assert response.status_code == 403
        assert "Admin Kementerian" in response.content.decode()
        unit = Unit.objects.get(code=UNIT_B)
        assert client.get(f"/kementerian/unit/{unit.pk}/tahun/").status_code == 403
    # The administrator sees no unit's work.
    admin = _client("admin.kementerian@example.org")
    assert admin.get("/rencana/2026/").status_code == 403


def test_an_assessor_in_two_units_sees_both_and_only_those(demo):
    unit_a, unit_b = demo["plan"].unit, Unit.objects.get(code=UNIT_B)
    assessor = User.objects.get(email="inspektorat@example.org")
    assert assessor.unit == unit_a
    membership_add(user=assessor, unit=unit_b, role=Role.TPI)
    third = Unit.objects.create(code="UNIT-C", name="Unit C", short_name="Unit C")
    client = _client("inspektorat@example.org")

    page = client.get("/rencana/2026/").content.decode()
    assert 'id="unit-select"' in page
    assert ">Pusbang Aparatur Komdigi</option>" in page and ">Unit Uji B</option>" in page
    assert "Unit C" not in page
    overview = client.get("/rencana/2026/").content.decode()
    assert "Noor Iza" in overview  # unit A's plan

    refused = client.post("/unit/pindah/", {"unit": str(third.pk)})
    assert refused.status_code == 403
    assert "tidak memegang peran di unit kerja itu" in refused.content.decode()

    switched = client.post("/unit/pindah/", {"unit": str(unit_b.pk)})
    assert switched.status_code == 302 and switched.url == "/"
    assessor.refresh_from_db()
    assert assessor.unit == unit_b
    assert [g.name for g in assessor.groups.all()] == ["Asesor TPI"]
    overview = client.get("/rencana/2026/").content.decode()
    assert "Kepala Unit B" in overview and "Noor Iza" not in overview
    # The assessors' LKE column of unit B is theirs to write.
    assert can(assessor, Action.ASSESS_LKE)
    event = AuditEvent.objects.get(action=AuditAction.UNIT_SWITCH)
    assert event.after == {"unit": UNIT_B} and event.unit_id == unit_b.pk
    # Both memberships survive the switch, and switching back works.
    assert Membership.objects.filter(user=assessor).count() == 2
    assert client.post("/unit/pindah/", {"unit": str(unit_a.pk)}).status_code == 302
    assert "Noor Iza" in client.get("/rencana/2026/").content.decode()


def test_people_in_one_unit_get_no_unit_list(demo):
    page = _client("ketua@example.org").get("/rencana/2026/").content.decode()
    assert 'id="unit-select"' not in page


def test_a_pic_working_in_another_unit_is_linked_by_their_membership(demo):
    """A plan names its PICs; a PIC who holds the role in the unit through a membership
    (their current unit is another) is linked, a namesake without one is not."""
    unit = Unit.objects.create(code="UNIT-C", name="Unit C", short_name="Unit C")
    pic_b = User.objects.get(email="pic.pw@unit-b.test")
    membership_add(user=pic_b, unit=unit, role=Role.PIC)
    assert User.objects.get(pk=pic_b.pk).unit.code == UNIT_B  # still works in unit B
    document = plan_document(
        demo["plan"], unit=unit, year=2027, pics={"PW": pic_b.name, "TL": "PIC TL Unit B"}
    )
    plan, _created = plan_import(data=document)
    cells = CommitmentCell.objects.filter(quarter__plan=plan)
    assert {c.pic_id for c in cells.filter(area__code="PW")} == {pic_b.pk}
    # PIC TL Unit B holds no role in unit C: named, not linked.
    assert set(cells.filter(area__code="TL").values_list("pic_id", "pic_name")) == {
        (None, "PIC TL Unit B")
    }
