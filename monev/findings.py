"""Monitoring findings (*temuan*) and the areas' narratives: the writes (services) and
the reads (selectors) behind the findings pages, the annual report and the reminder
sweep.

A finding's life::

    open ──owner──▶ in_progress ──owner──▶ done (closed_at set)
      │                 │                    │
      └──reviewer: not accepted (reason)─────┴──▶ not_accepted (closed_at set)
    done / not_accepted ──reviewer: reopen──▶ open (closed_at and reason cleared)

The owner (or the Ketua Tim) records the follow-up; the reviewers (Ketua Tim, Kepala
Pusbang, Asesor TPI) record findings, mark them not accepted with a reason, or reopen
them. Only ``open`` and ``in_progress`` findings wait for the owner, so only those can
be overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import EvidenceVersion
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.errors import Refused
from zi_portal.core.periods import Deadline

from .choices import FindingStatus
from .models import AreaNarrative, Finding

# Statuses in which a finding waits for its owner's follow-up.
WAITING_FOR_OWNER = (FindingStatus.OPEN, FindingStatus.IN_PROGRESS)
# What the owner may report.
FOLLOW_UP_STATUSES = (FindingStatus.IN_PROGRESS, FindingStatus.DONE)
NARRATIVE_MAX_CHARS = 20_000
# What a finding's list row and page show, fetched with it.
FINDING_RELATIONS = (
    "area",
    "owner",
    "created_by",
    "cell__quarter",
    "cell__area",
    "requirement__cell__quarter",
    "activity__pokja",
)


class FindingRefused(Refused):
    """A finding or narrative change was refused; ``message`` is for the person who tried."""


# --- selectors -------------------------------------------------------------------------


def findings_for(
    plan: Any, *, status: str | None = None, area: Any = None, owner: Any = None
) -> QuerySet[Finding]:
    """The plan's findings, optionally of one status, area (a ChangeArea or its code) and
    owner (a user or its id), with everything the list and the reports show loaded in a
    fixed number of queries."""
    rows = Finding.objects.filter(plan=plan)
    if status:
        rows = rows.filter(status=status)
    if area:
        rows = rows.filter(area__code=area) if isinstance(area, str) else rows.filter(area=area)
    if owner:
        rows = rows.filter(owner=owner)
    return rows.select_related("plan", *FINDING_RELATIONS).prefetch_related("follow_up_evidence")


def is_past_due(finding: Finding, today: date) -> bool:
    """Does the finding still wait for its owner after its follow-up deadline?"""
    return finding.status in WAITING_FOR_OWNER and finding.deadline.is_overdue(today)


def _past_due(rows: QuerySet[Finding], today: date) -> QuerySet[Finding]:
    """``is_past_due`` as a database filter."""
    return rows.filter(status__in=WAITING_FOR_OWNER, due_date__lte=Deadline.overdue_cutoff(today))


def findings_past_due(plan: Any, today: date) -> QuerySet[Finding]:
    """The plan's findings whose follow-up is past due."""
    return _past_due(findings_for(plan), today)


def finding_reminders(today: date) -> list[tuple[Any, list[Finding]]]:
    """Every active owner with their overdue findings (all plans), for the reminder
    sweep: ``[(owner, [finding, …]), …]``, owners by name, findings by due date.
    Reads only."""
    rows = (
        _past_due(Finding.objects.filter(owner__is_active=True), today)
        .select_related("plan__unit", "area", "owner")
        .order_by("owner__name", "owner_id", "due_date", "pk")
    )
    grouped: dict[int, tuple[Any, list[Finding]]] = {}
    for finding in rows:
        grouped.setdefault(finding.owner_id, (finding.owner, []))[1].append(finding)
    return list(grouped.values())


def narrative_for(plan: Any, area: Any) -> AreaNarrative:
    """The area's narrative for the plan's year (an unsaved, empty one if none yet)."""
    narrative = AreaNarrative.objects.filter(plan=plan, area=area).first()
    return narrative or AreaNarrative(plan=plan, area=area)


# --- services --------------------------------------------------------------------------


def _target_area(plan: Any, *, cell: Any, requirement: Any, activity: Any):
    targets = [t for t in (cell, requirement, activity) if t is not None]
    if len(targets) != 1:
        raise FindingRefused(
            _("Pilih tepat satu sasaran temuan: sel matriks, butir evidence, atau kegiatan.")
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
    return finding


def finding_follow_up(
    *,
    finding: Finding,
    user: Any,
    follow_up: str,
    evidence_ids: Iterable[int] = (),
    status: str,
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
            raise FindingRefused(_("Evidence yang dipilih tidak termasuk rencana kerja ini."))
        finding.status = status
        finding.follow_up = follow_up
        finding.closed_at = timezone.now() if status == FindingStatus.DONE else None
        finding.full_clean()
        finding.save()
        finding.follow_up_evidence.set(versions)
    return finding


def finding_decide(*, finding: Finding, user: Any, accept: bool, reason: str = "") -> Finding:
    """A reviewer's decision. ``accept=False`` marks the finding not accepted (a reason
    is required; it closes the finding); ``accept=True`` reopens a done or not-accepted
    finding for its owner."""
    require(user, Action.RECORD_FINDING)
    reason = (reason or "").strip()
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
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
    return finding


def narrative_save(*, pokja: Any, user: Any, good_practice: str, impact: str) -> AreaNarrative:
    """Save the area's good-practice and impact narratives for the plan's year."""
    require(user, Action.WRITE_NARRATIVE, pokja)
    good_practice, impact = (good_practice or "").strip(), (impact or "").strip()
    if len(good_practice) > NARRATIVE_MAX_CHARS or len(impact) > NARRATIVE_MAX_CHARS:
        raise FindingRefused(
            _("Narasi terlalu panjang: paling banyak %(n)s karakter per isian.")
            % {"n": NARRATIVE_MAX_CHARS}
        )
    with transaction.atomic():
        AreaNarrative.objects.get_or_create(plan_id=pokja.plan_id, area_id=pokja.area_id)
        narrative = AreaNarrative.objects.select_for_update().get(
            plan_id=pokja.plan_id, area_id=pokja.area_id
        )
        narrative.good_practice = good_practice
        narrative.impact = impact
        narrative.updated_by = user
        narrative.full_clean()
        narrative.save()
    return narrative
