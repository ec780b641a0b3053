"""A PostgreSQL cluster of one's own, on a free loopback port, for what stops or restarts
the database (the PostgreSQL restart drill, tests/core/test_database_down.py). The shared
cluster on 5432 is never touched.

PostgreSQL refuses to run as root, so when run as root the cluster's folder belongs to
the ``postgres`` account and its commands run as that account (``runuser``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def available() -> bool:
    """Whether this machine can start a cluster (PostgreSQL's server binaries are here)."""
    return _bin_dir() is not None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """``initdb`` in a temporary folder, then ``start()``/``stop()``/``restart()``.

    ``url`` is the DATABASE_URL of database ``name`` on it (trust authentication, user
    ``postgres``), created on the first start.
    """

    def __init__(self, name: str = "zi") -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        self.bin = bin_dir
        self.name = name
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="zi-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        self._created = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.name}"

    def _run(self, command: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        words = [str(self.bin / command), *args]
        if self._as_postgres:
            words = ["runuser", "-u", "postgres", "--", *words]
        result = subprocess.run(words, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{command} failed: {result.stdout}\n{result.stderr}")
        return result

    def start(self) -> float:
        """Start and wait until it takes connections; return the seconds that took."""
        began = time.monotonic()
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        if not self._created:
            self._run(
                "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.name
            )
            self._created = True
        return time.monotonic() - began

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every session, as a restart by an operator does; ``immediate``
        is a crash (no checkpoint, recovery at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self, mode: str = "fast") -> float:
        self.stop(mode)
        return self.start()

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
