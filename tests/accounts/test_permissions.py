"""Role × action: the whole access table, in one place, tested against real rows.

Scoped actions are asked about the PW pokja / the TW II PW cell, so "pic" (Irene
Septine, PIC of PW) is inside the scope and "pic_other" (Isnaldi, PIC of TL) outside.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from workplan.models import CommitmentCell, Pokja
from workplan.services import pokja_member_add
from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import Action, can

A = Action
Y, N = True, False

# columns: anonymous, ketua, kepala, tpi, pic, pic_other, member, member_other, norole,
# admin (Admin Kementerian, in no unit), superuser
WHO = [
    "anonymous",
    "ketua",
    "kepala",
    "tpi",
    "pic",
    "pic_other",
    "member",
    "member_other",
    "norole",
    "admin",
    "superuser",
]
# fmt: off
TABLE = {
    #                        anon ketua kepala tpi pic other member m.other norole admin super
    A.VIEW_PLAN:            [N,   Y,    Y,     Y,  Y,  Y,    Y,     Y,      N,     N,     Y],
    A.EXPORT_PLAN:          [N,   Y,    Y,     Y,  Y,  Y,    Y,     Y,      N,     N,     Y],
    A.MANAGE_PLAN:          [N,   Y,    N,     N,  N,  N,    N,     N,      N,     N,     Y],
    A.MANAGE_USERS:         [N,   Y,    N,     N,  N,  N,    N,     N,      N,     N,     Y],
    A.MANAGE_POKJA_MEMBERS: [N,   Y,    N,     N,  Y,  N,    N,     N,      N,     N,     Y],
    A.UPLOAD_EVIDENCE:      [N,   Y,    N,     N,  Y,  N,    Y,     N,      N,     N,     Y],
    A.VIEW_EVIDENCE:        [N,   Y,    Y,     Y,  Y,  N,    Y,     N,      N,     N,     Y],
    A.WITHDRAW_EVIDENCE:    [N,   Y,    N,     N,  Y,  N,    Y,     N,      N,     N,     Y],
    A.REVIEW_EVIDENCE:      [N,   Y,    N,     Y,  N,  N,    N,     N,      N,     N,     Y],
    A.VIEW_AUDIT:           [N,   Y,    N,     Y,  N,  N,    N,     N,      N,     N,     Y],
    A.VIEW_DASHBOARD:       [N,   Y,    Y,     Y,  N,  N,    N,     N,      N,     N,     Y],
    A.RECORD_REALISATION:   [N,   Y,    N,     N,  Y,  N,    N,     N,      N,     N,     Y],
    A.WRITE_NARRATIVE:      [N,   Y,    N,     N,  Y,  N,    N,     N,      N,     N,     Y],
    A.RECORD_FINDING:       [N,   Y,    Y,     Y,  N,  N,    N,     N,      N,     N,     Y],
    A.FOLLOW_UP_FINDING:    [N,   Y,    N,     N,  Y,  N,    N,     N,      N,     N,     Y],
    A.REQUEST_REPORT:       [N,   Y,    Y,     Y,  N,  N,    N,     N,      N,     N,     Y],
    A.DOWNLOAD_REPORTS:     [N,   Y,    Y,     Y,  N,  N,    N,     N,      N,     N,     Y],
    A.VIEW_SYSTEM_STATUS:   [N,   Y,    N,     N,  N,  N,    N,     N,      N,     N,     Y],
    A.VIEW_LKE:             [N,   Y,    Y,     Y,  Y,  Y,    Y,     Y,      N,     N,     Y],
    A.ANSWER_LKE:           [N,   Y,    N,     N,  Y,  N,    N,     N,      N,     N,     Y],
    A.ANSWER_LKE_HASIL:     [N,   Y,    N,     N,  N,  N,    N,     N,      N,     N,     Y],
    A.ASSESS_LKE:           [N,   N,    N,     Y,  N,  N,    N,     N,      N,     N,     Y],
    A.MANAGE_LKE:           [N,   Y,    N,     N,  N,  N,    N,     N,      N,     N,     Y],
    A.VIEW_SURVEYS:         [N,   Y,    Y,     Y,  N,  N,    N,     N,      N,     N,     Y],
    A.MANAGE_SURVEYS:       [N,   Y,    N,     N,  N,  N,    N,     N,      N,     N,     Y],
    A.MANAGE_UNITS:         [N,   N,    N,     N,  N,  N,    N,     N,      N,     Y,     Y],
    A.VIEW_RECAP:           [N,   N,    N,     Y,  N,  N,    N,     N,      N,     Y,     Y],
}
# fmt: on


@pytest.fixture
def people(demo):
    users = demo["users"]
    plan = demo["plan"]
    pw = Pokja.objects.get(plan=plan, area__code="PW")
    tl = Pokja.objects.get(plan=plan, area__code="TL")
    member = User.objects.create_user(
        "anggota.pw@example.org", "x", name="Anggota PW", unit=plan.unit
    )
    member_other = User.objects.create_user(
        "anggota.tl@example.org", "x", name="Anggota TL", unit=plan.unit
    )
    pokja_member_add(pokja=pw, email=member.email, added_by=users["pic.pw"])
    pokja_member_add(pokja=tl, email=member_other.email, added_by=users["ketua"])
    return {
        "anonymous": AnonymousUser(),
        "ketua": users["ketua"],
        "kepala": users["kepala"],
        "tpi": users["tpi"],
        "pic": users["pic.pw"],
        "pic_other": users["pic.tl"],
        "member": User.objects.get(pk=member.pk),
        "member_other": User.objects.get(pk=member_other.pk),
        "norole": User.objects.create_user("baru@example.org", "x", name="Belum Berperan"),
        "admin": User.objects.get(email="admin.kementerian@example.org"),
        "superuser": User.objects.create_superuser("root@example.org", "x", name="Admin"),
    }


def test_table_covers_every_action():
    assert set(TABLE) == set(Action)
    assert all(len(row) == len(WHO) for row in TABLE.values())


@pytest.mark.parametrize("action", list(TABLE), ids=str)
def test_role_by_action(people, demo, action):
    plan = demo["plan"]
    pw_cell = CommitmentCell.objects.get(quarter__plan=plan, quarter__number=2, area__code="PW")
    from findings.models import Finding

    finding = Finding.objects.create(
        plan=plan,
        cell=pw_cell,
        area=pw_cell.area,
        owner=people["pic"],
        description="x",
        recommendation="y",
        due_date="2026-07-31",
        created_by=people["tpi"],
    )
    target = {
        A.MANAGE_POKJA_MEMBERS: Pokja.objects.get(plan=plan, area__code="PW"),
        A.RECORD_REALISATION: Pokja.objects.get(plan=plan, area__code="PW"),
        A.WRITE_NARRATIVE: Pokja.objects.get(plan=plan, area__code="PW"),
        A.ANSWER_LKE: Pokja.objects.get(plan=plan, area__code="PW"),
        A.FOLLOW_UP_FINDING: finding,
        A.UPLOAD_EVIDENCE: pw_cell,
        A.VIEW_EVIDENCE: pw_cell,
        A.WITHDRAW_EVIDENCE: pw_cell,
    }.get(action)
    got = [can(people[who], action, target) for who in WHO]
    assert dict(zip(WHO, got, strict=True)) == dict(zip(WHO, TABLE[action], strict=True))


def test_inactive_user_may_do_nothing(people):
    ketua = people["ketua"]
    ketua.is_active = False
    assert not any(can(ketua, action) for action in Action)


def test_upload_scope_queryset(people, demo):
    cells = CommitmentCell.objects.filter(quarter__plan=demo["plan"])

    def codes(who):
        rows = cells.restrict(people[who], Action.UPLOAD_EVIDENCE).select_related("area")
        return sorted({c.area.code for c in rows})

    assert codes("pic") == ["PW"]
    assert cells.restrict(people["pic"], Action.UPLOAD_EVIDENCE).count() == 4
    assert codes("member") == ["PW"]
    assert codes("pic_other") == ["TL"]
    assert codes("ketua") == ["AK", "MP", "PP", "PW", "SDM", "TL"]
    assert codes("kepala") == []
    assert codes("tpi") == []
    assert codes("anonymous") == []
