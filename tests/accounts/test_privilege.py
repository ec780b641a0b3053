"""Privilege: nobody but a superuser changes a superuser or staff account; nobody changes
their own roles; the TPI role stands alone; nobody reviews their own upload; pokja
membership is for staff of the unit who may handle evidence, and removing it removes the
rights. Tried as a user would: through the admin's pages, the portal's pages and the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from evidence import services as evidence_services
from evidence.models import EvidenceVersion, Review
from tests.evidence import samples
from tests.multiunit import UNIT_B, users_b
from workplan.models import CommitmentCell, EvidenceRequirement, Pokja, PokjaMember
from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import Action, can, user_roles
from zi_portal.accounts.services import api_token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(demo):
    return User.objects.create_superuser("root@example.org", "Sandi-Root-2026!", name="Operator")


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# --- the admin ------------------------------------------------------------------------


@pytest.mark.parametrize("in_unit", [False, True], ids=["no-unit", "ketuas-unit"])
def test_ketua_cannot_set_a_superusers_password(client, demo, root, in_unit):
    """Whether the operator's account belongs to no unit (not found) or to the Ketua's
    own unit (refused), its password form is out of the Ketua's reach."""
    if in_unit:
        User.objects.filter(pk=root.pk).update(unit=demo["plan"].unit)
    client.force_login(demo["users"]["ketua"])
    url = f"/admin/accounts/user/{root.pk}/password/"
    assert client.get(url).status_code == (403 if in_unit else 404)
    response = client.post(url, {"password1": "Diambil-Alih-1!", "password2": "Diambil-Alih-1!"})
    assert response.status_code == (403 if in_unit else 404)
    root.refresh_from_db()
    assert root.check_password("Sandi-Root-2026!")
    assert not root.check_password("Diambil-Alih-1!")


def test_ketua_cannot_change_or_delete_a_superuser(client, demo, root):
    User.objects.filter(pk=root.pk).update(unit=demo["plan"].unit)
    client.force_login(demo["users"]["ketua"])
    change = client.post(
        f"/admin/accounts/user/{root.pk}/change/",
        {"email": "root@example.org", "name": "Diubah", "is_active": ""},
    )
    assert change.status_code == 403
    delete = client.post(f"/admin/accounts/user/{root.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    root.refresh_from_db()
    assert root.name == "Operator" and root.is_active


def test_ketua_cannot_change_a_staff_account_or_their_own(client, demo):
    ketua = demo["users"]["ketua"]
    assert ketua.is_staff
    client.force_login(ketua)
    tpi_group = Group.objects.get(name="Asesor TPI")
    page = client.get(f"/admin/accounts/user/{ketua.pk}/change/")
    # Read-only at most: no field to submit, no roles to tick.
    assert page.status_code in (200, 403)
    assert 'name="groups"' not in page.content.decode()
    response = client.post(
        f"/admin/accounts/user/{ketua.pk}/change/",
        {"email": ketua.email, "name": ketua.name, "groups": [tpi_group.pk]},
    )
    assert response.status_code == 403
    assert user_roles(User.objects.get(pk=ketua.pk)) == {"ketua"}
    password = client.post(
        f"/admin/accounts/user/{ketua.pk}/password/",
        {"password1": "Sandi-Baru-2026!", "password2": "Sandi-Baru-2026!"},
    )
    assert password.status_code == 403


def test_ketua_changes_a_pic_but_never_makes_them_staff(client, demo):
    pic = demo["users"]["pic.tl"]
    client.force_login(demo["users"]["ketua"])
    page = client.get(f"/admin/accounts/user/{pic.pk}/change/").content.decode()
    assert 'name="groups"' in page
    assert 'name="is_staff"' not in page and 'name="is_superuser"' not in page
    assert 'name="unit"' not in page


def test_the_tpi_role_stands_alone(client, demo):
    client.force_login(demo["users"]["ketua"])
    tpi, pic = Group.objects.get(name="Asesor TPI"), Group.objects.get(name="PIC")
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "asesor.ganda@komdigi.go.id",
            "name": "Asesor Ganda",
            "password1": "Sandi-Kuat-2026!",
            "password2": "Sandi-Kuat-2026!",
            "groups": [tpi.pk, pic.pk],
        },
    )
    assert response.status_code == 200
    assert "tidak dapat digabung dengan peran lain" in response.content.decode()
    assert not User.objects.filter(email="asesor.ganda@komdigi.go.id").exists()


def test_ketua_sees_and_makes_accounts_of_their_unit_only(client, demo):
    ketua_b = users_b()["ketua"]
    client.force_login(ketua_b)
    listing = client.get("/admin/accounts/user/?q=").content.decode()
    assert "Ketua Tim Unit B" in listing
    for person in demo["users"].values():
        assert person.email not in listing
    a_pic = demo["users"]["pic.pw"]
    assert client.get(f"/admin/accounts/user/{a_pic.pk}/change/").status_code == 302
    client.post(
        "/admin/accounts/user/add/",
        {
            "email": "staf@unit-b.test",
            "name": "Staf B",
            "password1": "Sandi-Kuat-2026!",
            "password2": "Sandi-Kuat-2026!",
        },
    )
    assert User.objects.get(email="staf@unit-b.test").unit.code == UNIT_B


