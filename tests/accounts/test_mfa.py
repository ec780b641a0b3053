"""Two-step sign-in (allauth MFA, TOTP): required of the Ketua, TPI and staff accounts
when ZI_MFA_REQUIRED is on, offered to everyone."""

from __future__ import annotations

import time
from urllib.parse import unquote

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client

from tests.conftest import DEMO_PASSWORD
from zi_portal.accounts.services import api_token_for


def code_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def mfa_on(settings):
    settings.ZI_MFA_REQUIRED = True
    settings.ZI_MFA_REQUIRED_ROLES = ["ketua", "tpi"]


def _sign_in(email: str) -> tuple[Client, object]:
    client = Client()
    answer = client.post("/akun/login/", {"login": email, "password": DEMO_PASSWORD})
    return client, answer


@pytest.mark.django_db
def test_a_tpi_without_a_second_step_is_sent_to_set_it_up(demo, mfa_on):
    client, answer = _sign_in("tpi@example.org")
    assert answer.status_code == 302
    page = client.get("/rencana/2026/", follow=True)
    assert page.redirect_chain[0][0] == "/akun/2fa/totp/activate/"
    # (allauth may first confirm the password again, then returns to the activation.)
    assert "/akun/2fa/totp/activate/" in unquote(page.redirect_chain[-1][0])
    assert "mewajibkan autentikasi dua langkah" in page.content.decode()
    # Their API token is refused too, in JSON.
    token = api_token_for(user=demo["users"]["tpi"])
    api = Client().get("/api/v1/plans/2026/requirements/", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 403
    assert "dua langkah" in api.json()["error"]["message"]


@pytest.mark.django_db
def test_a_pic_is_not_forced_but_is_offered(demo, mfa_on):
    client, answer = _sign_in("pic.tl@example.org")
    assert client.get("/rencana/2026/").status_code == 200
    assert client.get("/akun/2fa/").status_code == 200


@pytest.mark.django_db
def test_the_demo_setting_relaxes_it(demo, settings):
    settings.ZI_MFA_REQUIRED = False
    client, _answer = _sign_in("tpi@example.org")
    assert client.get("/rencana/2026/").status_code == 200


@pytest.mark.django_db
def test_with_totp_the_sign_in_asks_for_the_code(demo, mfa_on):
    secret = generate_totp_secret()
    TOTP.activate(demo["users"]["tpi"], secret)
    client, answer = _sign_in("tpi@example.org")
    assert answer.status_code == 302 and answer["Location"] == "/akun/2fa/authenticate/"
    assert client.get("/rencana/2026/").status_code == 302  # not signed in yet
    wrong = client.post(
        "/akun/2fa/authenticate/", {"code": "000000" if code_now(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and "rencana" not in wrong.get("Location", "")
    right = client.post("/akun/2fa/authenticate/", {"code": code_now(secret)})
    assert right.status_code == 302
    assert client.get("/rencana/2026/").status_code == 200
    # A password alone gets no API token for such an account.
    token = Client().post(
        "/api/v1/auth/token/",
        {"email": "tpi@example.org", "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 403 and token.json()["error"]["code"] == "mfa_required"
