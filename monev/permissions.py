"""Fetch a monitoring object for a user or refuse: 404 when it does not exist for the
user (or their unit), 403 with the reason when their role does not allow the action.
The rules live in ``zi_portal.accounts.permissions``."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from workplan.models import Activity, WorkPlan
from zi_portal.accounts.permissions import Action, require

from .choices import MessageStatus, ReportStatus
from .models import Message, Notification, Report


def access_activity(user: Any, plan: WorkPlan, pk: int, action: Action) -> Activity:
    """An activity of ``plan`` that the user may ``action`` (record its realisation)."""
    activity = (
        Activity.objects.in_unit(user)
        .select_related("pokja__area", "pokja__plan")
        .filter(pokja__plan=plan, pk=pk)
        .first()
    )
    if activity is None:
        raise Http404(_("Kegiatan tidak ditemukan."))
    require(user, action, activity.pokja)
    return activity


def access_ready_report(user: Any, pk: int) -> Report:
    """A built report of the user's unit, for download."""
    require(user, Action.DOWNLOAD_REPORTS)
    report = (
        Report.objects.restrict(user, Action.DOWNLOAD_REPORTS)
        .select_related("plan__unit")
        .filter(pk=pk, status=ReportStatus.READY)
        .first()
    )
    if report is None:
        raise Http404(_("Laporan ini tidak ada atau belum siap."))
    return report


def access_notification(user: Any, pk: int) -> Notification:
    """One of the user's own notifications."""
    note = Notification.objects.filter(pk=pk, recipient=user).first()
    if note is None:
        raise Http404(_("Notifikasi tidak ditemukan."))
    return note


def access_failed_message(user: Any, pk: int) -> Message:
    """An undelivered e-mail, for the Ketua Tim to send again."""
    require(user, Action.VIEW_SYSTEM_STATUS)
    message = (
        Message.objects.restrict(user, Action.VIEW_SYSTEM_STATUS)
        .select_related("recipient")
        .filter(pk=pk, status=MessageStatus.FAILED)
        .first()
    )
    if message is None:
        raise Http404(_("Pesan ini tidak ada atau tidak gagal terkirim."))
    return message
