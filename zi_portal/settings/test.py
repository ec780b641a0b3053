"""pytest: the same settings as a laptop or CI, with fast hashing and temp media.

DATABASE_URL and CELERY_BROKER_URL still come from the environment, so CI runs the
suite on PostgreSQL and Redis while a laptop uses SQLite and the filesystem broker.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from zi_portal.core.storage import local_storage

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-secret-key-5d2f0c7e9a1b3c4d6e8f"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _run_dir() -> str:
    """The test run's own temporary folder. The first process of a run (pytest) makes it
    and removes it, with all below it, when it exits; the processes it starts (xdist
    workers, and the Celery workers, gunicorn and commands a test starts) inherit it
    through ZI_TEST_TMP, so one that is killed, and never runs its exit handlers, still
    leaves nothing behind."""
    root = os.environ.get("ZI_TEST_TMP")
    if root and Path(root).is_dir():
        return root
    root = tempfile.mkdtemp(prefix="zi-test-")
    os.environ["ZI_TEST_TMP"] = root
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def _temp_dir(prefix: str) -> Path:
    """A temporary folder of this process inside the run's folder."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=_run_dir()))


# A worker started by a test is told the test's media folder through ZI_TEST_MEDIA_ROOT
# (that folder belongs to the test, which removes it). Tests get their own media folder
# (tests/conftest.py: media_storage); this one only catches what runs outside a test.
MEDIA_ROOT = Path(os.environ.get("ZI_TEST_MEDIA_ROOT") or _temp_dir("zi-media-"))
if not AWS_STORAGE_BUCKET_NAME:  # noqa: F405
    STORAGES["default"] = local_storage(MEDIA_ROOT)  # noqa: F405
    FILE_UPLOAD_TEMP_DIR = str(MEDIA_ROOT / ".incoming")
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(exist_ok=True)
ACCOUNT_RATE_LIMITS = False
# Each test process counts in its own memory unless a test names a shared cache.
if not os.environ.get("ZI_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# SQLite tests use a file, not memory, so that a Celery worker or gunicorn started as
# a subprocess by a test sees the same database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test run, so that two runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A test database need not survive a crash of the server: its commits do not wait
    # for the WAL to reach the disk (synchronous_commit is a per-session setting, so
    # nothing else on the server is affected). Transactional tests commit and TRUNCATE
    # often; this takes about a tenth off the suite.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
STATIC_ROOT = _temp_dir("zi-static-")
WHITENOISE_USE_FINDERS = True

# Tasks queued by tests go to a queue of this test run only, so that nothing a test
# queues is run later by a developer's worker or by another run's worker. Worker and beat
# subprocesses started by the tests inherit the name through the environment. Each
# pytest-xdist worker (PYTEST_XDIST_WORKER, e.g. gw1) has its own test database, so it
# needs its own queue too: it would otherwise inherit the one of the pytest process that
# started it, and a Celery worker of gw0 could run a task queued on gw1 against the wrong
# database.
_worker_suffix = (
    f"-{os.environ['PYTEST_XDIST_WORKER']}" if "PYTEST_XDIST_WORKER" in os.environ else ""
)
_queue = os.environ.get("ZI_TEST_QUEUE", "")
if not (_queue and _queue.endswith(_worker_suffix)):
    _queue = os.environ["ZI_TEST_QUEUE"] = f"zi-test-{os.getpid()}{_worker_suffix}"
CELERY_TASK_DEFAULT_QUEUE = _queue
# Tests sign the Ketua and TPI in with force_login; the MFA tests turn this on.
ZI_MFA_REQUIRED = False