# --- reviewing one's own upload ---------------------------------------------------------


def _ketua_upload(demo) -> EvidenceVersion:
    cell = CommitmentCell.objects.get(
        quarter__plan=demo["plan"], quarter__number=1, area__code="PW"
    )
    requirement = EvidenceRequirement.objects.filter(cell=cell).order_by("pk")[0]
    return evidence_services.evidence_upload_file(
        requirement=requirement,
        upload=samples.upload("sk-tim.pdf", samples.pdf("SK tim")),
        user=demo["users"]["ketua"],
    )


def test_a_reviewer_cannot_approve_their_own_upload_on_the_page(client, demo):
    version = _ketua_upload(demo)
    client.force_login(demo["users"]["ketua"])
    item = client.get(f"/butir/{version.requirement_id}/").content.decode()
    assert "Anda mengunggah berkas ini; reviunya oleh Ketua Tim ZI atau Asesor TPI lain" in item
    assert f'action="/versi/{version.pk}/reviu/"' not in item
    response = client.post(
        f"/versi/{version.pk}/reviu/", {"decision": "approve", "comment": "ok"}, follow=True
    )
    assert "tidak dapat mereviu berkas yang Anda unggah sendiri" in _messages(response)
    assert not Review.objects.filter(version=version).exists()
    # Someone else reviews it.
    client.force_login(demo["users"]["tpi"])
    client.post(f"/versi/{version.pk}/reviu/", {"decision": "approve", "comment": "ok"})
    assert Review.objects.get(version=version).reviewer == demo["users"]["tpi"]


def test_a_reviewer_cannot_approve_their_own_upload_through_the_api(demo):
    version = _ketua_upload(demo)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=demo['users']['ketua'])}")
    response = api.post(
        f"/api/v1/evidence/{version.pk}/review/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 403
    assert "unggah sendiri" in response.json()["error"]["message"]
    assert not Review.objects.filter(version=version).exists()


# --- pokja membership -------------------------------------------------------------------


def _add(client, demo, email: str):
    return client.post("/rencana/2026/area/PW/anggota/", {"email": email}, follow=True)


@pytest.mark.parametrize("who", ["tpi", "kepala", "ketua"])
def test_a_pic_cannot_make_leadership_or_assessors_members(client, demo, who):
    client.force_login(demo["users"]["pic.pw"])
    response = _add(client, demo, demo["users"][who].email)
    assert "tidak dapat menjadi anggota pokja" in _messages(response)
    assert not PokjaMember.objects.filter(user=demo["users"][who]).exists()
    assert "anggota" not in user_roles(User.objects.get(pk=demo["users"][who].pk))


def test_a_pic_cannot_make_another_units_person_a_member(client, demo):
    client.force_login(demo["users"]["pic.pw"])
    stranger = users_b()["pic.tl"]
    response = _add(client, demo, stranger.email)
    assert "Tidak ada akun aktif dengan e-mail" in _messages(response)
    assert not PokjaMember.objects.filter(user=stranger).exists()


def test_removing_the_last_membership_removes_the_upload_right(client, demo):
    staff = User.objects.create_user(
        "staf.pw@example.org", "Sandi-Kuat-2026!", name="Staf PW", unit=demo["plan"].unit
    )
    client.force_login(demo["users"]["pic.pw"])
    response = _add(client, demo, staff.email)
    assert "ditambahkan ke" in _messages(response)
    pw_cell = CommitmentCell.objects.get(
        quarter__plan=demo["plan"], quarter__number=2, area__code="PW"
    )
    assert can(User.objects.get(pk=staff.pk), Action.UPLOAD_EVIDENCE, pw_cell)
    member = PokjaMember.objects.get(user=staff)
    client.post(f"/rencana/2026/area/PW/anggota/{member.pk}/hapus/")
    staff = User.objects.get(pk=staff.pk)
    assert user_roles(staff) == frozenset()
    assert not can(staff, Action.UPLOAD_EVIDENCE, pw_cell)
    assert not any(can(staff, action) for action in Action)


def test_pokja_of_another_unit_is_out_of_reach(client, demo):
    pokja_b = Pokja.objects.get(plan__unit__code=UNIT_B, area__code="PW")
    member_b = PokjaMember.objects.filter(pokja=pokja_b).first()
    client.force_login(demo["users"]["pic.pw"])
    response = client.post(f"/rencana/2026/area/PW/anggota/{member_b.pk}/hapus/")
    assert response.status_code == 404
    assert PokjaMember.objects.filter(pk=member_b.pk).exists()
