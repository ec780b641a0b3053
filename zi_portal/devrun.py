"""``make run``'s process runner: web, Celery worker and beat from ``Procfile.dev``, their
output interleaved under a name prefix, and Ctrl+C (or SIGTERM) stopping all three the
way each expects.

Why not honcho: on Ctrl+C it sends SIGTERM to each process *group*, so the worker's pool
children die under its feet (``ERROR ... exited with 'signal 15'``), then SIGKILLs
whatever is still shutting down after five seconds (the worker's warm shutdown on the
filesystem broker takes about six) and exits 130. Here every process runs in its own
session (Ctrl+C in the terminal reaches only this runner) and is told to stop the way
it expects: a Celery worker or beat gets SIGTERM on its main process alone (a warm
shutdown, exit 0: the worker closes its pool children itself), anything else SIGTERM
to its process group (runserver's reloader and its server both exit 0). A process still
running after ``STOP_SECONDS`` is killed, and said so. The runner exits 0 after a
requested stop, or with the status of a process that ended by itself.

Run as ``python -m zi_portal.devrun [Procfile]``; no Django import, nothing to set up.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

STOP_SECONDS = float(os.environ.get("ZI_DEVRUN_STOP_SECONDS", "20"))
PROCFILE = Path(__file__).resolve().parent.parent / "Procfile.dev"


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    # Celery signals its own children (see the module docstring); others get the group.
    group: bool = True
    reader: threading.Thread | None = field(default=None, repr=False)


def read_procfile(path: Path) -> list[Child]:
    """``name: command`` lines; ``${VAR}`` expanded from the environment."""
    children = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, command = line.split(":", 1)
        argv = shlex.split(os.path.expandvars(command.strip()))
        celery = any(Path(arg).name == "celery" for arg in argv[:2])
        children.append(Child(name.strip(), argv, group=not celery))
    return children


class Runner:
    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.width = max(len(c.name) for c in children)
        self.lock = threading.Lock()
        self.stop_requested = threading.Event()

    def say(self, name: str, text: str) -> None:
        with self.lock:
            sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:<{self.width}} | {text}\n")
            sys.stdout.flush()

    def _pump(self, child: Child) -> None:
        assert child.process is not None and child.process.stdout is not None
        for line in iter(child.process.stdout.readline, b""):
            self.say(child.name, line.decode("utf-8", "replace").rstrip("\n"))
        child.process.stdout.close()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for child in self.children:
            child.process = subprocess.Popen(
                child.argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                # Its own session: the terminal's Ctrl+C reaches the runner only, and
                # the runner decides how each process is stopped.
                start_new_session=True,
            )
            child.reader = threading.Thread(target=self._pump, args=(child,), daemon=True)
            child.reader.start()
            self.say("runner", f"{child.name} started (pid {child.process.pid})")

    def _signal(self, child: Child, sig: int) -> None:
        assert child.process is not None
        try:
            if child.group or sig == signal.SIGKILL:
                os.killpg(child.process.pid, sig)
            else:
                os.kill(child.process.pid, sig)
        except ProcessLookupError:
            pass

    def _running(self) -> list[Child]:
        return [c for c in self.children if c.process and c.process.poll() is None]

    def stop(self) -> None:
        """Ask every running process to stop (SIGTERM); kill what is left after
        ``STOP_SECONDS``."""
        for child in self._running():
            self._signal(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while self._running() and time.monotonic() < deadline:
            time.sleep(0.1)
        for child in self._running():
            self.say("runner", f"{child.name} did not stop in {STOP_SECONDS:.0f} s: killing it")
            self._signal(child, signal.SIGKILL)
        for child in self.children:
            if child.process:
                child.process.wait()
            if child.reader:
                child.reader.join(timeout=2)

    def run(self) -> int:
        def requested(signum, _frame) -> None:
            self.stop_requested.set()

        signal.signal(signal.SIGINT, requested)
        signal.signal(signal.SIGTERM, requested)
        self.start()
        ended: Child | None = None
        while not self.stop_requested.is_set():
            ended = next((c for c in self.children if c.process.poll() is not None), None)
            if ended is not None:
                break
            self.stop_requested.wait(0.2)
        if ended is not None:
            self.say("runner", f"{ended.name} ended (exit {ended.process.returncode}): stopping")
        else:
            self.say("runner", "stopping web, worker and beat")
        # A second Ctrl+C while stopping changes nothing: the stop is already under way.
        self.stop()
        for child in self.children:
            self.say("runner", f"{child.name} stopped (exit {child.process.returncode})")
        if ended is not None:
            return ended.process.returncode or 1
        return 0


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else PROCFILE
    children = read_procfile(path)
    if not children:
        sys.stderr.write(f"{path}: no processes\n")
        return 2
    return Runner(children).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
