"""API plumbing shared by every app: one error shape for every refusal,
``{"error": {"code": "…", "message": "…"}}``, with the message in the user's language."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Refused


def error_response(code: str, message: str, http_status: int, details=None) -> Response:
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return Response(body, status=http_status)


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, Refused):
        return error_response(exc.code, exc.message, exc.status)
    if isinstance(exc, Http404):
        message = (
            exc.args[0] if exc.args and isinstance(exc.args[0], str) else _("Tidak ditemukan.")
        )
        return error_response("not_found", message, status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        message = str(exc) or _("Anda tidak memiliki hak untuk tindakan ini.")
        return error_response("forbidden", message, status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        code, message = (
            "not_authenticated",
            _("Masuk terlebih dahulu: kirim sesi yang sah atau header Authorization: Token …"),
        )
        if isinstance(exc, exceptions.AuthenticationFailed):
            code, message = (
                "authentication_failed",
                _(
                    "Token tidak valid: salah, kedaluwarsa atau sudah dicabut. Minta token "
                    "baru di halaman Token API atau lewat /api/v1/auth/token/."
                ),
            )
    elif isinstance(exc, exceptions.Throttled):
        code = "throttled"
        wait = int(exc.wait or 60)
        message = ngettext(
            "Terlalu banyak percobaan. Coba lagi dalam %(s)s detik.",
            "Terlalu banyak percobaan. Coba lagi dalam %(s)s detik.",
            wait,
        ) % {"s": wait}
    elif isinstance(exc, exceptions.ValidationError):
        code, message = "invalid", _first_message(exc.detail)
    elif isinstance(exc, exceptions.PermissionDenied):
        code, message = "forbidden", str(exc.detail)
    elif isinstance(exc, exceptions.NotFound):
        code, message = "not_found", str(exc.detail)
    elif isinstance(exc, exceptions.MethodNotAllowed):
        code, message = "method_not_allowed", str(exc.detail)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        code, message = "unsupported_media_type", str(exc.detail)
    else:
        code, message = getattr(exc, "default_code", "error"), _first_message(response.data)
    details = exc.detail if isinstance(exc, exceptions.ValidationError) else None
    response.data = {"error": {"code": code, "message": message}}
    if details:
        response.data["error"]["details"] = details
    return response
