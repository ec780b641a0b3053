"""Who used the machine's CPU during a drill: the processes of each part (by session,
parent or pid, read from /proc), the drill itself, and everything else on the machine
(other people's work on a shared host). Linux only; a process that ended during the
window takes its CPU time with it (the parts here live for the whole drill)."""

from __future__ import annotations

import os
import resource
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, int, float]]:
    """(pid, parent, session, CPU seconds) of every process now."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended while we looked
        # The name (field 2) may hold spaces or brackets: the fields after its ")".
        fields = text.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICK
        found.append((int(stat.parent.name), int(fields[1]), int(fields[3]), seconds))
    return found


def _busy() -> float:
    """CPU seconds the whole machine has been busy (every core, not idle or waiting)."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / TICK


class CpuShare:
    """``parts``: name → (kind, id) with kind ``session`` (a process group started with
    ``start_new_session``), ``parent`` (a server and its children, e.g. the postmaster)
    or ``pid``. ``start()``, then ``stop()`` returns CPU seconds per part, the drill's
    own (``client``), ``other`` and ``total``."""

    def __init__(self, parts: dict[str, tuple[str, int]]) -> None:
        self.parts = parts

    def _sample(self) -> dict[str, float]:
        seconds = dict.fromkeys(self.parts, 0.0)
        for pid, parent, session, cpu in _processes():
            for name, (kind, key) in self.parts.items():
                if (
                    (kind == "session" and session == key)
                    or (kind == "parent" and key in (pid, parent))
                    or (kind == "pid" and pid == key)
                ):
                    seconds[name] += cpu
                    break
        own = resource.getrusage(resource.RUSAGE_SELF)
        seconds["client"] = own.ru_utime + own.ru_stime
        seconds["total"] = _busy()
        return seconds

    def start(self) -> None:
        self.before = self._sample()

    def stop(self) -> dict[str, float]:
        after = self._sample()
        used = {name: after[name] - self.before[name] for name in after}
        used["other"] = used["total"] - sum(v for k, v in used.items() if k != "total")
        return used
