"""Every work-plan page tried four ways (anonymous, wrong role, out of scope, allowed),
plus what the allowed user sees."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.multiunit import UNIT_A
from workplan.models import Activity, PokjaMember

ALL_ROLES = ["ketua", "kepala", "tpi", "pic.pw", "pic.tl"]


def url(name, *args):
    return reverse(name, args=args)


PAGES = [
    # (url name, args, roles allowed)
    ("workplan:overview", [2026], ALL_ROLES),
    ("evidence:matrix", [2026], ALL_ROLES),
    ("monev:activities", [2026], ALL_ROLES),
    ("evidence:area", [2026, "PW"], ALL_ROLES),
    ("workplan:export", [2026, "xlsx"], ALL_ROLES),
    ("workplan:export", [2026, "csv"], ALL_ROLES),
    ("monev:status", [], ["ketua"]),
]


@pytest.fixture
def client_as(client, demo):
    def login(who):
        client.force_login(demo["users"][who])
        return client

    return login


@pytest.mark.parametrize(("name", "args", "allowed"), PAGES)
def test_anonymous_is_sent_to_sign_in(client, demo, name, args, allowed):
    response = client.get(url(name, *args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "args", "allowed"), PAGES)
@pytest.mark.parametrize("who", ALL_ROLES)
def test_roles(client_as, name, args, allowed, who):
    response = client_as(who).get(url(name, *args))
    assert response.status_code == (200 if who in allowed else 403)


def test_user_without_role_is_refused_in_indonesian(client, demo, django_user_model):
    user = django_user_model.objects.create_user("baru@example.org", "x", name="Baru")
    client.force_login(user)
    response = client.get(url("evidence:matrix", 2026))
    assert response.status_code == 403
    assert "belum diberi peran" in response.content.decode()


def test_unknown_year_and_area_are_404(client_as):
    client = client_as("kepala")
    response = client.get(url("workplan:overview", 2019))
    assert response.status_code == 404
    assert "Belum ada rencana kerja untuk tahun 2019" in response.content.decode()
    assert client.get(url("evidence:area", 2026, "XX")).status_code == 404
    assert client.get(url("workplan:export", 2026, "pdf")).status_code == 404


def test_home_redirects_to_the_plan(client_as):
    response = client_as("pic.mp").get("/")
    assert response.status_code == 302
    assert response["Location"] == url("workplan:overview", 2026)


def test_overview_in_indonesian_with_dates(client_as):
    body = client_as("kepala").get(url("workplan:overview", 2026)).content.decode()
    assert "Program Kerja Pembangunan Zona Integritas Tahun 2026" in body
    assert "31 Maret 2026" in body and "31 Desember 2026" in body
    assert "Jakarta, 2 Maret 2026" in body
    assert '<html lang="id">' in body
    for code in ["MP", "TL", "SDM", "AK", "PW", "PP"]:
        assert url("evidence:area", 2026, code) in body


def test_browser_language_is_ignored_but_choice_is_kept(client_as):
    client = client_as("kepala")
    body = client.get(url("workplan:overview", 2026), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="id">' in body
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get(url("workplan:overview", 2026)).content.decode()
    assert '<html lang="en">' in body
    assert "31 March 2026" in body


def test_matrix_marks_the_pics_own_cells(client_as):
    body = client_as("pic.pw").get(url("evidence:matrix", 2026)).content.decode()
    assert body.count('class="cell-row is-mine"') == 4
    assert body.count('class="cell-row') == 24
    assert "4 sel menjadi tanggung jawab Anda." in body
    only = client_as("pic.pw").get(url("evidence:matrix", 2026) + "?milik=saya").content.decode()
    assert only.count('class="cell-row') == 4


def test_matrix_for_the_kepala_shows_everything_unmarked(client_as):
    body = client_as("kepala").get(url("evidence:matrix", 2026)).content.decode()
    assert body.count('class="cell-row') == 24
    assert "is-mine" not in body
    for text in [
        "TW I",
        "TW IV",
        "Konsolidasi &amp; Dampak",
        "Irene Septine",
        "Aji Digda Aguna",
        "Laporan monitoring:",
        "Pengelolaan dumas (helpdesk)",
    ]:
        assert text in body


def test_matrix_xlsx_download(client_as):
    response = client_as("tpi").get(url("workplan:export", 2026, "xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="rencana-kerja-zi-2026.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Matriks Komitmen", "Rencana Kerja"]
    assert wb["Matriks Komitmen"].max_row == 1 + 77
    assert wb["Rencana Kerja"].max_row == 1 + 35


def test_csv_download_has_bom_and_header(client_as):
    response = client_as("pic.mp").get(url("workplan:export", 2026, "csv") + "?tabel=activities")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffarea,number,activity,output,months,months_assumed,area_name\n")


def test_ketua_edits_activity_months(client_as):
    activity = Activity.objects.get(
        pokja__plan__unit__code=UNIT_A, pokja__area__code="MP", number=2
    )
    edit = url("workplan:activity_edit", 2026, activity.pk)
    client = client_as("ketua")
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"months": ["1", "2"]})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.months == [1, 2]
    assert activity.months_assumed is False


def test_activity_months_refusals(client_as):
    activity = Activity.objects.get(
        pokja__plan__unit__code=UNIT_A, pokja__area__code="MP", number=2
    )
    edit = url("workplan:activity_edit", 2026, activity.pk)
    assert client_as("pic.mp").post(edit, {"months": ["3"]}).status_code == 403
    response = client_as("ketua").post(edit, {"months": []})
    assert response.status_code == 200
    assert "Pilih paling sedikit satu bulan" in response.content.decode()
    response = client_as("ketua").post(edit, {"months": ["13"]})
    assert "Bulan tidak dikenal" in response.content.decode()
    activity.refresh_from_db()
    assert activity.months == [1] and activity.months_assumed
    other_year = url("workplan:activity_edit", 2026, 999999)
    assert client_as("ketua").get(other_year).status_code == 404


def test_pic_adds_and_removes_a_pokja_member(client_as, django_user_model, plan):
    django_user_model.objects.create_user(
        "staf.pw@example.org", "x", name="Staf PW", unit=plan.unit
    )
    client = client_as("pic.pw")
    add = url("workplan:member_add", 2026, "PW")
    response = client.post(add, {"email": "STAF.PW@example.org"}, follow=True)
    assert "Staf PW ditambahkan ke Pokja Penguatan Pengawasan." in response.content.decode()
    member = PokjaMember.objects.get(user__email="staf.pw@example.org")
    response = client.post(add, {"email": "staf.pw@example.org"}, follow=True)
    assert "sudah menjadi anggota pokja ini" in response.content.decode()
    response = client.post(add, {"email": "tidak.ada@example.org"}, follow=True)
    assert "Tidak ada akun aktif dengan e-mail tidak.ada@example.org" in response.content.decode()
    response = client.post(add, {"email": "bukan-email"}, follow=True)
    assert "Alamat e-mail tidak valid" in response.content.decode()
    remove = url("workplan:member_remove", 2026, "PW", member.pk)
    assert client.post(remove).status_code == 302
    assert not PokjaMember.objects.filter(pk=member.pk).exists()


def test_pokja_members_outside_scope(client_as, django_user_model, plan):
    django_user_model.objects.create_user("staf@example.org", "x", name="Staf", unit=plan.unit)
    add = url("workplan:member_add", 2026, "PW")
    assert client_as("pic.tl").post(add, {"email": "staf@example.org"}).status_code == 403
    assert client_as("kepala").post(add, {"email": "staf@example.org"}).status_code == 403
    assert client_as("tpi").post(add, {"email": "staf@example.org"}).status_code == 403
    assert client_as("ketua").post(add, {"email": "staf@example.org"}).status_code == 302
    assert client_as("ketua").get(add).status_code == 405


def test_admin_opens_for_the_ketua(client_as):
    client = client_as("ketua")
    for model in ["workplan", "commitmentcell", "activity", "evidencerequirement", "pokja"]:
        assert client.get(f"/admin/workplan/{model}/").status_code == 200, model
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client_as("kepala").get("/admin/").status_code == 302
