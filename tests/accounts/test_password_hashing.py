"""Passwords are stored with Argon2id at OWASP's parameters; an account hashed with the
old default (PBKDF2) still signs in through the real sign-in form and is upgraded."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from zi_portal.settings import base

PRODUCTION_HASHERS = base.PASSWORD_HASHERS


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_new_passwords_are_argon2id_with_owasp_parameters():
    encoded = make_password("rahasia-kuat-2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS, ACCOUNT_RATE_LIMITS=False)
def test_a_pbkdf2_account_signs_in_and_is_upgraded(client, django_user_model):
    user = django_user_model.objects.create(email="lama@example.org", name="Akun Lama")
    user.password = make_password("zi-demo-2026", hasher="pbkdf2_sha256")
    user.save()
    response = client.post(
        "/akun/login/", {"login": "lama@example.org", "password": "zi-demo-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password("zi-demo-2026")
