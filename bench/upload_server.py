"""The server under test of bench/upload_memory.py: gunicorn (one sync worker, the
production settings) on a throw-away SQLite database and media folder, with moto's S3
server on loopback for ``--storage s3``; and what the bench reads of a process in
``/proc`` (its worker, its ``VmHWM``, the reset of that peak)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECRET_KEY = "bench-upload-memory-secret-key-7d1c9e3a5b"  # >= 32 characters, bench only
PASSWORD = "zi-demo-2026"
START_SECONDS = 60
S3_KEY, S3_SECRET, S3_REGION = "bench-access-key", "bench-secret-key", "us-east-1"


# --- processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(proc: subprocess.Popen, port: int, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"{what} did not answer in {START_SECONDS} s:\n{log.read_text()[-4000:]}")
            time.sleep(0.2)


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(c) for c in text)
    return found


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS / RssFile / RssShmem … of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            values[key] = int(parts[0])
    return values


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0, own processes only)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# --- the server under test ---------------------------------------------------------------


@dataclass
class Server:
    storage: str
    tmp: Path
    env: dict[str, str]
    port: int = 0
    proc: subprocess.Popen | None = None
    moto: subprocess.Popen | None = None
    worker: int = 0
    log: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def production_env(tmp: Path) -> dict[str, str]:
    """What the production settings need, nothing inherited but PATH/HOME/LANG."""
    return {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", str(tmp)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "zi_portal.settings.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",  # only parsed
        "EMAIL_URL": "smtp://127.0.0.1:1025",  # only parsed
        "ZI_SITE_URL": "http://127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ZI_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "media"),
        # The API answers JSON and renders no template, so no static manifest is needed:
        # an empty STATIC_ROOT saves a 40 s collectstatic (see --collectstatic).
        "STATIC_ROOT": str(tmp / "static"),
        # Upload temp files in a folder of their own, to check they are cleaned up.
        "FILE_UPLOAD_TEMP_DIR": str(tmp / "upload-tmp"),
        "DEMO_PASSWORD": PASSWORD,
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def shell_line(env: dict[str, str], code: str, tag: str) -> str:
    """Run ``code`` in ``manage.py shell`` and return what it printed after ``tag``."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py shell failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    line = next(line for line in result.stdout.splitlines() if line.startswith(tag))
    return line[len(tag) + 1 :]


def start_moto(tmp: Path) -> tuple[subprocess.Popen, str]:
    moto_server = VENV_BIN / "moto_server"
    if not moto_server.exists():
        sys.exit(f"{moto_server} is missing (pip install 'moto[server]')")
    port = free_port()
    log = tmp / "moto.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wait_for_port(proc, port, log, "moto_server")
    return proc, f"http://127.0.0.1:{port}"


def create_bucket(endpoint: str, name: str) -> None:
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name=S3_REGION,
    ).create_bucket(Bucket=name)


def start_server(storage: str, collectstatic: bool) -> Server:
    tmp = Path(tempfile.mkdtemp(prefix=f"zi-bench-upload-{storage}-"))
    env = production_env(tmp)
    for sub in ("var", "media", "static", "upload-tmp"):
        (tmp / sub).mkdir()
    server = Server(storage=storage, tmp=tmp, env=env)
    if storage == "s3":
        server.moto, endpoint = start_moto(tmp)
        bucket = f"zi-bench-{uuid.uuid4().hex[:10]}"
        create_bucket(endpoint, bucket)
        env.update(
            AWS_STORAGE_BUCKET_NAME=bucket,
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID=S3_KEY,
            AWS_SECRET_ACCESS_KEY=S3_SECRET,
            AWS_S3_REGION_NAME=S3_REGION,
        )
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    if collectstatic:
        manage(env, "collectstatic", "--noinput")
    server.port = free_port()
    server.log = tmp / "gunicorn.log"
    command = [
        str(VENV_BIN / "gunicorn"),
        "zi_portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{server.port}",
        "--workers",
        "1",
        "--worker-class",
        "sync",
        "--timeout",
        "120",
    ]
    with server.log.open("w") as out:
        server.proc = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    wait_for_port(server.proc, server.port, server.log, "gunicorn")
    deadline = time.monotonic() + START_SECONDS
    while not (workers := children(server.proc.pid)):
        if time.monotonic() > deadline:
            sys.exit(f"no gunicorn worker appeared:\n{server.log.read_text()[-4000:]}")
        time.sleep(0.1)
    if len(workers) != 1:
        sys.exit(f"expected one gunicorn worker, found {workers}")
    server.worker = workers[0]
    return server


def stop_server(server: Server, keep: bool) -> None:
    stop(server.proc)
    stop(server.moto)
    if not keep:
        shutil.rmtree(server.tmp, ignore_errors=True)
