"""The three endpoints KemenPAN-RB's PortalRB pulls (Panduan Teknis API Integrasi ZI
v1.0.0, 2026), under ``/api/portalrb/``:

- ``GET pengusulan/unit-wbk``  and ``GET pengusulan/unit-wbbm``: the proposed units;
- ``GET lke/jawaban-unit/{unit_id}``: one unit's LKE answers, one entry per master soal.

Bearer tokens issued by the Ketua Tim (only their SHA-256 is stored); a token reads its
issuer's unit only (a token the operator issues on the command line, every unit). Every non-2xx
answer is the guide's ``{"error": true, "code": …, "message": …}``; messages are in
Indonesian, the guide's language. Every call with a valid token is logged in
``PortalRBRequest``, which is also the rate limit's window, so all web processes count
the same calls; refused calls are counted per minute in ``PortalRBRefusal``.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from zi_portal.core.audit import client_ip

from . import exchange, selectors, services
from .models import Category, PortalRBToken

log = logging.getLogger(__name__)

UNIT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
WINDOW = timedelta(seconds=60)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error(status: int, code: str, message: str, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"error": True, "code": code, "message": message}, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def rate_limit() -> int:
    return settings.ZI_PORTALRB_RATE_PER_MINUTE


def _retry_after(seconds: int) -> ApiError:
    return ApiError(
        429,
        "RATE_LIMITED",
        f"Batas {rate_limit()} permintaan per menit terlampaui. Coba lagi dalam {seconds} detik.",
        {"Retry-After": str(seconds)},
    )


def _throttle(token: PortalRBToken) -> None:
    """At most ``rate_limit()`` calls per token in any 60 seconds."""
    calls = selectors.portalrb_calls(token=token, since=timezone.now() - WINDOW)
    if calls.count() >= rate_limit():
        oldest = calls.order_by("at").values_list("at", flat=True).first() or timezone.now()
        raise _retry_after(max(1, int((oldest + WINDOW - timezone.now()).total_seconds()) + 1))


def _throttle_refused(ip: str | None) -> None:
    """At most ``rate_limit()`` refused authentications per client address and clock
    minute (counted in ``PortalRBRefusal``, one row per minute however many)."""
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    if selectors.portalrb_refused_this_minute(ip=ip, minute=minute) >= rate_limit():
        raise _retry_after(max(1, int((minute + WINDOW - now).total_seconds()) + 1))


def _authenticate(request) -> PortalRBToken:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, raw = header.partition(" ")
    token = None
    if scheme.lower() == "bearer" and raw.strip():
        token = selectors.portalrb_token(raw.strip())
    if token is None or not token.active:
        _throttle_refused(client_ip(request))
        message = (
            "Token tidak dikirimkan. Sertakan header Authorization: Bearer <token>."
            if not header
            else "Token tidak valid atau sudah dicabut."
        )
        raise ApiError(401, "UNAUTHORIZED", message, {"WWW-Authenticate": 'Bearer realm="zi"'})
    return token


def portalrb_endpoint(view):
    """Authentication, rate limit, logging and the guide's error format for one view."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = None
        try:
            if request.method != "GET":
                _throttle_refused(client_ip(request))
                raise ApiError(
                    405,
                    "METHOD_NOT_ALLOWED",
                    "Endpoint ini hanya menerima GET.",
                    {"Allow": "GET"},
                )
            token = _authenticate(request)
            _throttle(token)
            response = JsonResponse(view(request, token, *args, **kwargs))
        except ApiError as exc:
            response = error(exc.status, exc.code, exc.message, exc.headers)
        except Exception:
            log.exception("PortalRB endpoint failed")
            response = error(500, "INTERNAL_ERROR", "Terjadi kesalahan di sisi instansi.")
        services.portalrb_call_record(
            token=token,
            path=request.get_full_path(),
            status=response.status_code,
            ip=client_ip(request),
        )
        response["Cache-Control"] = "no-store"
        return response

    return login_not_required(csrf_exempt(wrapper))


def _year(request, token: PortalRBToken) -> int:
    """``?tahun=`` if given, else the newest year with a proposal the token may read."""
    raw = request.GET.get("tahun")
    if raw is not None:
        if not re.fullmatch(r"\d{4}", raw) or not 2000 <= int(raw) <= 2100:
            raise ApiError(
                422,
                "VALIDATION_ERROR",
                "Parameter tahun harus tahun empat digit antara 2000 dan 2100, mis. 2026.",
            )
        year = int(raw)
        if not selectors.portalrb_year_known(token=token, year=year):
            raise ApiError(404, "DATA_NOT_FOUND", f"Data pengusulan tahun {year} belum tersedia.")
        return year
    year = selectors.newest_proposal_year(token=token)
    if year is None:
        raise ApiError(404, "DATA_NOT_FOUND", "Data pengusulan untuk instansi ini belum tersedia.")
    return year


def _units(request, token: PortalRBToken, categories) -> dict:
    year = _year(request, token)
    proposals = selectors.proposals_of(token=token, year=year, categories=categories)
    return {
        "tahun": year,
        "units": [
            {
                "id": p.unit.code,
                "nama": p.unit.name,
                "kategori": p.category,
                "afirmasi": p.afirmasi,
            }
            for p in proposals
        ],
    }


@portalrb_endpoint
def unit_wbk(request, token: PortalRBToken):
    return _units(request, token, [Category.WBK, Category.WBK_AFIRMASI])


@portalrb_endpoint
def unit_wbbm(request, token: PortalRBToken):
    return _units(request, token, [Category.WBBM])


@portalrb_endpoint
def jawaban_unit(request, token: PortalRBToken, unit_id: str):
    if not UNIT_ID_RE.match(unit_id):
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "unit_id tidak valid: gunakan id dari daftar unit-wbk atau unit-wbbm.",
        )
    year = _year(request, token)
    unit = selectors.unit_by_code(token=token, code=unit_id)
    if unit is None:
        raise ApiError(404, "DATA_NOT_FOUND", f"Unit {unit_id} tidak ditemukan.")
    if not selectors.is_proposed(unit=unit, year=year):
        raise ApiError(
            403,
            "FORBIDDEN",
            f"Unit {unit_id} tidak diusulkan pada tahun {year}; jawabannya tidak dibagikan.",
        )
    master = selectors.master_for_year(year)
    if master is None:
        raise ApiError(404, "DATA_NOT_FOUND", f"Master soal LKE tahun {year} belum tersedia.")
    return exchange.jawaban_unit(unit=unit, master=master)
