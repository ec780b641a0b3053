"""The Ketua Tim manages accounts and roles in the admin, without superuser powers."""

from django.contrib.auth.models import Group

from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import user_roles


def test_ketua_creates_an_account_with_a_role(client, demo):
    client.force_login(demo["users"]["ketua"])
    pic_group = Group.objects.get(name="PIC")
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "staf.baru@komdigi.go.id",
            "name": "Staf Baru",
            "password1": "Sandi-Kuat-2026!",
            "password2": "Sandi-Kuat-2026!",
            "groups": [pic_group.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="staf.baru@komdigi.go.id")
    assert user.check_password("Sandi-Kuat-2026!")
    assert user_roles(user) == {"pic"}
    assert not user.is_superuser


def test_ketua_cannot_make_a_superuser(client, demo):
    client.force_login(demo["users"]["ketua"])
    target = demo["users"]["pic.tl"]
    page = client.get(f"/admin/accounts/user/{target.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' in page


def test_kepala_has_no_admin(client, demo):
    client.force_login(demo["users"]["kepala"])
    assert client.get("/admin/accounts/user/").status_code == 302
