"""Parts of pages cached as rendered HTML (the review queue's rows, the LKE area page):
what their keys share and how a cached text becomes the requester's own. A cached text
holds ``CSRF_MARK`` where its forms' CSRF token goes; ``personal`` puts the token of
the request in its place. The sources of the templates a part is made of belong in its
key (``templates_digest``), so that a release changing them never serves parts that
the old templates rendered."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

# Letters and digits only: the mark passes HTML escaping unchanged.
CSRF_MARK = "ZIcsrfMARK7f3c9a"
# Entries are never stale (new content makes a new key); the timeout only frees space.
FRAGMENT_TIMEOUT = 24 * 3600


@lru_cache(maxsize=32)
def templates_digest(names: tuple[str, ...]) -> str:
    """A short digest of the sources of the templates ``names`` (once per process)."""
    sources = (get_template(name).template.source for name in names)
    return hashlib.sha1("\0".join(sources).encode(), usedforsecurity=False).hexdigest()[:12]


def digest(parts: object) -> str:
    """A key-sized digest of ``parts`` (their ``repr``)."""
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()


def personal(html: str, request: HttpRequest, **marks: str) -> SafeString:
    """``html``, rendered by the portal's templates and cached, with the request's CSRF
    token in place of ``CSRF_MARK`` and each further mark replaced by its value (which
    the caller has escaped)."""
    values = {CSRF_MARK: _token(request), **marks}
    # One pass, so that a value holding a mark's letters (a name, a search) stays as is.
    html = _pattern(tuple(values)).sub(lambda found: values[found.group()], html)
    return mark_safe(html)  # noqa: S308 - the portal's own autoescaped rendering


def _token(request: HttpRequest | None) -> str:
    """The request's CSRF token, masked once per request as a template's ``csrf_token``
    is (masking draws 32 random letters: per cached row of a page of 50 it took 5 ms)."""
    if request is None:
        return ""
    token = getattr(request, "_zi_csrf_token", None)
    if token is None:
        token = request._zi_csrf_token = get_token(request)
    return token


@lru_cache(maxsize=64)
def _pattern(marks: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(mark) for mark in marks))
