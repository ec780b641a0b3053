"""The browser harness of tests/browser (Debian's Chromium, the committed demo, a phone
page), for the search page's browser tests."""

from tests.browser.conftest import (  # noqa: F401 - fixtures
    browser_context_args,
    browser_type_launch_args,
    live_demo,
    phone_page,
)
