"""API tokens: hashed at rest, expiring, listed and revoked by their owner, revoked by a
password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import DEMO_PASSWORD
from zi_portal.accounts.models import ApiToken, api_token_digest

LIST = "/api/v1/plans/2026/requirements/"


def _api(raw: str):
    return Client().get(LIST, HTTP_AUTHORIZATION=f"Token {raw}")


def _issue(email: str) -> str:
    answer = Client().post(
        "/api/v1/auth/token/",
        {"email": email, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


@pytest.mark.django_db
def test_a_token_is_stored_only_as_its_digest_and_works(demo):
    raw = _issue("pic.tl@example.org")
    token = ApiToken.objects.get(digest=api_token_digest(raw))
    stored = " ".join(str(v) for v in ApiToken.objects.values_list(named=False).get(pk=token.pk))
    assert raw not in stored
    assert token.hint == raw[:8] and raw.startswith("zia_")
    assert (
        timezone.now() + timedelta(days=89) < token.expires_at < timezone.now() + timedelta(days=91)
    )
    assert _api(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_an_expired_or_unknown_token_gets_401_in_indonesian(demo):
    raw = _issue("pic.tl@example.org")
    ApiToken.objects.filter(digest=api_token_digest(raw)).update(expires_at=timezone.now())
    answer = _api(raw)
    assert answer.status_code == 401
    assert "kedaluwarsa" in answer.json()["error"]["message"]
    assert _api("zia_tidak-ada").status_code == 401


@pytest.mark.django_db
def test_the_owner_lists_makes_and_revokes_their_tokens(demo):
    other = _issue("pic.mp@example.org")
    ApiToken.objects.filter(digest=api_token_digest(other)).update(name="RAHASIA-MP")
    client = Client()
    client.force_login(demo["users"]["pic.tl"])
    made = client.post("/akun/token/buat/", {"name": "skrip unggah"}, follow=True)
    assert made.status_code == 200
    page = made.content.decode()
    assert "skrip unggah" in page and "RAHASIA-MP" not in page
    token = ApiToken.objects.get(user=demo["users"]["pic.tl"], name="skrip unggah")
    raw = next(t for t in page.split('value="')[1:] if t.startswith("zia_")).split('"')[0]
    assert api_token_digest(raw) == token.digest
    assert _api(raw).status_code == 200
    again = client.get("/akun/token/").content.decode()
    assert raw not in again  # shown once
    assert client.get("/akun/token/")["Cache-Control"] == "no-store"

    # Another person's token: not theirs to revoke.
    mp_token = ApiToken.objects.get(digest=api_token_digest(other))
    assert client.post(f"/akun/token/{mp_token.pk}/cabut/").status_code == 404
    assert _api(other).status_code == 200

    revoked = client.post(f"/akun/token/{token.pk}/cabut/", follow=True)
    assert "Token dicabut" in revoked.content.decode()
    assert _api(raw).status_code == 401
    refused = client.post("/akun/token/buat/", {"name": ""}, follow=True)
    assert "Nama token wajib diisi" in refused.content.decode()
    assert ApiToken.objects.filter(user=demo["users"]["pic.tl"]).count() == 1


@pytest.mark.django_db
def test_a_password_change_revokes_every_token(demo):
    first, second = _issue("pic.tl@example.org"), _issue("pic.tl@example.org")
    client = Client()
    client.force_login(demo["users"]["pic.tl"])
    changed = client.post(
        "/akun/password/change/",
        {
            "oldpassword": DEMO_PASSWORD,
            "password1": "Kata-sandi-baru-2027",
            "password2": "Kata-sandi-baru-2027",
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:500]
    assert _api(first).status_code == 401 and _api(second).status_code == 401
    assert not ApiToken.objects.usable().filter(user=demo["users"]["pic.tl"]).exists()
    # Other people's tokens stay.
    assert _api(_issue("pic.mp@example.org")).status_code == 200
