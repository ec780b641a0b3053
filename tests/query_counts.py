"""Query counts of several pages, measured once per test process.

A query-count test grows a data set and counts a page's queries before and after. Doing
that once per page repeats the slow part (hundreds of uploads or answers) for every page.
``Measurement`` does it once: the first test that asks builds the small data set, counts
every page, grows the data, counts every page again (inside that test's own transaction,
which is rolled back as usual), and keeps the numbers. Each page's parametrized test then
asserts its own page, and a page that failed while being measured fails its own test."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count(client, user, path: str) -> int:
    """Queries of one GET of ``path`` as ``user``, after a first GET warms the caches
    (session, parsed master list)."""
    client.force_login(user)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


@dataclass
class Measurement:
    """``pages`` are (who, path) pairs; ``small`` and ``grow`` fill the data set."""

    small: Callable[[dict], None]
    grow: Callable[[dict], None]
    counts: dict[int, tuple[int, int]] = field(default_factory=dict)
    errors: dict[int, BaseException] = field(default_factory=dict)
    done: bool = False

    def of(self, index: int, *, client, data: dict, pages: Sequence[tuple[str, str]]) -> Any:
        """(small, large) query counts of page ``index``."""
        if not self.done:
            self._measure(client, data, pages)
        if index in self.errors:
            raise self.errors[index]
        return self.counts[index]

    def _measure(self, client, data: dict, pages: Sequence[tuple[str, str]]) -> None:
        small: dict[int, int] = {}
        self.small(data)
        for index, (who, path) in enumerate(pages):
            try:
                small[index] = count(client, data["users"][who], path)
            except BaseException as exc:  # noqa: BLE001 - kept for the page's own test
                self.errors[index] = exc
        self.grow(data)
        for index, (who, path) in enumerate(pages):
            if index in self.errors:
                continue
            try:
                self.counts[index] = (small[index], count(client, data["users"][who], path))
            except BaseException as exc:  # noqa: BLE001
                self.errors[index] = exc
        self.done = True
