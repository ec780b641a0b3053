"""What a person typed into the search box, as terms: how it matches a text (the same
way the database matches it) and how a matching text is shown, cut around the match
and with the terms marked (escaped, so a file name or a finding can never inject HTML).

Two ways of matching, chosen by the database (``selectors.uses_full_text``):
- *prefix*: every term starts a word (PostgreSQL full-text search, ``term:*``);
- *substring*: every term occurs anywhere (the ``icontains`` fallback on SQLite).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_TERMS = 8
# Letters and digits; everything else (dots, dashes, underscores of file names) splits
# words, as the database's side does (``selectors._words``).
_TERM = re.compile(r"[^\W_]+")
# Characters shown around the first match of a long text.
EXCERPT = 220


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[str, ...]
    prefix: bool

    @property
    def tsquery(self) -> str:
        """A raw tsquery: every term as a word prefix (terms hold only letters and
        digits, so nothing the user types is tsquery syntax)."""
        return " & ".join(f"{term}:*" for term in self.terms)

    @cached_property
    def _patterns(self) -> tuple[re.Pattern, ...]:
        start = r"(?<![^\W_])" if self.prefix else ""
        return tuple(re.compile(start + re.escape(t), re.IGNORECASE) for t in self.terms)

    @cached_property
    def _any(self) -> re.Pattern:
        start = r"(?<![^\W_])" if self.prefix else ""
        longest_first = sorted(self.terms, key=len, reverse=True)
        alternatives = "|".join(re.escape(t) for t in longest_first)
        return re.compile(f"{start}(?:{alternatives})", re.IGNORECASE)

    def matches(self, *texts: str) -> bool:
        """Does every term occur in one of ``texts`` (the database's rule, in Python)?"""
        joined = "\n".join(t for t in texts if t)
        return all(p.search(joined) for p in self._patterns)

    def mark(self, text: str, width: int = EXCERPT) -> SafeString:
        """``text`` escaped, cut to about ``width`` characters around its first match,
        with every match in ``<mark>``."""
        text = text or ""
        if len(text) > width:
            first = self._any.search(text)
            start = max(0, (first.start() if first else 0) - width // 4)
            end = min(len(text), start + width)
            start = max(0, end - width)
            text = (
                ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
            )
        parts, last = [], 0
        for found in self._any.finditer(text):
            parts.append(escape(text[last : found.start()]))
            parts.append(f"<mark>{escape(found.group())}</mark>")
            last = found.end()
        parts.append(escape(text[last:]))
        return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def parse_query(raw: str, *, prefix: bool) -> tuple[Query | None, str]:
    """(the query, "") or (None, why it cannot be searched; "" for an empty box)."""
    text = " ".join((raw or "").split())[:MAX_LENGTH]
    if not text:
        return None, ""
    terms = tuple(dict.fromkeys(t.lower() for t in _TERM.findall(text)))[:MAX_TERMS]
    if len(text) < MIN_LENGTH or (terms and max(map(len, terms)) < MIN_LENGTH):
        return None, _(
            "Kata kunci terlalu pendek. Ketik paling sedikit %(n)s huruf atau angka."
        ) % {"n": MIN_LENGTH}
    if not terms:
        return None, _("Kata kunci harus memuat huruf atau angka.")
    return Query(text=text, terms=terms, prefix=prefix), ""
