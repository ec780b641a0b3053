"""Seconds from `make run` on a fresh clone to the portal's first page.

Clones this repository (its committed HEAD, or ``--rev``) into a temporary folder, runs
`make run` there with a free port, and polls http://127.0.0.1:<port>/ until it answers
200 or redirects to the sign-in page. It prints the seconds from the start of `make run`
to that answer and when each step of the Makefile began (the step lines `make` echoes),
then stops everything it started and removes the clone. Usage:

    python3 bench/first_run.py              # one run, the machine's uv cache as it is
    python3 bench/first_run.py --runs 3     # three fresh clones, one after the other
    python3 bench/first_run.py --cold       # with empty uv and pip caches (downloads all)
    python3 bench/first_run.py --rev main   # another revision, e.g. to compare
    python3 bench/first_run.py --env-as-is  # keep PYTHONDONTWRITEBYTECODE if it is set

`make run` ends in zi_portal.devrun, which starts web, worker and beat each in a process group of
its own. Stopping therefore takes two steps: SIGTERM to the process group of `make`
(devrun passes it on to its children's groups), then SIGTERM and, after a grace period,
SIGKILL to any process left whose environment carries this run's marker variable. Only
processes started by this script carry it. The environment of `make` is the caller's
without the portal's own settings (DATABASE_URL, ZI_*, DJANGO_*, …) and, unless
--env-as-is, without PYTHONDONTWRITEBYTECODE, as on a fresh machine. Needs only the
standard library, git, make and python3. Prints a Markdown report and saves it to
bench/RESULTS-first-run.md; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS-first-run.md"
MARKER = "ZI_BENCH_FIRST_RUN"
# Variables of the portal (and of an activated venv) that a fresh machine does not have.
DROP_PREFIXES = ("ZI_", "DJANGO_", "AWS_", "CELERY_")
DROP = {"DATABASE_URL", "EMAIL_URL", "REDIS_URL", "VIRTUAL_ENV", "CI", "DEMO_PASSWORD"}
# Not Python's default, but set in some sandboxes and CI images: then no process writes
# .pyc files, and migrate, seed_demo, web, worker and beat each compile every module they
# import from source again. --env-as-is keeps it (and everything else) to measure that.
DROP_FOR_DEFAULTS = {"PYTHONDONTWRITEBYTECODE"}
# (label, text in a line of `make run` output that starts the step)
STEPS = [
    ("venv", " -m venv "),
    ("uv into .venv", "== installing uv"),
    ("lock install", "== installing requirements-dev.lock"),
    ("migrate", "manage.py migrate"),
    ("seed_demo", "manage.py seed_demo"),
    ("devrun (web, worker, beat)", "zi_portal.devrun"),
]


@dataclass
class Run:
    seconds: float | None = None
    status: str = ""
    steps: dict[str, float] = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    clone_seconds: float = 0.0
    cpu_seconds: float | None = None
    lines: list[tuple[float, str]] = field(default_factory=list)
    leftovers: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_env(port: int, marker: str, cache: Path | None, as_is: bool) -> dict[str, str]:
    drop = DROP if as_is else DROP | DROP_FOR_DEFAULTS
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in drop and not key.startswith(DROP_PREFIXES)
    }
    # An activated venv's bin/ must not stand in for the clone's own .venv.
    active = Path(sys.prefix) / "bin"
    if sys.prefix != sys.base_prefix:
        env["PATH"] = os.pathsep.join(
            p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != active
        )
    env.update(ZI_HOST="127.0.0.1", ZI_PORT=str(port), PYTHONUNBUFFERED="1")
    env[MARKER] = marker
    if cache is not None:
        env["UV_CACHE_DIR"] = str(cache / "uv")
        env["PIP_NO_CACHE_DIR"] = "1"
    return env


def answer(url: str) -> str | None:
    """'200' or '302 → /akun/login/…' once the portal answers, None before."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=2) as response:
            return str(response.status) if response.status == 200 else None
    except urllib.error.HTTPError as exc:
        location = exc.headers.get("Location", "")
        if exc.code in (301, 302, 303, 307, 308) and "/login" in location:
            return f"{exc.code} → {location}"
        return None
    except (OSError, urllib.error.URLError):
        return None


