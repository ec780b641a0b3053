"""Two-step sign-in required by role: a person whose role asks for it (``ZI_MFA_REQUIRED_ROLES``,
and every staff account) and who has not set up an authenticator app is sent to set it
up before any other page; the API answers 403 until then. Once set up, allauth asks for
the code at every sign-in."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .permissions import user_roles

# Where a person without the second step may still go: sign-in, sign-out and the MFA
# pages themselves (all under /akun/), the language switch, static files.
OPEN_PREFIXES = ("/akun/", "/i18n/", "/static/")


def mfa_required(user) -> bool:
    if not settings.ZI_MFA_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    wanted = set(settings.ZI_MFA_REQUIRED_ROLES)
    return bool({str(role) for role in user_roles(user)} & wanted)


def mfa_missing(user) -> bool:
    """The person must have a second step and has none."""
    return mfa_required(user) and not has_second_step(user)


def has_second_step(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def api_message() -> str:
    return _("Aktifkan autentikasi dua langkah (TOTP) di portal sebelum memakai API.")


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info or ""
        if not path.startswith(OPEN_PREFIXES) and mfa_missing(request.user):
            if path.startswith("/api/"):
                body = {
                    "error": {
                        "code": "mfa_required",
                        "message": api_message(),
                    }
                }
                return JsonResponse(body, status=403)
            messages.warning(
                request,
                _(
                    "Peran Anda mewajibkan autentikasi dua langkah. Pindai kode QR dengan "
                    "aplikasi autentikator, lalu masukkan kodenya."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
