"""Response headers decided by what a response is, not by which view made it.

- **Data** (a download: ``Content-Disposition: attachment``; a data type such as CSV,
  XLSX, JSON, PDF or ZIP; anything under ``/api/``) gets ``Cache-Control: private,
  no-store``: no browser cache, proxy or shared office computer keeps a copy of an
  evidence file, a report, an export or an API answer after it was shown.
- **HTML pages** get ``Cache-Control: private, no-cache`` unless the view chose its own
  (Django's ``never_cache`` on sign-in and the admin): no shared proxy stores them, and
  the browser asks the portal again before showing a page from its cache, so a status,
  a review or a signed-out session is never shown stale from the cache. Pages are not
  ``no-store`` so that Back/Forward stays instant on a phone; what is sensitive enough
  never to be written to disk is the data above.
- **Every HTML page** gets the Content-Security-Policy ``POLICY``: scripts, styles,
  fonts, frames and connections only from the portal itself, no inline script or style,
  no plugins, no framing, forms only to the portal. Templates therefore carry no
  ``<script>`` body, no ``on*=`` handler and no ``style=`` attribute (data reaches
  scripts through ``data-*`` attributes or ``json_script``, which is JSON and never
  run). A view that needs something else says so with ``@csp(...)``; a response that
  already has a policy (an evidence file: ``default-src 'none'; sandbox``) keeps it.

Static files never reach this middleware: WhiteNoise, above it, answers them with its
own long-lived caching (their names carry a content hash in production)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

# The portal's policy, one directive per entry (``csp`` overrides by directive name).
DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
DATA_NO_STORE = "private, no-store"
PAGE_NO_CACHE = "private, no-cache"
# Content types that are data, whatever the view: exports, reports, API answers, files.
DATA_TYPES = frozenset(
    {
        "application/json",
        "application/problem+json",
        "application/vnd.oai.openapi",
        "application/vnd.oai.openapi+json",
        "application/yaml",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/pdf",
        "application/zip",
        "application/octet-stream",
    }
)
API_PREFIX = "/api/"


def policy(**overrides: str) -> str:
    """The header value: ``DIRECTIVES`` with ``overrides`` (``style_src="'self' …"``)."""
    directives = {**DIRECTIVES, **{k.replace("_", "-"): v for k, v in overrides.items()}}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


POLICY = policy()


def csp(**overrides: str) -> Callable:
    """A view whose page needs a different policy, by directive (``script_src=…``). The
    rest of the portal's policy stays."""
    value = policy(**overrides)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response.headers["Content-Security-Policy"] = value
            return response

        return wrapped

    return decorator


def _content_type(response: HttpResponse) -> str:
    return response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


def is_data(request: HttpRequest, response: HttpResponse) -> bool:
    disposition = response.headers.get("Content-Disposition", "").lower()
    return (
        disposition.startswith("attachment")
        or _content_type(response) in DATA_TYPES
        or request.path.startswith(API_PREFIX)
    )


class SecurityHeadersMiddleware:
    """Cache-Control and Content-Security-Policy by response (see the module docstring).
    Sits right below WhiteNoise, so static files are not touched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        headers = response.headers
        if is_data(request, response):
            if "no-store" not in headers.get("Cache-Control", ""):
                headers["Cache-Control"] = DATA_NO_STORE
        elif _content_type(response) == "text/html":
            headers.setdefault("Cache-Control", PAGE_NO_CACHE)
        if _content_type(response) == "text/html":
            headers.setdefault("Content-Security-Policy", POLICY)
        return response
