"""Deployment: what Dockerfile and docker-compose.yml run, exercised natively.

No Docker engine is needed: the compose file is validated and read with docker-compose
itself, and every command the containers run (migrate + seed_demo, gunicorn with the
production settings, the Celery app) is run here as a subprocess with the environment
the compose file gives it, only with local paths and the test database.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.conftest import require_service, test_database_url

BASE_DIR = Path(settings.BASE_DIR)
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
DOCKERFILE = BASE_DIR / "Dockerfile"
DOCKERIGNORE = BASE_DIR / ".dockerignore"
VENV_BIN = Path(sys.executable).parent
SECRET_KEY = "deploy-test-secret-key-3f9a1c7e5b2d4f6a8c0e"  # >= 32 characters
GUNICORN_START_SECONDS = 30

APP_SERVICES = ("migrate", "web", "worker", "beat")
EXPECTED_COMMANDS = {
    "web": "gunicorn -c python:zi_portal.gunicorn_conf zi_portal.wsgi:application",
    "worker": "celery -A zi_portal worker --loglevel=INFO",
    "beat": "celery -A zi_portal beat --loglevel=INFO --schedule /app/var/celery/beat-schedule",
}
EXPECTED_APP_ENV = {
    "DJANGO_SETTINGS_MODULE": "zi_portal.settings.production",
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": "localhost,127.0.0.1,web",
    "DATABASE_URL": "postgres://zi:zi@db:5432/zi_portal",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "zi-portal",
    "AWS_S3_ENDPOINT_URL": "http://minio:9000",
    "EMAIL_URL": "smtp://mailpit:1025",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
}
# Variables of the developer's shell that would change what the compose file resolves to.
COMPOSE_INPUTS = (
    "DJANGO_SECRET_KEY",
    "MINIO_ROOT_USER",
    "MINIO_ROOT_PASSWORD",
    "SEED_DEMO",
    "DEMO_PASSWORD",
    "ZI_SITE_URL",
    "COMPOSE_FILE",
    "COMPOSE_PROJECT_NAME",
)


# --- helpers -----------------------------------------------------------------------------


def _words(command) -> list[str]:
    """A compose command (string or list) as argv."""
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def _as_dict(environment) -> dict[str, str]:
    """Compose environment in either form (mapping or KEY=VALUE list)."""
    if isinstance(environment, dict):
        return {k: "" if v is None else str(v) for k, v in environment.items()}
    return dict(item.split("=", 1) for item in environment or [])


def _mounts(service: dict) -> dict[str, str]:
    """target -> source of a service's volumes (short "src:dst[:mode]" or long form)."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            mounts[volume["target"]] = str(volume.get("source", ""))
        else:
            source, target = volume.split(":")[:2]
            mounts[target] = source
    return mounts


