"""CI runs on the real services; a laptop on the embedded defaults."""

from django.conf import settings
from django.db import connection

from tests.conftest import STRICT_SERVICES, require_service


def test_database_is_postgresql_in_ci():
    require_service(
        connection.vendor == "postgresql" or not STRICT_SERVICES,
        "PostgreSQL (CI sets DATABASE_URL)",
    )
    if STRICT_SERVICES:
        assert connection.vendor == "postgresql"


def test_broker_is_redis_in_ci():
    url = settings.CELERY_BROKER_URL
    if STRICT_SERVICES:
        assert url.startswith("redis://"), url
        import redis

        assert redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    else:
        assert url.split("://", 1)[0] in {"filesystem", "redis", "rediss", "amqp"}


def test_embedded_defaults_need_no_service(monkeypatch, tmp_path):
    """Settings read with an empty environment give SQLite, local media, console mail
    and the filesystem broker (what `make run` uses on a fresh laptop)."""
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "CELERY_", "EMAIL_URL", "AWS_"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "zi_portal.settings.local", "ZI_VAR_DIR": str(tmp_path)})
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_BROKER_URL);"
        "print(s.STORAGES['default']['BACKEND']); print(s.EMAIL_BACKEND); print(s.TIME_ZONE);"
        "print(s.LANGUAGE_CODE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "zi_portal.core.storage.AtomicFileSystemStorage",
        "django.core.mail.backends.console.EmailBackend",
        "Asia/Jakarta",
        "id",
    ]