def cpu_of_children() -> float:
    """User + system CPU seconds of the children waited for so far (make, and through it
    everything make and devrun waited for), a figure that does not depend on the load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def marked_pids(marker: str) -> list[int]:
    """Processes whose environment carries this run's marker (ours, and only ours)."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def stop(proc: subprocess.Popen, marker: str, grace: float = 15.0) -> int:
    """Stop `make run` and everything under it; returns how many needed a second signal."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and marked_pids(marker):
        time.sleep(0.2)
    left = marked_pids(marker)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in marked_pids(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        time.sleep(2)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return len(left)


def one_run(args: argparse.Namespace) -> Run:
    run = Run(load_before=os.getloadavg())
    tmp = Path(tempfile.mkdtemp(prefix="zi-first-run-"))
    clone = tmp / "zi-portal"
    marker = uuid.uuid4().hex
    proc = None
    try:
        started = time.monotonic()
        subprocess.run(["git", "clone", "--quiet", str(args.repo), str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", args.rev], check=True)
        run.clone_seconds = time.monotonic() - started
        port = free_port()
        env = fresh_env(port, marker, tmp / "cache" if args.cold else None, args.env_as_is)
        url = f"http://127.0.0.1:{port}/"
        cpu_before = cpu_of_children()
        start = time.monotonic()
        proc = subprocess.Popen(
            ["make", "run"],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def read():
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip()
                at = time.monotonic() - start
                run.lines.append((at, line))
                if args.verbose:
                    print(f"{at:7.1f}s | {line}", flush=True)
                for label, text in STEPS:
                    if text in line and label not in run.steps:
                        run.steps[label] = at

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        while time.monotonic() - start < args.timeout:
            got = answer(url)
            if got:
                run.seconds = time.monotonic() - start
                run.status = got
                break
            if proc.poll() is not None:
                run.status = f"make run exited with {proc.returncode}"
                break
            time.sleep(0.25)
        else:
            run.status = f"no answer in {args.timeout:.0f} s"
    finally:
        if proc is not None:
            run.leftovers = stop(proc, marker)
            if not run.leftovers:
                run.cpu_seconds = cpu_of_children() - cpu_before
        run.load_after = os.getloadavg()
        shutil.rmtree(tmp, ignore_errors=True)
    if run.seconds is None:
        print("\n".join(f"{at:7.1f}s | {line}" for at, line in run.lines[-40:]), file=sys.stderr)
    return run


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Linux {platform.release()}, "
        f"Python {platform.python_version()} (the clone's .venv is made by `python3`)"
    )


def report(runs: list[Run], args: argparse.Namespace, rev_id: str) -> str:
    timed = [r.seconds for r in runs if r.seconds is not None]
    cache = "empty uv cache and no pip cache (--cold)" if args.cold else "the machine's uv cache"
    bytecode = os.environ.get("PYTHONDONTWRITEBYTECODE")
    if args.env_as_is and bytecode:
        environment = "the caller's, with PYTHONDONTWRITEBYTECODE=1 (no .pyc files written)"
    else:
        environment = "the caller's minus the portal's settings; Python writes .pyc files"
    lines = [
        "# First `make run` on a fresh clone",
        "",
        f"- **Command:** `python3 bench/first_run.py --runs {args.runs}"
        + (" --cold" if args.cold else "")
        + (" --env-as-is" if args.env_as_is else "")
        + (f" --rev {args.rev}" if args.rev != "HEAD" else "")
        + "`",
        f"- **Revision:** {rev_id}",
        f"- **Machine:** {machine()}",
        f"- **Date:** {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Caches:** {cache}",
        f"- **Environment:** {environment}",
        "- **Measured:** from the start of `make run` in the new clone to the first answer of "
        "`/` (200, or a redirect to the sign-in page); the clone itself is not counted.",
        "",
        "| run | seconds to first page | answer | CPU seconds | load before (1/5/15 min) | "
        "load after | " + " | ".join(label for label, _ in STEPS) + " |",
        "| ---: | ---: | --- | ---: | --- | --- | " + " | ".join("---:" for _ in STEPS) + " |",
    ]
    for n, r in enumerate(runs, start=1):
        seconds = f"{r.seconds:.1f}" if r.seconds is not None else "—"
        steps = " | ".join(
            f"{r.steps[label]:.1f}" if label in r.steps else "—" for label, _ in STEPS
        )
        cpu = f"{r.cpu_seconds:.1f}" if r.cpu_seconds is not None else "—"
        lines.append(
            f"| {n} | {seconds} | {r.status} | {cpu} | "
            + "/".join(f"{x:.2f}" for x in r.load_before)
            + " | "
            + "/".join(f"{x:.2f}" for x in r.load_after)
            + f" | {steps} |"
        )
    lines.append("")
    if timed:
        lines.append(
            f"**Median {statistics.median(timed):.1f} s** over {len(timed)} run(s): "
            + ", ".join(f"{s:.1f}" for s in timed)
            + " s. Step columns: seconds after the start of `make run` at which the step began."
            " CPU seconds: user + system time of everything `make run` started, up to its stop"
            " (a few seconds after the first page), whatever else the machine was doing."
        )
    left = sum(r.leftovers for r in runs)
    if left:
        lines.append(f"\n{left} process(es) needed a second signal to stop.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--rev", default="HEAD", help="revision to check out in the clone")
    parser.add_argument("--repo", type=Path, default=BASE_DIR)
    parser.add_argument("--cold", action="store_true", help="empty uv/pip caches")
    parser.add_argument(
        "--env-as-is", action="store_true", help="keep PYTHONDONTWRITEBYTECODE if it is set"
    )
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--verbose", "-v", action="store_true", help="echo make's output")
    parser.add_argument("--no-save", action="store_true", help="do not write RESULTS file")
    args = parser.parse_args()
    rev_id = subprocess.run(
        ["git", "-C", str(args.repo), "log", "-1", "--format=%h %s", args.rev],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    runs = []
    for n in range(1, args.runs + 1):
        run = one_run(args)
        shown = f"{run.seconds:.1f} s" if run.seconds is not None else "—"
        print(f"run {n}: {shown} ({run.status}); load {run.load_before[0]:.2f}", flush=True)
        runs.append(run)
    text = report(runs, args, rev_id)
    print(text)
    if not args.no_save:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
