"""Reviewing in place from the review queue: an inline preview of a file, approving
several versions at once, and the replies on a version. Thin: access → service →
response."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import client_ip
from zi_portal.core.parsing import whole_numbers

from . import previews, services_review
from .permissions import access_version
from .validation import EvidenceRefused

COMMENT_MAX_LENGTH = 4000


def _queue_url(request: HttpRequest) -> str:
    query = request.POST.get("query", "")
    return reverse("evidence:queue") + (f"?{query}" if query else "")


@xframe_options_sameorigin
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The file inline for the queue's "Pratinjau" (same access as the download); a
    type the browser cannot show safely gets a page pointing to the download."""
    version = access_version(request.user, pk)
    if not previews.previewable(version):
        return render(request, "evidence/preview_unavailable.html", {"v": version}, status=404)
    return previews.preview_response(version)


@require_POST
def approve_selected(request: HttpRequest) -> HttpResponse:
    """ "Setujui yang dipilih": every ticked version still waiting, one by one."""
    require(request.user, Action.REVIEW_EVIDENCE)
    ids = whole_numbers(request.POST.getlist("versions"))
    if not ids:
        messages.error(request, _("Pilih paling sedikit satu berkas untuk disetujui."))
        return redirect(_queue_url(request))
    result = services_review.evidence_approve_many(
        version_ids=ids,
        user=request.user,
        comment=request.POST.get("comment", "")[:COMMENT_MAX_LENGTH],
        ip=client_ip(request),
    )
    if result.approved:
        n = len(result.approved)
        messages.success(
            request, ngettext("%(n)s berkas disetujui.", "%(n)s berkas disetujui.", n) % {"n": n}
        )
    if result.refused:
        messages.error(
            request,
            _("Tidak disetujui: %(list)s")
            % {"list": "; ".join(f"{place} – {why}" for place, why in result.refused)},
        )
    if result.missing:
        messages.error(
            request,
            ngettext(
                "%(n)s berkas tidak ditemukan atau bukan dari unit Anda.",
                "%(n)s berkas tidak ditemukan atau bukan dari unit Anda.",
                result.missing,
            )
            % {"n": result.missing},
        )
    return redirect(_queue_url(request))


@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request.user, pk)
    try:
        services_review.version_reply_add(
            version=version,
            user=request.user,
            text=request.POST.get("text", ""),
            ip=client_ip(request),
        )
        messages.success(request, _("Balasan dikirim."))
    except EvidenceRefused as exc:
        messages.error(request, exc.message)
    if request.POST.get("next") == "queue":
        return redirect(_queue_url(request) + f"#antrean-{version.pk}")
    return redirect(reverse("evidence:item", args=[version.requirement_id]) + f"#v{version.number}")
