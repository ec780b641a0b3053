"""Shared fixtures.

Services: a laptop runs the suite on SQLite and Celery's filesystem broker; CI
(``CI=true``) runs it on PostgreSQL and Redis. A test that needs a real service calls
``require_service``: on a laptop a missing service skips the test with the reason, in
CI it fails it. CI never silently skips.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

STRICT_SERVICES = (
    os.environ.get("CI", "").lower() in ("1", "true", "yes")
    or os.environ.get("ZI_STRICT_SERVICES") == "1"
)
PLAN_FILE = Path(settings.BASE_DIR) / "fixtures" / "plan-2026.json"
DEMO_PASSWORD = "zi-demo-2026"  # noqa: S105 - the documented demo password


def require_service(available: bool, what: str) -> None:
    """Skip (laptop) or fail (CI) when a service the test is about is missing."""
    if available:
        return
    if STRICT_SERVICES:
        pytest.fail(f"{what} is required in CI but is not available.")
    pytest.skip(f"{what} is not available on this machine.")


def require_postgres() -> None:
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def test_database_url() -> str:
    """DATABASE_URL of the database this test runs on, for a subprocess (a Celery worker,
    gunicorn) to use the same one. The test settings keep SQLite's test database in a file."""
    import urllib.parse

    sd = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(sd["NAME"])
        require_service(
            name != ":memory:" and not name.startswith("file:"), "a file-based SQLite test database"
        )
        return f"sqlite:///{Path(name).resolve()}"
    require_service(
        connection.vendor == "postgresql",
        f"a DATABASE_URL form for the {connection.vendor} backend",
    )
    user = urllib.parse.quote(sd.get("USER") or "", safe="")
    password = sd.get("PASSWORD") or ""
    auth = f"{user}:{urllib.parse.quote(password, safe='')}" if password else user
    host, port = sd.get("HOST") or "127.0.0.1", sd.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{urllib.parse.quote(sd['NAME'], safe='')}"


test_database_url.__test__ = False  # a helper, not a test


def require_chromium() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    require_service(path is not None, "Chromium (apt-get install chromium)")
    return path or ""


@pytest.fixture(autouse=True)
def media_storage(settings, tmp_path_factory):
    """Every test gets its own empty media folder (unless it configures S3 itself)."""
    if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
        location = tmp_path_factory.mktemp("media")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(location)},
            },
        }
        settings.MEDIA_ROOT = location
    return settings.STORAGES["default"]


@pytest.fixture
def plan(db):
    """The 2026 plan loaded from fixtures/, without accounts."""
    from workplan.services import plan_import_file

    plan, _created = plan_import_file(path=PLAN_FILE)
    return plan


@pytest.fixture
def demo(db, monkeypatch):
    """The plan and the nine demo accounts, exactly as `manage.py seed_demo` makes them."""
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("seed_demo", verbosity=0)
    from workplan.models import WorkPlan
    from zi_portal.accounts.models import User

    return {
        "plan": WorkPlan.objects.get(year=2026),
        "users": {u.email.split("@")[0]: u for u in User.objects.all()},
    }
