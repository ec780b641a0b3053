"""Reads of findings: the plan's findings for the list and the reports, the ones past
due for the dashboard and the reminder sweep, the target a finding form names, and
the evidence a follow-up may point to. A fixed number of queries each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from evidence.models import EvidenceVersion
from workplan.choices import AREA_ORDER, QUARTER_LABELS
from workplan.models import Activity, CommitmentCell, EvidenceRequirement, WorkPlan
from zi_portal.accounts.models import User
from zi_portal.core.parsing import whole_number
from zi_portal.core.periods import Deadline

from .choices import WAITING_FOR_OWNER
from .models import Finding

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


def finding_reminders(today: date) -> Iterator[tuple[Any, list[Finding]]]:
    """Every active owner with their findings past due (all plans), for the reminder
    sweep: ``(owner, [finding, …])`` pairs, owners by name, findings by due date,
    streamed (one owner's findings held at a time)."""
    rows = (
        _past_due(Finding.objects.filter(owner__is_active=True), today)
        .select_related("plan__unit", "area", "owner")
        .order_by("owner__name", "owner_id", "due_date", "pk")
    )
    owner, findings = None, []
    for finding in rows.iterator(chunk_size=2000):
        if owner is not None and finding.owner_id != owner.pk:
            yield owner, findings
            findings = []
        owner = finding.owner if not findings else owner
        findings.append(finding)
    if findings:
        yield owner, findings


def owner_choices(plan: WorkPlan) -> QuerySet[User]:
    """Who may own a finding of the plan: active people of its unit."""
    return User.objects.filter(is_active=True, unit_id=plan.unit_id)


def owner_of(plan: WorkPlan, raw: str) -> User | None:
    """The owner chosen on the form: a person of the plan's unit, active or not
    (``services.finding_record`` refuses an inactive one, saying so)."""
    pk = whole_number(raw)
    if pk is None:
        return None
    return User.objects.filter(unit_id=plan.unit_id, pk=pk).first()


def finding_target(plan: WorkPlan, data: Any) -> tuple[dict[str, Any], list[str]]:
    """The target a finding form names, within the plan: ({"cell"|"requirement"|
    "activity": obj}, errors)."""
    kind = data.get("sasaran", "")
    if kind == "sel":
        quarter, code = data.get("triwulan", ""), data.get("area", "").upper()
        if whole_number(quarter) not in QUARTER_LABELS or code not in AREA_ORDER:
            return {}, [_("Pilih triwulan dan area sel yang menjadi sasaran temuan.")]
        cell = (
            CommitmentCell.objects.filter(
                quarter__plan=plan, quarter__number=int(quarter), area__code=code
            )
            .select_related("quarter", "area")
            .first()
        )
        if cell is None:
            return {}, [
                _("Sel %(q)s · %(area)s tidak ada dalam rencana ini.")
                % {"q": QUARTER_LABELS[int(quarter)], "area": code}
            ]
        return {"cell": cell}, []
    if kind == "butir":
        raw = data.get("butir", "").strip().lstrip("#")
        requirement = (
            EvidenceRequirement.objects.filter(cell__quarter__plan=plan, pk=whole_number(raw))
            .select_related("cell__quarter", "cell__area")
            .first()
            if whole_number(raw) is not None
            else None
        )
        if requirement is None:
            return {}, [
                _("Butir bukti dukung #%(id)s tidak ada dalam rencana ini.") % {"id": raw or "—"}
            ]
        return {"requirement": requirement}, []
    if kind == "kegiatan":
        raw = data.get("kegiatan", "")
        activity = (
            Activity.objects.filter(pokja__plan=plan, pk=whole_number(raw))
            .select_related("pokja__area")
            .first()
            if whole_number(raw) is not None
            else None
        )
        if activity is None:
            return {}, [_("Pilih kegiatan yang menjadi sasaran temuan.")]
        return {"activity": activity}, []
    return {}, [_("Pilih sasaran temuan: sel matriks, butir bukti dukung, atau kegiatan.")]


def plan_activities(plan: WorkPlan) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(pokja__plan=plan)
        .select_related("pokja__area")
        .order_by("pokja__area__order", "number")
    )


def follow_up_choices(finding: Finding, limit: int = 50) -> list[EvidenceVersion]:
    """The versions a follow-up may point to: those already linked, then the area's
    newest (not withdrawn)."""
    linked = list(finding.follow_up_evidence.select_related("requirement__cell__quarter"))
    recent = (
        EvidenceVersion.objects.filter(
            requirement__cell__quarter__plan_id=finding.plan_id,
            requirement__cell__area_id=finding.area_id,
            withdrawn_at__isnull=True,
        )
        .select_related("requirement__cell__quarter")
        .order_by("-uploaded_at")[:limit]
    )
    return linked + [v for v in recent if v not in linked]
