"""Notification pages: the list with its unread count, marking read, the digest
preference, and (for the Ketua Tim) re-sending a failed e-mail."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi_portal.accounts.permissions import Action, require

from . import services
from .choices import MessageStatus
from .models import Message, Notification


def notification_list(request: HttpRequest) -> HttpResponse:
    notes = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(notes, 30).get_page(request.GET.get("hal"))
    return render(
        request,
        "monev/notification_list.html",
        {"page": page, "nav_active": "notifications", "query": ""},
    )


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=note.pk)
    target = note.url or ""
    if request.POST.get("open") and target:
        path = "/" + target.split("://", 1)[-1].split("/", 1)[-1] if "://" in target else target
        if url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
            return redirect(path)
    return redirect("monev:notifications")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_read(user=request.user)
    messages.success(request, _("%(n)s notifikasi ditandai sudah dibaca.") % {"n": count})
    return redirect("monev:notifications")


def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        receive = request.POST.get("receive_digest") == "on"
        services.digest_preference_set(user=request.user, receive=receive)
        messages.success(
            request,
            _("Ringkasan mingguan akan dikirim.")
            if receive
            else _(
                "Ringkasan mingguan tidak akan dikirim lagi. Pemberitahuan keterlambatan "
                "butir milik Anda tetap dikirim."
            ),
        )
        return redirect("monev:preferences")
    return render(request, "monev/preferences.html", {"nav_active": "notifications"})


@require_POST
def message_resend(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_SYSTEM_STATUS)
    message = get_object_or_404(Message, pk=pk, status=MessageStatus.FAILED)
    services.message_requeue(message=message)
    messages.success(
        request,
        _("Pesan untuk %(who)s dimasukkan kembali ke antrean.") % {"who": message.recipient.name},
    )
    return redirect("system_status")
