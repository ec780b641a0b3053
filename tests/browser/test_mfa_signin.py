"""In Chromium: a TPI account with an authenticator app is asked for its code at
sign-in, in Indonesian, and gets in with the right one."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from tests.accounts.test_mfa import code_now
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_mfa_is_asked_of_a_tpi_at_sign_in(live_demo, live_server, page, settings):
    settings.ZI_MFA_REQUIRED = True
    secret = generate_totp_secret()
    TOTP.activate(live_demo["users"]["tpi"], secret)
    page.goto(f"{live_server.url}/akun/login/")
    page.locator("input[name=login]").fill("tpi@example.org")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/akun/2fa/authenticate/")
    page.screenshot(path="/tmp/mfa-authenticate.png", full_page=True)
    field = page.locator("input[name=code]")
    expect(field).to_be_visible()
    expect(page.locator("body")).to_contain_text("masukkan kode autentikator")
    field.fill(code_now(secret))
    field.press("Enter")
    page.wait_for_url(lambda url: "/akun/" not in url)
    expect(page.locator(".who-name")).to_contain_text("Asesor TPI")
