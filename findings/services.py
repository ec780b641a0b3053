"""Writes of findings: recording a finding, the owner's follow-up, a reviewer's decision.
Each is checked, runs in one transaction and adds an audit event.

A finding's life::

    open ──owner──▶ in_progress ──owner──▶ done (closed_at set)
      │                 │                    │
      └──reviewer: not accepted (reason)─────┴──▶ not_accepted (closed_at set)
    done / not_accepted ──reviewer: reopen──▶ open (closed_at and reason cleared)

The owner (or the Ketua Tim) records the follow-up; the reviewers (Ketua Tim, Kepala
Pusbang, Asesor TPI) record findings, mark them not accepted with a reason, or reopen
them. Only ``open`` and ``in_progress`` findings wait for the owner, so only those can
be late (``selectors.is_past_due``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import EvidenceVersion
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction
from zi_portal.core.errors import Refused

from .choices import FOLLOW_UP_STATUSES, WAITING_FOR_OWNER, FindingStatus
from .models import Finding


class FindingRefused(Refused):
    """A finding change was refused; ``message`` is for the person who tried."""


def _audit(finding: Finding, user: Any, ip: str | None, action: str, before: str) -> None:
    audit_record(
        actor=user,
        ip=ip,
        action=action,
        obj=finding,
        requirement=finding.requirement,
        area=finding.area,
        subject_user=finding.owner,
        summary=f"Temuan #{finding.pk}: {finding.get_status_display()}",
        before={"status": before},
        after={"status": finding.status},
    )


def _target_area(plan: Any, *, cell: Any, requirement: Any, activity: Any):
    targets = [t for t in (cell, requirement, activity) if t is not None]
    if len(targets) != 1:
        raise FindingRefused(
            _("Pilih tepat satu sasaran temuan: sel matriks, butir bukti dukung, atau kegiatan.")
        )
    if cell is not None:
        plan_id, area = cell.quarter.plan_id, cell.area
    elif requirement is not None:
        plan_id, area = requirement.cell.quarter.plan_id, requirement.cell.area
    else:
        plan_id, area = activity.pokja.plan_id, activity.pokja.area
    if plan_id != plan.pk:
        raise FindingRefused(_("Sasaran temuan tidak termasuk rencana kerja ini."))
    return area


def _check_owner(plan: Any, owner: Any) -> None:
    if owner is None or not owner.is_active:
        raise FindingRefused(_("Pilih penanggung jawab dari pengguna yang aktif."))
    if owner.unit_id is not None and owner.unit_id != plan.unit_id:
        raise FindingRefused(_("Penanggung jawab harus dari unit kerja rencana ini."))


@transaction.atomic
def finding_record(
    *,
    plan: Any,
    user: Any,
    description: str,
    recommendation: str,
    owner: Any,
    due_date: date | None,
    cell: Any = None,
    requirement: Any = None,
    activity: Any = None,
    ip: str | None = None,
) -> Finding:
    """Record a finding on exactly one target (a cell, an evidence item or an
    activity); its area is the target's."""
    require(user, Action.RECORD_FINDING)
    area = _target_area(plan, cell=cell, requirement=requirement, activity=activity)
    description, recommendation = (description or "").strip(), (recommendation or "").strip()
    if not description:
        raise FindingRefused(_("Tuliskan temuannya."))
    if not recommendation:
        raise FindingRefused(_("Tuliskan rekomendasi tindakan."))
    _check_owner(plan, owner)
    if due_date is None:
        raise FindingRefused(_("Isi batas tindak lanjut."))
    if due_date < timezone.localdate():
        raise FindingRefused(_("Batas tindak lanjut tidak boleh sebelum hari ini."))
    finding = Finding(
        plan=plan,
        cell=cell,
        requirement=requirement,
        activity=activity,
        area=area,
        description=description,
        recommendation=recommendation,
        owner=owner,
        due_date=due_date,
        status=FindingStatus.OPEN,
        created_by=user,
    )
    finding.full_clean()
    finding.save()
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.FINDING_RECORD,
        obj=finding,
        requirement=requirement,
        area=area,
        subject_user=owner,
        summary=f"Temuan #{finding.pk} {area.code}: {description[:200]}",
        after={"owner": owner.email, "due_date": due_date.isoformat()},
    )
    return finding


def finding_follow_up(
    *,
    finding: Finding,
    user: Any,
    follow_up: str,
    evidence_ids: Iterable[int] = (),
    status: str,
    ip: str | None = None,
) -> Finding:
    """The owner (or the Ketua Tim) reports the follow-up: ``in_progress`` or ``done``,
    the text, and evidence versions of the same plan (the selection replaces the
    previous one). ``done`` closes the finding."""
    require(user, Action.FOLLOW_UP_FINDING, finding)
    if status not in FOLLOW_UP_STATUSES:
        raise FindingRefused(_("Pilih status tindak lanjut: Dalam proses atau Selesai."))
    follow_up = (follow_up or "").strip()
    if not follow_up:
        raise FindingRefused(_("Tuliskan tindak lanjut yang sudah dilakukan."))
    ids = {int(i) for i in evidence_ids}
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status not in WAITING_FOR_OWNER:
            raise FindingRefused(
                _(
                    "Temuan ini sudah ditutup (%(status)s). Tindak lanjut baru dapat dicatat "
                    "setelah temuan dibuka kembali oleh peninjau."
                )
                % {"status": finding.get_status_display()}
            )
        versions = list(
            EvidenceVersion.objects.filter(
                pk__in=ids, requirement__cell__quarter__plan_id=finding.plan_id
            )
        )
        if len(versions) != len(ids):
            raise FindingRefused(_("Bukti dukung yang dipilih tidak termasuk rencana kerja ini."))
        before = finding.status
        finding.status = status
        finding.follow_up = follow_up
        finding.closed_at = timezone.now() if status == FindingStatus.DONE else None
        finding.full_clean()
        finding.save()
        finding.follow_up_evidence.set(versions)
        _audit(finding, user, ip, AuditAction.FINDING_FOLLOW_UP, before)
    return finding


def finding_decide(
    *, finding: Finding, user: Any, accept: bool, reason: str = "", ip: str | None = None
) -> Finding:
    """A reviewer's decision. ``accept=False`` marks the finding not accepted (a reason
    is required; it closes the finding); ``accept=True`` reopens a done or not-accepted
    finding for its owner."""
    require(user, Action.RECORD_FINDING)
    reason = (reason or "").strip()
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        before = finding.status
        if accept:
            if finding.status in WAITING_FOR_OWNER:
                raise FindingRefused(_("Temuan ini masih terbuka; tidak ada yang dibuka kembali."))
            finding.status = FindingStatus.OPEN
            finding.rejection_reason = ""
            finding.closed_at = None
        else:
            if finding.status == FindingStatus.NOT_ACCEPTED:
                raise FindingRefused(_("Temuan ini sudah ditandai tidak diterima."))
            if not reason:
                raise FindingRefused(_("Tuliskan alasan mengapa tindak lanjut tidak diterima."))
            finding.status = FindingStatus.NOT_ACCEPTED
            finding.rejection_reason = reason
            finding.closed_at = timezone.now()
        finding.full_clean()
        finding.save()
        _audit(finding, user, ip, AuditAction.FINDING_DECIDE, before)
    return finding
