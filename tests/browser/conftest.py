"""Harness for the browser journeys: Debian's Chromium driven by Playwright against
pytest-django's ``live_server``.

Playwright cannot download its own browsers here, so the tests launch
``/usr/bin/chromium``. On a laptop without Chromium they are skipped; in CI
(``CI=true``) a missing Chromium fails them (``require_chromium``).
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD, require_chromium

# Sync Playwright runs an asyncio loop in the test thread; Django's ORM (fixtures,
# database teardown) would otherwise refuse to run there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOGIN_PATH = "/akun/login/"
PLAN_PATH = "/rencana/2026/"
MATRIX_PATH = "/rencana/2026/matriks/"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium; skip (laptop) or fail (CI) before launching when absent."""
    executable = require_chromium()
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """An office laptop in Jakarta with an Indonesian browser."""
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


@pytest.fixture
def live_demo(transactional_db, live_server, demo):
    """The 2026 plan and the nine demo accounts, committed so the live server sees them.

    The seeded demo is committed in the test database (tests/conftest.py); because this
    test asks for ``transactional_db`` and ``live_server``, what it changes is committed
    too, and flushed afterwards (the demo is then seeded again for the next test).
    """
    return demo


@pytest.fixture
def phone_page(browser, browser_context_args):
    """A page on a 390×844 phone (touch, mobile viewport meta honoured)."""
    context = browser.new_context(
        **{
            **browser_context_args,
            "viewport": PHONE,
            "screen": PHONE,
            "device_scale_factor": 2,
            "is_mobile": True,
            "has_touch": True,
        }
    )
    page = context.new_page()
    yield page
    context.close()


LANDING_PATHS = r"/(reviu|dasbor|tugas)/$"


def login(page: Page, live_server, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form as a person would, wait for the role's landing page
    (review queue, dashboard or tasks) and go on from the plan page."""
    page.goto(live_server.url + LOGIN_PATH)
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + LANDING_PATHS))
    page.goto(live_server.url + PLAN_PATH)


def upload_ready(page: Page) -> None:
    """Wait until evidence-upload.js has taken over the upload forms.

    A click before the deferred script has run posts the form without JavaScript,
    which is a different (also supported) path."""
    expect(page.locator("form[data-upload-url]:not([data-enhanced])")).to_have_count(0)
