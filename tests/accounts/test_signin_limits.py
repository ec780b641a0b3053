"""Password guessing is limited in one place: one client address (``client_ip``), one
shared cache, allauth's failed-sign-in lockout on the form, the API token endpoint and
the admin (which has no sign-in form of its own any more)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import DEMO_PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
LOCKOUT = {"login_failed": "10/m/ip,5/5m/key"}  # the production setting (base.py)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _token(client: Client, email: str, password: str, xff: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": xff} if xff is not None else {}
    return client.post(
        TOKEN_URL, {"email": email, "password": password}, content_type="application/json", **extra
    )


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_reset_the_token_limit(demo, settings):
    settings.ZI_TRUSTED_PROXY_COUNT = 0  # no proxy: the header is the client's own text
    client = Client()
    codes = [
        _token(client, "nobody@example.org", "x", f"10.0.{i}.{i}").status_code for i in range(12)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10:] == [429, 429]
    # Nor does it help the right password of a real account from the same address.
    answer = _token(client, "ketua@example.org", DEMO_PASSWORD, "192.0.2.77")
    assert answer.status_code == 429
    assert "token" not in answer.json()


@pytest.mark.django_db
def test_behind_one_proxy_the_limit_keys_on_the_hop_the_proxy_appended(demo, settings):
    settings.ZI_TRUSTED_PROXY_COUNT = 1
    client = Client()
    # The client forges everything left of the proxy's hop; the proxy's hop stays.
    codes = [
        _token(client, "nobody@example.org", "x", f"203.0.113.{i}, 198.51.100.7").status_code
        for i in range(11)
    ]
    assert codes == [400] * 10 + [429]
    # Another real client behind the same proxy has its own count.
    assert _token(client, "ketua@example.org", DEMO_PASSWORD, "198.51.100.8").status_code == 200


def test_client_ip_takes_the_right_most_untrusted_hop(rf, settings):
    from zi_portal.core.audit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.1.1.1, 10.0.0.2", REMOTE_ADDR="10.0.0.3")
    settings.ZI_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.3"
    settings.ZI_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.2"
    settings.ZI_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.1.1.1"
    settings.ZI_TRUSTED_PROXY_COUNT = 4  # fewer hops than proxies: not via the proxies
    assert client_ip(request) == "10.0.0.3"


@pytest.mark.django_db
def test_an_account_locked_on_the_sign_in_form_gets_no_token(demo, settings):
    settings.ACCOUNT_RATE_LIMITS = LOCKOUT
    client = Client()
    for _ in range(5):
        page = client.post("/akun/login/", {"login": "tpi@example.org", "password": "salah"})
        assert page.status_code == 200
    page = client.post("/akun/login/", {"login": "tpi@example.org", "password": "salah"})
    assert "Terlalu banyak" in page.content.decode()

    answer = _token(Client(REMOTE_ADDR="192.0.2.50"), "tpi@example.org", DEMO_PASSWORD)
    assert answer.status_code == 429
    body = answer.json()
    assert "token" not in body
    assert body["error"]["code"] == "too_many_attempts"
    assert "Terlalu banyak percobaan masuk" in body["error"]["message"]
    # Another account is not locked by it.
    assert (
        _token(Client(REMOTE_ADDR="192.0.2.51"), "ketua@example.org", DEMO_PASSWORD).status_code
        == 200
    )


@pytest.mark.django_db
def test_failures_on_the_token_endpoint_lock_the_sign_in_form(demo, settings):
    settings.ACCOUNT_RATE_LIMITS = LOCKOUT
    client = Client()
    codes = [_token(client, "tpi@example.org", "salah").status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
    page = Client().post("/akun/login/", {"login": "tpi@example.org", "password": DEMO_PASSWORD})
    assert page.status_code == 200  # the form again, not the redirect of a sign-in
    assert "Terlalu banyak" in page.content.decode()


@pytest.mark.django_db
def test_a_right_password_gives_back_its_attempt(demo, settings):
    """A successful sign-in does not count against the lockout (allauth rolls it back),
    so a user who signs in often is never locked out by it."""
    settings.ACCOUNT_RATE_LIMITS = LOCKOUT
    client = Client()
    for _ in range(8):
        assert _token(client, "ketua@example.org", DEMO_PASSWORD).status_code == 200


@pytest.mark.django_db
def test_the_admin_signs_in_only_through_the_limited_form(demo, settings):
    settings.ACCOUNT_RATE_LIMITS = LOCKOUT
    client = Client()
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"].startswith("/akun/login/")
    # Posting the right password to the admin's old form signs nobody in.
    posted = client.post(
        "/admin/login/?next=/admin/",
        {"username": "ketua@example.org", "password": DEMO_PASSWORD, "next": "/admin/"},
    )
    assert posted.status_code == 302
    assert posted["Location"].startswith("/akun/login/")
    assert client.get("/admin/").status_code == 302
    # Guessing through the admin's path meets the lockout of the form it leads to.
    for _ in range(5):
        client.post("/akun/login/?next=/admin/", {"login": "ketua@example.org", "password": "x"})
    locked = client.post(
        "/akun/login/?next=/admin/", {"login": "ketua@example.org", "password": DEMO_PASSWORD}
    )
    assert "Terlalu banyak" in locked.content.decode()
    assert client.get("/admin/").status_code == 302
    # Signed in through the form, the admin opens.
    cache.clear()
    done = Client().post(
        "/akun/login/?next=/admin/", {"login": "ketua@example.org", "password": DEMO_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == "/admin/"


@pytest.mark.django_db
def test_another_host_name_does_not_reset_the_lockout(demo, settings):
    settings.ACCOUNT_RATE_LIMITS = LOCKOUT
    for _ in range(5):
        _token(Client(HTTP_HOST="localhost"), "tpi@example.org", "salah")
    answer = _token(
        Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="192.0.2.9"), "tpi@example.org", DEMO_PASSWORD
    )
    assert answer.status_code == 429
