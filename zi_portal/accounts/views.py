"""A person's own API tokens (list, make one, revoke one) and switching their unit."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi_portal.core.audit import client_ip
from zi_portal.core.parsing import whole_number

from . import services, units
from .models import ApiToken

SESSION_NEW_TOKEN = "api_new_token"  # noqa: S105 - a session key, not a secret


def api_tokens(request: HttpRequest) -> HttpResponse:
    context = {
        "tokens": ApiToken.objects.of(request.user),
        # Shown once: the token waits in the session from the POST to this page.
        "new_token": request.session.pop(SESSION_NEW_TOKEN, None),
        "nav_active": "api_tokens",
    }
    response = render(request, "accounts/api_tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    name = (request.POST.get("name") or "").strip()
    if not name or len(name) > 100:
        messages.error(request, _("Nama token wajib diisi (paling banyak 100 karakter)."))
        return redirect("api_tokens")
    raw = services.api_token_for(user=request.user, name=name, ip=client_ip(request))
    request.session[SESSION_NEW_TOKEN] = raw
    messages.success(request, _("Token dibuat. Salin sekarang: token tidak ditampilkan lagi."))
    return redirect("api_tokens")


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.of(request.user), pk=pk)
    if services.api_token_revoke(token=token, user=request.user, ip=client_ip(request)):
        messages.success(request, _("Token dicabut. Program yang memakainya akan menerima 401."))
    else:
        messages.info(request, _("Token sudah dicabut sebelumnya."))
    return redirect("api_tokens")


@require_POST
def unit_switch(request: HttpRequest) -> HttpResponse:
    """Work in another of one's units (the header's unit list); then that unit's plan."""
    unit_id = whole_number(request.POST.get("unit"))
    if unit_id is None:
        messages.error(request, _("Pilih unit kerja dari daftar unit Anda."))
        return redirect("home")
    unit = units.unit_switch(user=request.user, unit_id=unit_id, ip=client_ip(request))
    messages.success(request, _("Sekarang Anda bekerja di %(unit)s.") % {"unit": unit.name})
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/"):
        return redirect(target)  # e.g. the recap's "Buka LKE": that unit's LKE
    return redirect("home")
