"""PostgreSQL restarted under a running portal (gunicorn with the production settings):
while the database is away the API answers its documented JSON error, 503 with
Retry-After, and a page the Indonesian 503 page, never a bare 500; once the database is
back, the same gunicorn answers again at once (persistent connections are checked before
use), with no restart of its own, and nobody who tried to sign in meanwhile is locked
out. The database is a cluster of the test's own (bench/pgcluster.py) on another port;
the shared one is never stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

from bench import pgcluster
from tests.conftest import free_port, require_service
from tests.core.test_worker import wait_for
from tests.monev.test_worker_smtp import celery_worker, private_queue, smtp  # noqa: F401
from zi_portal.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PASSWORD = "pg-restart-test-pw-4b2d"
EMAIL = "pic.restart@example.org"
CSRF_SECRET = "Zq3xV8mK2pL7nR4tW9yB6cD1fG5hJ0sA"  # Django's secret length: 32


def _env(tmp: Path, database_url: str) -> dict[str, str]:
    return {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", str(tmp)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "zi_portal.settings.production",
        "DJANGO_SECRET_KEY": "database-down-test-secret-key-5e8a1c7f3d9b",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        # Nothing listens there: the cache falls back to process memory (core/cache.py).
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
        "EMAIL_URL": "smtp://127.0.0.1:1025",
        "ZI_SITE_URL": "http://127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ZI_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _post(opener, url: str, body: bytes, content_type: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", content_type)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def _token(opener, base: str) -> tuple[int, dict, str]:
    body = json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
    return _post(opener, f"{base}/api/v1/auth/token/", body, "application/json")


def _sign_in(opener, base: str) -> tuple[int, dict, str]:
    """The sign-in form as a browser that loaded it earlier sends it: its CSRF cookie and
    the same secret in the form (rendering the form itself would need collectstatic's
    manifest, 20 s of this test for nothing it is about)."""
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": CSRF_SECRET, "login": EMAIL, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(f"{base}/akun/login/", data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("Cookie", f"csrftoken={CSRF_SECRET}")
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_postgresql_restart_is_a_503_and_then_the_portal_answers_again(tmp_path):
    require_service(pgcluster.available(), "PostgreSQL's server programs (initdb, pg_ctl)")
    cluster = pgcluster.Cluster()
    web = None
    try:
        cluster.start()
        for sub in ("var", "media", "static"):
            (tmp_path / sub).mkdir()
        env = _env(tmp_path, cluster.url)
        _manage(env, "migrate", "--noinput")
        _manage(
            env,
            "shell",
            "-c",
            "from zi_portal.accounts.models import User; "
            f"User.objects.create_user(email={EMAIL!r}, password={PASSWORD!r}, name='PIC')",
        )
        port = free_port()
        log = (tmp_path / "web.log").open("w")
        web = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "python:zi_portal.gunicorn_conf",
                "zi_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        api = urllib.request.build_opener()

        def answers() -> bool:
            try:
                return _token(api, base)[0] == 200
            except OSError:
                return False

        wait_for(answers, 60, "gunicorn to answer", tmp_path)
        # The worker now holds a connection it keeps (CONN_MAX_AGE) across requests.

        cluster.stop("fast")
        # More tries than the lockout allows (5 per e-mail): a sign-in the server could
        # not check is not a failed one, so none of them locks the account.
        tries = [_token(api, base) for _n in range(7)]
        assert [t[0] for t in tries] == [503] * 7, tries[-1]
        status, headers, body = tries[0]
        assert headers["Content-Type"] == "application/json"
        assert headers["Retry-After"] == "30"
        error = json.loads(body)["error"]
        assert error["code"] == "database_unavailable"
        assert "Basis data portal sedang tidak dapat dihubungi" in error["message"]

        browser = urllib.request.build_opener(_NoRedirect)
        status, headers, page = _sign_in(browser, base)
        assert status == 503, page
        assert "<h1>Basis data sedang tidak dapat dihubungi</h1>" in page
        assert "Coba lagi dalam satu menit" in page
        assert headers["Retry-After"] == "30"

        cluster.start()
        # The very next requests succeed: the same process reconnects by itself.
        status, _headers, body = _token(api, base)
        assert status == 200, body
        assert json.loads(body)["token"]
        status, headers, page = _sign_in(browser, base)
        assert status == 302, page
        assert web.poll() is None
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=20)
        cluster.close()


def test_a_task_that_meets_a_database_restart_is_done_once_the_database_is_back(
    tmp_path,
    smtp,  # noqa: F811 - the fixture imported above
    private_queue,  # noqa: F811
):
    """A real worker on the cluster is handed a message to send while PostgreSQL is
    stopped: the task waits and tries again (core/dbretry.py) instead of failing, and the
    e-mail goes out, once, seconds after the database is back."""
    require_service(pgcluster.available(), "PostgreSQL's server programs (initdb, pg_ctl)")
    inbox, port = smtp
    cluster = pgcluster.Cluster()
    try:
        cluster.start()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zi_portal.settings.local",
            "DATABASE_URL": cluster.url,
            "ZI_VAR_DIR": str(tmp_path / "var"),
        }
        _manage(env, "migrate", "--noinput")
        _manage(
            env,
            "shell",
            "-c",
            "from monev.models import Message; from zi_portal.accounts.models import User; "
            f"u = User.objects.create_user(email={EMAIL!r}, password=None, name='PIC'); "
            "Message.objects.create(recipient=u, kind='revision', subject='Permintaan revisi',"
            " body_text='Lengkapi tanda tangan.', body_html='<p>Lengkapi tanda tangan.</p>')",
        )
        with celery_worker(
            tmp_path,
            private_queue,
            port,
            "http://127.0.0.1",
            DATABASE_URL=cluster.url,
        ) as log:
            wait_for(lambda: " ready." in log.read_text(), 60, "the worker", tmp_path)
            cluster.stop("fast")
            celery_app.send_task("monev.tasks.send_message", args=[1], queue=private_queue)
            wait_for(lambda: "database unavailable" in log.read_text(), 30, "the retry", tmp_path)
            assert inbox.received() == []
            cluster.start()
            wait_for(lambda: inbox.received(), 60, "the e-mail", tmp_path)
            wait_for(
                lambda: (
                    "monev.tasks.send_message[" in log.read_text()
                    and "succeeded" in log.read_text()
                ),
                30,
                "the task to finish",
                tmp_path,
            )
        assert [r.rcpt_tos for r in inbox.received()] == [(EMAIL,)]
        with psycopg.connect(cluster.url) as db:
            status, attempts = db.execute("SELECT status, attempts FROM monev_message").fetchone()
        assert status == "sent"
        assert attempts == 1
    finally:
        cluster.close()
