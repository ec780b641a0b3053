"""Values that other apps offer for the unit's LKE answers ("value sources"), registered
per answer type: the LKE page asks them without knowing who they are (the surveys app
registers its IPAK/IPKP values in its ``ready()``; lke never imports it). Empty by
default: with nothing registered the page shows what it always did and asks nobody.

A source is an object with two methods, both given the unit and the questions of the
page that have its answer type:

- ``mark(*, unit, year, questions)``: something small and hashable that changes
  whenever ``values`` would (the area page's cache key holds it, so the values are never
  shown stale); a few cheap queries at most, it is read on every page view;
- ``values(*, unit, year, questions)``: soal id → a list of ``SourceValue``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class SourceValue:
    """One value a source offers for a question, as the page shows it."""

    value: str  # in the LKE's own format (what taking it would store)
    label: str  # where it comes from, in the reader's language
    few: bool = False  # from fewer respondents than the regulation's minimum
    few_text: str = ""
    taken: bool = False  # the unit's answer is this value, taken from this source
    take_url: str = ""  # POST here (with the CSRF token) to take it
    take_text: str = ""
    provenance: str = ""  # where the unit's current answer came from, when it did
    hidden: dict[str, str] = field(default_factory=dict)  # the take form's fields


class ValueSource(Protocol):
    def mark(self, *, unit: Any, year: int, questions: list) -> Any: ...

    def values(self, *, unit: Any, year: int, questions: list) -> dict[int, list[SourceValue]]: ...


_SOURCES: dict[str, list[ValueSource]] = {}


def register(answer_type: str, source: ValueSource) -> None:
    """Offer ``source``'s values for questions of ``answer_type`` (once per source)."""
    sources = _SOURCES.setdefault(answer_type, [])
    if source not in sources:
        sources.append(source)


def unregister(answer_type: str, source: ValueSource) -> None:
    if source in _SOURCES.get(answer_type, []):
        _SOURCES[answer_type].remove(source)


def _asked(questions: list) -> list[tuple[ValueSource, list]]:
    by_type: dict[str, list] = {}
    for q in questions:
        by_type.setdefault(q.answer_type, []).append(q)
    return [
        (source, qs)
        for answer_type, qs in sorted(by_type.items())
        for source in _SOURCES.get(answer_type, [])
    ]


def marks(*, unit: Any, year: int, questions: list) -> tuple:
    """What the sources' values for these questions depend on (for a cache key)."""
    return tuple(
        source.mark(unit=unit, year=year, questions=qs) for source, qs in _asked(questions)
    )


def values(*, unit: Any, year: int, questions: list) -> dict[int, list[SourceValue]]:
    """soal id → the values every registered source offers for it."""
    found: dict[int, list[SourceValue]] = {}
    for source, qs in _asked(questions):
        for soal_id, offered in source.values(unit=unit, year=year, questions=qs).items():
            found.setdefault(soal_id, []).extend(offered)
    return found
