"""Shared fixtures.

Services: a laptop runs the suite on SQLite and Celery's filesystem broker; CI
(``CI=true``) runs it on PostgreSQL and Redis. A test that needs a real service calls
``require_service``: on a laptop a missing service skips the test with the reason, in
CI it fails it. CI never silently skips.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from zi_portal.core.storage import LOCAL_STORAGE_BACKEND, local_storage

STRICT_SERVICES = (
    os.environ.get("CI", "").lower() in ("1", "true", "yes")
    or os.environ.get("ZI_STRICT_SERVICES") == "1"
)
from tests.multiunit import PLAN_FILE  # noqa: E402, F401 - imported by tests from here
from tests.multiunit import UNIT_A as DEMO_UNIT  # noqa: E402

DEMO_PASSWORD = "zi-demo-2026"  # noqa: S105 - the documented demo password


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now (for a server a test starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    if settings.STORAGES["default"]["BACKEND"] == LOCAL_STORAGE_BACKEND:
        location = tmp_path_factory.mktemp("media")
        settings.STORAGES = {**settings.STORAGES, "default": local_storage(location)}
        settings.MEDIA_ROOT = location
        (location / ".incoming").mkdir()
        settings.FILE_UPLOAD_TEMP_DIR = str(location / ".incoming")
    return settings.STORAGES["default"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache, so sign-in throttles and lockouts counted by
    one test never refuse another's requests (each xdist worker has its own local
    cache; a cache named by ZI_CACHE_URL is a shared service and is left alone)."""
    from django.core.cache import cache

    if "locmem" in settings_backend():
        cache.clear()


def settings_backend() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["BACKEND"].lower()


# --- the demo, seeded once per test database -------------------------------------------
#
# Every test database (one per xdist worker) is seeded with ``seed_demo`` right after it is
# created. A non-transactional test runs inside a transaction that is rolled back, so it
# starts from the seeded demo and leaves it as it found it. A transactional test
# (``transactional_db``, ``live_server``, ``django_db(transaction=True)``) commits and ends
# with a flush that empties every table; the demo is seeded again right after it, so the
# next test, whatever its kind, starts from the same state and no result depends on the
# order the tests run in.

_DB_BLOCKER = pytest.StashKey[object]()


def _demo_seed() -> None:
    """The demo (unit A, as ``seed_demo`` makes it) and a second unit (tests/multiunit.py),
    so that every test runs in a portal holding two units."""
    from django.db import transaction

    from tests.multiunit import second_unit_seed

    with transaction.atomic():
        call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())
        second_unit_seed(DEMO_PASSWORD)


def _demo_present() -> bool:
    from tests.multiunit import UNIT_B
    from workplan.models import WorkPlan

    # Both are seeded in one transaction: the plans are there exactly when all of it is.
    return WorkPlan.objects.filter(year=2026, unit__code__in=[DEMO_UNIT, UNIT_B]).count() == 2


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's test databases, then the demo seeded once into them."""
    with django_db_blocker.unblock():
        _demo_seed()
    request.config.stash[_DB_BLOCKER] = django_db_blocker


def _is_transactional(item: pytest.Item) -> bool:
    """The rule pytest-django uses to give a test a flushed (transactional) database."""
    names = getattr(item, "fixturenames", ())
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, seed the demo again (see above)."""
    result = yield
    blocker = item.config.stash.get(_DB_BLOCKER, None)
    # nextitem None: the session is over and the test database already dropped.
    if nextitem is not None and blocker is not None and _is_transactional(item):
        from django.db import connections

        with blocker.unblock():
            if not _demo_present():
                _demo_seed()
            # Leave the connections closed, as the flush left them: an open one here can
            # outlive the session (while Playwright's event loop runs in this thread,
            # Django keeps its connections apart from the ones made before) and keep
            # the test database from being dropped at the end.
            connections.close_all()
    return result


@pytest.fixture
def no_demo(db):
    """The database as ``migrate`` leaves it (change areas, roles, no plan, no accounts,
    no LKE master): the seeded demo is deleted inside this test's transaction, which is
    rolled back afterwards. For tests about loading into an empty database."""
    from lke.models import LkeMaster, Proposal
    from surveys.models import Service, Survey
    from workplan.models import Unit, WorkPlan
    from zi_portal.accounts.models import User

    # The seeded surveys hold their unit and Ketua (PROTECT): they go first.
    for model in (Survey, Service, Proposal, WorkPlan, LkeMaster, User, Unit):
        model.objects.all().delete()


@pytest.fixture
def plan(db):
    """The 2026 plan as loaded from fixtures/plan-2026.json (part of the seeded demo)."""
    from workplan.models import WorkPlan

    return WorkPlan.objects.get(year=2026, unit__code=DEMO_UNIT)


@pytest.fixture
def demo(db):
    """The plan and the nine demo accounts, exactly as `manage.py seed_demo` makes them
    (seeded once per test database, see above)."""
    from workplan.models import WorkPlan
    from zi_portal.accounts.models import User

    return {
        "plan": WorkPlan.objects.get(year=2026, unit__code=DEMO_UNIT),
        "users": {u.email.split("@")[0]: u for u in User.objects.filter(unit__code=DEMO_UNIT)},
    }
