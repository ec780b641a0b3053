"""Input the portal cannot read is refused with 400, never a 500.

- NUL characters (PostgreSQL's text refuses them) and bytes that are not UTF-8, in the
  path, the query string, a form body or a JSON body, are refused before any view runs.
- A NUL inside a page's multipart form is refused the same way; inside an API's
  multipart body, or any value the database refuses (``DataError``: a
  number out of range, text too long), that reaches a query is turned into the same 400
  when it is raised.

The answer has the shape of where it was asked: ``{"error": {"code", "message"}}`` under
``/api/v1/`` and the other portal APIs, PortalRB's ``{"error": true, "code", "message"}``
under ``/api/portalrb/``, and the portal's page elsewhere.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CODE = "bad_request"
FORM_TYPES = ("application/x-www-form-urlencoded", "application/json", "text/plain")


def _message() -> str:
    return _(
        "Permintaan tidak dapat dibaca: karakter NUL, teks yang bukan UTF-8 atau nilai di "
        "luar batas tidak diterima. Periksa isian atau alamatnya lalu kirim ulang."
    )


def _unreadable(raw: bytes) -> bool:
    """Percent-decoded ``raw`` holds a NUL or is not UTF-8."""
    decoded = unquote_to_bytes(raw)
    if b"\x00" in decoded:
        return True
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def bad_request(request: HttpRequest) -> HttpResponse:
    path = request.path_info or ""
    if path.startswith("/api/portalrb/"):
        body = {"error": True, "code": CODE, "message": _message()}
        return JsonResponse(body, status=400)
    if path.startswith("/api/"):
        return JsonResponse({"error": {"code": CODE, "message": _message()}}, status=400)
    return render(request, "400.html", {"message": _message()}, status=400)


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._unreadable(request):
            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _unreadable(request: HttpRequest) -> bool:
        if "\x00" in (request.path_info or ""):
            return True
        if _unreadable(request.META.get("QUERY_STRING", "").encode("latin-1", "replace")):
            return True
        content_type = (request.META.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if request.method in ("POST", "PUT", "PATCH") and content_type in FORM_TYPES:
            try:
                body = request.body  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
            except Exception:  # noqa: BLE001 - too large etc.: Django answers it later
                return False
            if content_type == "application/json":
                return b"\\u0000" in body or b"\x00" in body or _not_utf8(body)
            return _unreadable(body)
        if (
            request.method == "POST"
            and content_type == "multipart/form-data"
            and not (request.path_info or "").startswith("/api/")
        ):
            # Pages only: the CSRF check parses this form anyway. The API's own parser
            # reads its multipart body; a NUL there meets the database (below).
            return any("\x00" in value for value in _values(request.POST))
        return False

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DataError) or (
            isinstance(exception, ValueError) and "NUL" in str(exception)
        ):
            return bad_request(request)
        return None


def _not_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _values(data) -> list[str]:
    return [v for key in data for v in [key, *data.getlist(key)]]