def _compose(*args: str, secret_key: str | None = SECRET_KEY) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in COMPOSE_INPUTS}
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key
    return subprocess.run(
        ["docker-compose", "-f", str(COMPOSE_FILE), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _base_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A controlled environment for a production-settings subprocess (nothing inherited
    from the test run except PATH/HOME), with writable local paths."""
    env = {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", str(tmp)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "zi_portal.settings.production",
        "ZI_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        # Production settings require these; the values are only parsed here.
        "DATABASE_URL": f"sqlite:///{tmp / 'prod.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        "EMAIL_URL": "smtp://127.0.0.1:1025",
        "ZI_SITE_URL": "http://127.0.0.1:8000",
    }
    env.update(extra)
    return env


def _prod_env(tmp: Path, **extra: str) -> dict[str, str]:
    """As the compose app services get it, minus the container-only hosts."""
    return _base_env(
        tmp,
        DJANGO_SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        **extra,
    )


# The documented production shape (README, "Production behind TLS"): a TLS proxy in
# front (ZI_BEHIND_TLS_PROXY), secure cookies (the default), the site's https:// address,
# a key as long as the README's `secrets.token_urlsafe(50)` makes.
TLS_HOST = "zi.example.go.id"
TLS_SECRET_KEY = "tls-deploy-test-key-" + "7c1e9a3f5b2d4e6a8c0f" * 3


def _tls_env(tmp: Path, **extra: str) -> dict[str, str]:
    return _base_env(
        tmp,
        DJANGO_SECRET_KEY=TLS_SECRET_KEY,
        ALLOWED_HOSTS=TLS_HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{TLS_HOST}",
        ZI_SITE_URL=f"https://{TLS_HOST}",
        ZI_BEHIND_TLS_PROXY="true",
        **extra,
    )


def _django_setup(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess:
    script = "import django; django.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _database_url() -> str:
    """DATABASE_URL of the test database this test runs on (visible to a subprocess)."""
    return test_database_url()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _client(jar: CookieJar | None = None) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        _NoRedirect(), urllib.request.HTTPCookieProcessor(jar if jar is not None else CookieJar())
    )


def _fetch(opener, url: str, data: dict | None = None) -> tuple[int, dict, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=15) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:  # 3xx (redirects are not followed), 4xx, 5xx
        return exc.code, dict(exc.headers), exc.read().decode(errors="replace")


# --- the compose file ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    """docker-compose.yml as docker-compose resolves it (anchors merged, variables set)."""
    require_service(shutil.which("docker-compose") is not None, "docker-compose")
    result = _compose("config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_validates():
    require_service(shutil.which("docker-compose") is not None, "docker-compose")
    result = _compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_secret_key():
    require_service(shutil.which("docker-compose") is not None, "docker-compose")
    result = _compose("config", "-q", secret_key=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_compose_services_and_commands(compose):
    services = compose["services"]
    assert set(services) >= {
        "db",
        "redis",
        "minio",
        "minio-init",
        "mailpit",
        "migrate",
        "web",
        "worker",
        "beat",
    }
    for name, command in EXPECTED_COMMANDS.items():
        assert _words(services[name]["command"]) == shlex.split(command), name

    migrate = " ".join(_words(services["migrate"]["command"]))
    assert "python manage.py migrate --noinput" in migrate
    assert re.search(r"SEED_DEMO.*python manage\.py seed_demo", migrate), migrate
    assert _as_dict(services["migrate"]["environment"])["SEED_DEMO"] == "1"
    assert services["migrate"].get("restart") in ("no", None)

    assert services["db"]["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(_words(services["db"]["healthcheck"]["test"]))
    assert _mounts(services["db"]).get("/var/lib/postgresql/data") in compose["volumes"]
    assert services["redis"]["image"].startswith("redis:7")
    assert services["minio"]["image"].startswith("minio/minio")
    assert services["minio-init"]["image"].startswith("minio/mc")
    assert _as_dict(services["minio-init"]["environment"])["MINIO_BUCKET"] == "zi-portal"
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    published = {
        str(p.get("target", p)) if isinstance(p, dict) else str(p).split(":")[-1]
        for p in services["mailpit"].get("ports", [])
    }
    assert "8025" in published
    assert "1025" in [str(p) for p in services["mailpit"].get("expose", [])]
    web_ports = [
        str(p.get("published", p)) if isinstance(p, dict) else str(p)
        for p in services["web"]["ports"]
    ]
    assert any(p.startswith("8000") for p in web_ports), web_ports


def test_compose_app_services_share_the_production_environment(compose):
    services = compose["services"]
    first = None
    for name in APP_SERVICES:
        env = _as_dict(services[name]["environment"])
        for key, value in EXPECTED_APP_ENV.items():
            assert env.get(key) == value, (name, key)
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_S3_REGION_NAME"):
            assert env.get(key), (name, key)
        shared = {k: v for k, v in env.items() if k not in ("SEED_DEMO", "DEMO_PASSWORD")}
        first = first or shared
        assert shared == first, name
        assert services[name]["image"] == services["web"]["image"]
    minio = _as_dict(services["minio"]["environment"])
    assert first["AWS_ACCESS_KEY_ID"] == minio["MINIO_ROOT_USER"]
    assert first["AWS_SECRET_ACCESS_KEY"] == minio["MINIO_ROOT_PASSWORD"]


def test_compose_start_order(compose):
    services = compose["services"]

    def conditions(name: str) -> dict[str, str]:
        return {dep: spec["condition"] for dep, spec in services[name]["depends_on"].items()}

    assert conditions("migrate")["db"] == "service_healthy"
    assert conditions("migrate")["minio-init"] == "service_completed_successfully"
    for name in ("web", "worker", "beat"):
        deps = conditions(name)
        assert deps["migrate"] == "service_completed_successfully", name
        assert deps["minio-init"] == "service_completed_successfully", name
        assert deps["redis"] == "service_healthy", name
    assert "healthcheck" in services["redis"]
    # beat keeps its schedule on a volume, where its --schedule points.
    assert _mounts(services["beat"]).get("/app/var/celery") in compose["volumes"]


def test_minio_init_script_creates_a_private_bucket():
    script = (BASE_DIR / "docker" / "minio-init.sh").read_text()
    assert 'mc mb --ignore-existing "local/$MINIO_BUCKET"' in script
    assert 'mc anonymous set none "local/$MINIO_BUCKET"' in script
    result = subprocess.run(
        ["sh", "-n", str(BASE_DIR / "docker" / "minio-init.sh")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- the image -----------------------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def test_dockerfile_shape():
    instructions = _dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    runs = " ".join(rest for kw, rest in instructions if kw == "RUN")
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "libfontconfig1",
        "fonts-dejavu-core",
    ):
        assert package in runs, package
    assert "--no-install-recommends" in runs
    assert "pip install -r /tmp/requirements.lock" in runs
    # collectstatic runs with production settings and a key that lives on that line only.
    collect = next(rest for kw, rest in instructions if kw == "RUN" and "collectstatic" in rest)
    assert "DJANGO_SECRET_KEY=" in collect and "ALLOWED_HOSTS=" in collect
    env_and_args = " ".join(rest for kw, rest in instructions if kw in ("ENV", "ARG"))
    assert "DJANGO_SETTINGS_MODULE=zi_portal.settings.production" in env_and_args
    assert "DJANGO_SECRET_KEY" not in env_and_args
    user = [rest for kw, rest in instructions if kw == "USER"]
    assert user and user[-1].split(":")[0] not in ("root", "0")
    cmd = next(rest for kw, rest in reversed(instructions) if kw == "CMD")
    assert yaml.safe_load(cmd) == shlex.split(EXPECTED_COMMANDS["web"])


def test_dockerignore_keeps_local_state_out_and_the_app_in():
    patterns = {
        line.strip().lstrip("/")
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "var", ".git", ".env", ".pytest_cache", ".ruff_cache"} <= patterns
    needed = {
        "manage.py",
        "requirements.lock",
        "zi_portal",
        "workplan",
        "evidence",
        "monev",
        "templates",
        "static",
        "locale",
        "fixtures",
    }
    assert not needed & patterns


# --- production settings -------------------------------------------------------------------


def test_production_settings_refuse_a_missing_secret_key(tmp_path):
    # A developer's .env could supply the key; CI's fresh clone has none, so it never skips.
    require_service(not (BASE_DIR / ".env").exists(), "a project folder without .env")
    result = _django_setup(_base_env(tmp_path, ALLOWED_HOSTS="127.0.0.1"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_refuse_a_short_secret_key(tmp_path):
    result = _django_setup(
        _base_env(tmp_path, ALLOWED_HOSTS="127.0.0.1", DJANGO_SECRET_KEY="too-short")
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "at least 32 characters" in result.stderr


def test_production_settings_refuse_debug(tmp_path):
    result = _django_setup(_prod_env(tmp_path, DEBUG="true"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG must be off" in result.stderr


def test_production_settings_require_allowed_hosts(tmp_path):
    env = _prod_env(tmp_path)
    del env["ALLOWED_HOSTS"]
    result = _django_setup(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_start_with_a_key_and_debug_off(tmp_path):
    result = _django_setup(
        _prod_env(tmp_path, DEBUG="false"),
        "from django.conf import settings as s\n"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.STORAGES['staticfiles']['BACKEND'])\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "['127.0.0.1']",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_production_cookies_are_secure_unless_turned_off(tmp_path):
    code = (
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)\n"
    )
    env = _base_env(tmp_path, DJANGO_SECRET_KEY=SECRET_KEY, ALLOWED_HOSTS="127.0.0.1")
    result = _django_setup(env, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
    result = _django_setup(_prod_env(tmp_path), code)
    assert result.stdout.split() == ["False", "False"]


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_tls_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


SECURITY_SETTINGS = (
    "from django.conf import settings as s\n"
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,\n"
    "      s.SECURE_SSL_REDIRECT, s.SECURE_REFERRER_POLICY, s.SECURE_CROSS_ORIGIN_OPENER_POLICY)\n"
)


def test_production_hsts_and_policies_have_documented_defaults_and_read_the_env(tmp_path):
    behind_tls = _django_setup(_tls_env(tmp_path), SECURITY_SETTINGS)
    assert behind_tls.returncode == 0, behind_tls.stderr
    assert behind_tls.stdout.split() == [
        "31536000", "True", "False", "True", "same-origin", "same-origin"
    ]  # fmt: skip
    # The compose demo on plain http: no redirect to an https:// that is not there.
    demo = _django_setup(_prod_env(tmp_path), SECURITY_SETTINGS)
    assert demo.stdout.split()[3] == "False"
    chosen = _django_setup(
        _tls_env(
            tmp_path,
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
            SECURE_HSTS_PRELOAD="true",
            SECURE_SSL_REDIRECT="false",
            SECURE_REFERRER_POLICY="no-referrer",
            SECURE_CROSS_ORIGIN_OPENER_POLICY="same-origin-allow-popups",
        ),
        SECURITY_SETTINGS,
    )
    assert chosen.stdout.split() == [
        "3600", "False", "True", "False", "no-referrer", "same-origin-allow-popups"
    ]  # fmt: skip


def test_production_pages_over_tls_carry_hsts_and_the_policy(tmp_path):
    """A request that reached the TLS proxy over HTTPS (X-Forwarded-Proto), through the
    whole middleware stack of the production settings (the home page, which sends an
    anonymous visitor to sign in: no template, so no collected static files needed)."""
    code = (
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment\n"
        "setup_test_environment()\n"
        f"c = Client(HTTP_HOST={TLS_HOST!r}, HTTP_X_FORWARDED_PROTO='https')\n"
        "r = c.get('/')\n"
        "print(r.status_code)\n"
        "for h in ('Strict-Transport-Security', 'Content-Security-Policy', 'Cache-Control',\n"
        "          'Referrer-Policy', 'Cross-Origin-Opener-Policy', 'X-Frame-Options'):\n"
        "    print(h + '=' + r.headers.get(h, ''))\n"
        "plain = Client(HTTP_HOST={host!r}).get('/')\n".format(host=TLS_HOST)
        + "print('plain', plain.status_code, plain.headers.get('Location'))\n"
    )
    result = _django_setup(_tls_env(tmp_path), code)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "302"
    headers = dict(line.split("=", 1) for line in lines[1:7])
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert headers["Cache-Control"] == "private, no-cache"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    # Plain HTTP at the proxy is sent to https://.
    assert lines[7] == f"plain 301 https://{TLS_HOST}/"


# --- the migrate one-shot, as compose runs it ---------------------------------------------


def test_migrate_job_runs_and_seeds_only_when_asked(tmp_path):
    """The `migrate` service's shell line, on a fresh database: SEED_DEMO=0 migrates only,
    SEED_DEMO=1 also loads the plan and the demo accounts."""
    raw = yaml.safe_load(COMPOSE_FILE.read_text())["services"]["migrate"]["command"]
    argv = [word.replace("$$", "$") for word in _words(raw)]  # compose's own escaping
    assert argv[:2] == ["sh", "-c"]
    db_file = tmp_path / "fresh.sqlite3"
    base = _prod_env(tmp_path, DATABASE_URL=f"sqlite:///{db_file}", DEMO_PASSWORD="zi-demo-2026")

    only_migrate = subprocess.run(
        argv,
        cwd=BASE_DIR,
        env={**base, "SEED_DEMO": "0"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert only_migrate.returncode == 0, only_migrate.stderr
    assert "Applying accounts.0001_initial" in only_migrate.stdout
    assert "Demo accounts" not in only_migrate.stdout
    with sqlite3.connect(db_file) as db:
        assert db.execute("select count(*) from accounts_user").fetchone()[0] == 0

    seeded = subprocess.run(
        argv,
        cwd=BASE_DIR,
        env={**base, "SEED_DEMO": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert seeded.returncode == 0, seeded.stderr
    assert "Demo accounts: 9 created" in seeded.stdout
    with sqlite3.connect(db_file) as db:
        # The unit's nine, the ministry's administrator and the Inspektorat assessor.
        assert db.execute("select count(*) from accounts_user").fetchone()[0] == 11


# --- gunicorn with the production settings -----------------------------------------------


# collectstatic as the image build runs it (production settings, so whitenoise's
# CompressedManifestStaticFilesStorage), except that only stylesheets are compressed:
# writing a .gz and a .br of each of the ~350 collected files and hashed copies (Swagger UI,
# ReDoc, the admin, with their source maps) took 120-160 s on two cores, and what this
# test proves does not depend on it. The manifest (hashed names) is built for every
# file as in the image, and the compressed stylesheets prove that compression is on.
COLLECTSTATIC = """
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

extensions = {
    Path(path).suffix.lstrip(".").lower()
    for finder in get_finders()
    for path, _storage in finder.list([])
}
settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = sorted(extensions - {"css", ""})
call_command("collectstatic", "--noinput")
"""


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """collectstatic with the production storage, as the image build does (see above)."""
    tmp = tmp_path_factory.mktemp("deploy-static")
    root = tmp / "staticfiles"
    result = _django_setup(_prod_env(tmp, STATIC_ROOT=str(root)), COLLECTSTATIC)
    assert result.returncode == 0, result.stderr
    manifest = root / "staticfiles.json"
    assert manifest.exists()
    hashed = json.loads(manifest.read_text())["paths"]["css/zi.css"]
    assert (root / f"{hashed}.gz").exists() and (root / f"{hashed}.br").exists()
    return root


@pytest.fixture
def gunicorn_url(static_root, tmp_path):
    """The compose `web` command, bound to a free local port, on the test database."""
    gunicorn = VENV_BIN / "gunicorn"
    require_service(gunicorn.exists(), "gunicorn in the virtualenv")
    port = _free_port()
    env = _prod_env(tmp_path, STATIC_ROOT=str(static_root), DATABASE_URL=_database_url())
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                str(gunicorn),
                "-c",
                "python:zi_portal.gunicorn_conf",
                "zi_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + GUNICORN_START_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"gunicorn did not answer in {GUNICORN_START_SECONDS} s:\n"
                        f"{log_path.read_text()}"
                    )
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_and_static_files(gunicorn_url, static_root):
    client = _client()
    status, _headers, body = _fetch(client, f"{gunicorn_url}/akun/login/")
    assert status == 200, body[:2000]
    assert "Masuk" in body

    status, headers, _body = _fetch(client, f"{gunicorn_url}/")
    assert status == 302
    assert urllib.parse.urlsplit(headers["Location"]).path == "/akun/login/"

    status, _headers, css = _fetch(client, f"{gunicorn_url}/static/css/zi.css")
    assert status == 200 and css.strip()
    # The page links the hashed, immutable name from the manifest, and whitenoise serves it.
    hashed = re.search(r"/static/(css/zi\.[0-9a-f]{12}\.css)", body)
    assert hashed, "login page does not link the manifest name of css/zi.css"
    status, headers, hashed_css = _fetch(client, f"{gunicorn_url}/static/{hashed.group(1)}")
    assert status == 200 and hashed_css == css
    assert "immutable" in headers.get("Cache-Control", "")
    # A browser that accepts gzip gets the compressed file collectstatic wrote.
    request = urllib.request.Request(
        f"{gunicorn_url}/static/{hashed.group(1)}", headers={"Accept-Encoding": "gzip"}
    )
    with client.open(request, timeout=15) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.read()).decode() == css


@pytest.mark.django_db(transaction=True)
def test_gunicorn_login_works_over_plain_http(gunicorn_url):
    """With SESSION/CSRF_COOKIE_SECURE=false (the compose demo), a browser on http:// can
    sign in: the CSRF and session cookies come back on the next request."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from zi_portal.accounts.roles import Role
    from zi_portal.accounts.services import user_ensure

    password = "deploy-test-pw-7c1e"
    from tests.multiunit import UNIT_A
    from workplan.models import Unit

    user, _created = user_ensure(
        email="ketua.deploy@example.org",
        name="Ketua (deploy test)",
        role=Role.KETUA,
        unit=Unit.objects.get(code=UNIT_A),
    )
    hasher = PBKDF2PasswordHasher()  # the production hasher; the test settings use MD5
    user.password = hasher.encode(password, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])

    jar = CookieJar()
    client = _client(jar)
    status, _headers, body = _fetch(client, f"{gunicorn_url}/akun/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token, "no CSRF token in the login form"
    status, headers, body = _fetch(
        client,
        f"{gunicorn_url}/akun/login/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "login": user.email,
            "password": password,
        },
    )
    assert status == 302, body[:2000]
    assert (
        urllib.parse.urlsplit(headers["Location"]).path == "/reviu/"
    )  # a Ketua lands on the review queue
    assert {c.name for c in jar} >= {"csrftoken", "sessionid"}

    # Signed in, the Ketua (whose role needs two-step sign-in under the production
    # settings) is sent to set it up; without the session cookie they would be sent to
    # the login form.
    status, headers, _body = _fetch(client, f"{gunicorn_url}/")
    assert status == 302
    assert urllib.parse.urlsplit(headers["Location"]).path == "/akun/2fa/totp/activate/"
    status, headers, body = _fetch(client, f"{gunicorn_url}/rencana/2026/")
    assert status == 302
    assert urllib.parse.urlsplit(headers["Location"]).path == "/akun/2fa/totp/activate/"


# --- the Celery app the worker and beat load -----------------------------------------------


def test_celery_app_loads_with_the_compose_broker(tmp_path):
    celery = VENV_BIN / "celery"
    require_service(celery.exists(), "celery in the virtualenv")
    result = subprocess.run(
        [str(celery), "-A", "zi_portal", "report"],
        cwd=BASE_DIR,
        env=_prod_env(tmp_path, CELERY_BROKER_URL="redis://redis:6379/0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "transport:redis" in result.stdout
    assert "zi_portal.settings.production" in result.stdout
    assert SECRET_KEY not in result.stdout  # celery masks secrets in its report


@pytest.mark.parametrize("name", ["DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "ZI_SITE_URL"])
def test_production_requires_the_real_services(tmp_path, name):
    env = _prod_env(tmp_path)
    del env[name]
    result = _django_setup(env)
    assert result.returncode != 0
    assert f"{name} must be set for production settings" in result.stderr


def test_production_refuses_the_filesystem_broker(tmp_path):
    result = _django_setup(_prod_env(tmp_path, CELERY_BROKER_URL="filesystem://"))
    assert result.returncode != 0
    assert "must name a shared broker" in result.stderr


# --- sign-in limits across processes ------------------------------------------------------


def _start_gunicorn(env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "zi_portal.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + GUNICORN_START_SECONDS
    while True:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"gunicorn did not answer:\n{log_path.read_text()}")
            time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _post_json(url: str, data: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.django_db(transaction=True)
def test_sign_in_limits_hold_across_two_gunicorn_workers(tmp_path):
    """Two web processes (one gunicorn worker each, so the test decides which process
    answers each call) with the production settings and one Redis of their own: the
    lockout (5 failures per account) and the token rate (10 per address per minute) are
    counted once for both. With a cache per process each would allow its own 5 and 10."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from tests.multiunit import UNIT_A
    from workplan.models import Unit
    from zi_portal.accounts.roles import Role
    from zi_portal.accounts.services import user_ensure

    redis_bin = shutil.which("redis-server")
    require_service(redis_bin is not None, "redis-server")
    require_service((VENV_BIN / "gunicorn").exists(), "gunicorn in the virtualenv")
    password = "limit-test-pw-5a8e"
    user, _created = user_ensure(
        email="tpi.limit@example.org",
        name="TPI (limit test)",
        role=Role.TPI,
        unit=Unit.objects.get(code=UNIT_A),
    )
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])

    redis_port = _free_port()
    redis = subprocess.Popen(
        [redis_bin, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers = []
    try:
        env = _prod_env(
            tmp_path,
            DATABASE_URL=_database_url(),
            ZI_CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
            STATIC_ROOT=str(tmp_path / "static"),
        )
        for name in ("a", "b"):
            servers.append(_start_gunicorn(env, tmp_path / f"gunicorn-{name}.log"))
        urls = [url for _proc, url in servers]
        pids = {proc.pid for proc, _url in servers}
        assert len(pids) == 2

        # Wrong passwords for one account, alternating between the two processes.
        answers = [
            _post_json(f"{urls[i % 2]}/api/v1/auth/token/", {"email": user.email, "password": "x"})
            for i in range(12)
        ]
        codes = [status for status, _body in answers]
        assert codes[:5] == [400] * 5, answers
        assert codes[5:] == [429] * 7, answers
        assert [body["error"]["code"] for _s, body in answers[5:10]] == ["too_many_attempts"] * 5
        assert [body["error"]["code"] for _s, body in answers[10:]] == ["throttled"] * 2
        # The right password, on either process, gets no token while the lock holds.
        for url in urls:
            status, body = _post_json(
                f"{url}/api/v1/auth/token/", {"email": user.email, "password": password}
            )
            assert status == 429 and "token" not in body

        # Redis goes away: sign-in and the API answer (limits now counted in each
        # process's memory), never 500 (zi_portal/core/cache.py).
        _stop(redis)
        other, _created = user_ensure(
            email="tpi.outage@example.org",
            name="TPI (outage)",
            role=Role.TPI,
            unit=Unit.objects.get(code=UNIT_A),
        )
        other.password = hasher.encode(password, hasher.salt(), iterations=1000)
        other.save(update_fields=["password"])
        answers = [
            _post_json(f"{urls[0]}/api/v1/auth/token/", {"email": other.email, "password": "x"})
            for _ in range(6)
        ]
        codes = [status for status, _body in answers]
        assert codes == [400] * 5 + [429], answers  # still limited, in this process
        status, body = _post_json(
            f"{urls[1]}/api/v1/auth/token/", {"email": other.email, "password": "x"}
        )
        assert status == 400, body
    finally:
        for proc, _url in servers:
            _stop(proc)
        _stop(redis)


def test_production_cache_must_be_redis(tmp_path):
    result = _django_setup(_prod_env(tmp_path, ZI_CACHE_URL="locmemcache://"))
    assert result.returncode != 0
    assert "ZI_CACHE_URL must name a Redis cache" in result.stderr
    shared = _django_setup(
        _prod_env(tmp_path),
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
    )
    assert shared.returncode == 0, shared.stderr
    assert "redis" in shared.stdout.lower()
