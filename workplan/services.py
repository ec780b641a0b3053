"""Writes to the work plan: importing a plan document, editing activity months,
managing pokja members and PIC assignment."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import Action, require, user_roles
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import roles_ensure
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction
from zi_portal.core.errors import Refused
from zi_portal.core.periods import quarter_last_day

from .choices import AREA_ORDER, AreaCode
from .models import (
    Activity,
    ChangeArea,
    CommitmentCell,
    EvidenceRequirement,
    MonitoredOutput,
    Pokja,
    PokjaMember,
    PriorityTarget,
    ProgrammeItem,
    Quarter,
    Unit,
    WorkPlan,
    default_grace_days,
)

PLAN_FORMAT = "zi-portal-plan/1"


class PlanImportError(ValueError):
    """The plan file cannot be imported; the message says why, for the operator."""


@transaction.atomic
def change_areas_ensure() -> dict[str, ChangeArea]:
    """The six canonical change areas exist (idempotent)."""
    areas = {}
    for order, code in enumerate(AreaCode, start=1):
        area, _created = ChangeArea.objects.update_or_create(
            code=code.value, defaults={"name": code.label, "order": order}
        )
        areas[code.value] = area
    return areas


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _bulk_save(objs: list, *, parents: list[str], key=None) -> dict:
    """Validate ``objs`` (new rows of one model under the plan being imported), insert
    them in one query and return them by ``key`` (with their primary keys).

    ``full_clean`` checks every value the plan file provides (lengths, dates, months,
    sub-points) but not the ``parents`` (foreign keys to rows this import has just
    created or read) nor uniqueness: a per-row unique check would query for rows of a
    plan that did not exist a moment ago and cannot see duplicates within the batch.
    The database constraints refuse duplicates instead, and the IntegrityError undoes
    the whole import (``plan_import`` is one transaction).
    """
    for obj in objs:
        obj.full_clean(exclude=parents, validate_unique=False, validate_constraints=False)
    if objs and connection.features.can_return_rows_from_bulk_insert:
        type(objs[0]).objects.bulk_create(objs)
    else:  # SQLite before 3.35 cannot return the new keys from a bulk insert
        for obj in objs:
            obj.save()
    return {key(obj): obj for obj in objs} if key else {}


def _check_structure(data: dict[str, Any]) -> None:
    if data.get("format") != PLAN_FORMAT:
        raise PlanImportError(
            f"Unknown plan format {data.get('format')!r}; expected {PLAN_FORMAT}."
        )
    for key in ("unit", "plan", "quarters", "areas", "cells", "activities"):
        if key not in data:
            raise PlanImportError(f"The plan file has no {key!r} section.")
    numbers = sorted(q["number"] for q in data["quarters"])
    if numbers != [1, 2, 3, 4]:
        raise PlanImportError(f"The plan must have quarters 1-4, found {numbers}.")
    codes = [a["code"] for a in data["areas"]]
    if sorted(codes) != sorted(AREA_ORDER):
        raise PlanImportError(f"The plan must have the six areas {AREA_ORDER}, found {codes}.")
    seen = set()
    for cell in data["cells"]:
        key = (cell["quarter"], cell["area"])
        if key in seen:
            raise PlanImportError(f"Cell {key} appears twice.")
        if cell["area"] not in AREA_ORDER or cell["quarter"] not in (1, 2, 3, 4):
            raise PlanImportError(f"Cell {key} names an unknown quarter or area.")
        seen.add(key)


@transaction.atomic
def plan_import(*, data: dict[str, Any], replace: bool = False) -> tuple[WorkPlan, bool]:
    """Create a unit's plan from a ``zi-portal-plan/1`` document (see fixtures/).

    Returns ``(plan, created)``. An existing plan for the same unit and year is left
    untouched unless ``replace`` is given, in which case it is deleted and rebuilt
    (only for a plan that has no uploads yet: the database refuses otherwise).
    Runs in one transaction: a bad file leaves nothing behind.
    """
    _check_structure(data)
    areas = change_areas_ensure()
    unit_data = data["unit"]
    unit, _created = Unit.objects.get_or_create(
        code=unit_data["code"],
        defaults={
            "name": unit_data["name"],
            "short_name": unit_data.get("short_name", ""),
            "parent_name": unit_data.get("parent_name", ""),
        },
    )
    plan_data = data["plan"]
    year = int(plan_data["year"])
    existing = WorkPlan.objects.filter(unit=unit, year=year).first()
    if existing is not None:
        if not replace:
            return existing, False
        existing.delete()

    plan = _save(
        WorkPlan(
            unit=unit,
            year=year,
            title=plan_data["title"],
            signatory_name=plan_data.get("signatory_name", ""),
            signatory_title=plan_data.get("signatory_title", ""),
            signed_place=plan_data.get("signed_place", ""),
            signed_on=date.fromisoformat(plan_data["signed_on"])
            if plan_data.get("signed_on")
            else None,
            source=data.get("source", ""),
            assumptions=data.get("assumptions", []),
        )
    )
    # The rows below belong to the new plan, so they are validated in memory and written
    # with one insert per table (see _bulk_save).
    quarters = _bulk_save(
        [
            Quarter(
                plan=plan,
                number=int(q["number"]),
                focus=q["focus"],
                due_date=date.fromisoformat(q["due_date"])
                if q.get("due_date")
                else quarter_last_day(year, int(q["number"])),
                grace_days=q.get("grace_days", default_grace_days()),
            )
            for q in data["quarters"]
        ],
        parents=["plan"],
        key=lambda q: q.number,
    )
    pokjas = _bulk_save(
        [Pokja(plan=plan, area=areas[a["code"]], name=a["pokja_name"]) for a in data["areas"]],
        parents=["plan", "area"],
        key=lambda p: p.area.code,
    )
    ProgrammeItem.objects.bulk_create(
        [
            ProgrammeItem(
                pokja=pokjas[a["code"]], order=i, letter=item["letter"], text=item["text"]
            )
            for a in data["areas"]
            for i, item in enumerate(a["programme_items"], start=1)
        ]
    )
    PriorityTarget.objects.bulk_create(
        [
            PriorityTarget(
                pokja=pokjas[a["code"]], order=i, letter=item["letter"], text=item["text"]
            )
            for a in data["areas"]
            for i, item in enumerate(a["priority_targets"], start=1)
        ]
    )
    users_by_name = _people_of(unit.pk)
    cells = _bulk_save(
        [
            CommitmentCell(
                quarter=quarters[c["quarter"]],
                area=areas[c["area"]],
                pic_name=c.get("pic", ""),
                pic=users_by_name.get(c.get("pic", "")),
            )
            for c in data["cells"]
        ],
        # pic is one of the active users just read.
        parents=["quarter", "area", "pic"],
        key=lambda c: (c.quarter.number, c.area.code),
    )
    MonitoredOutput.objects.bulk_create(
        [
            MonitoredOutput(
                cell=cells[(c["quarter"], c["area"])],
                order=i,
                text=o["text"],
                sub_points=o.get("sub_points", []),
            )
            for c in data["cells"]
            for i, o in enumerate(c["outputs"], start=1)
        ]
    )
    EvidenceRequirement.objects.bulk_create(
        [
            EvidenceRequirement(
                cell=cells[(c["quarter"], c["area"])],
                order=i,
                text=e["text"],
                sub_points=e.get("sub_points", []),
            )
            for c in data["cells"]
            for i, e in enumerate(c["evidence_items"], start=1)
        ]
    )
    _bulk_save(
        [
            Activity(
                pokja=pokjas[act["area"]],
                number=int(act["number"]),
                name=act["activity"],
                output=act["output"],
                months=sorted(act.get("months", [])),
                months_assumed=bool(act.get("months_assumed", True)),
            )
            for act in data["activities"]
        ],
        parents=["pokja"],
    )
    return plan, True


def plan_import_file(*, path: str | Path, replace: bool = False) -> tuple[WorkPlan, bool]:
    """Read a plan document from ``path`` and import it (see ``plan_import``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PlanImportError(f"Cannot read plan file {path}: {exc}") from exc
    try:
        return plan_import(data=data, replace=replace)
    except (KeyError, TypeError, ValidationError, IntegrityError) as exc:
        raise PlanImportError(f"Plan file {path} is not valid: {exc!r}") from exc


def _people_of(unit_id: int) -> dict[str, User]:
    """The unit's active people by name: those working in it now and those holding a
    role in it (an account whose current unit is another), never a namesake elsewhere."""
    people = User.objects.filter(
        Q(unit_id=unit_id) | Q(memberships__unit_id=unit_id), is_active=True
    ).exclude(name="")
    return {u.name: u for u in people.distinct()}


@transaction.atomic
def cells_link_pics(*, plan: WorkPlan) -> int:
    """Assign each unassigned cell to the active person of the plan's unit (working in
    it or holding a role there) whose name matches the PIC named in the plan document
    (never a namesake in another unit).
    Returns how many cells were linked."""
    linked = 0
    users_by_name = _people_of(plan.unit_id)
    for cell in CommitmentCell.objects.filter(quarter__plan=plan, pic__isnull=True):
        user = users_by_name.get(cell.pic_name)
        if user is not None:
            cell.pic = user
            cell.save(update_fields=["pic", "updated_at"])
            linked += 1
    return linked


@transaction.atomic
def activity_months_set(
    *, activity: Activity, months: list[int], user: User, ip: str | None = None
) -> Activity:
    """The Ketua Tim fixes the months an activity is planned in."""
    require(user, Action.MANAGE_PLAN)
    activity = (
        Activity.objects.select_for_update().select_related("pokja__area").get(pk=activity.pk)
    )
    before = {"months": activity.months, "assumed": activity.months_assumed}
    activity.months = sorted(set(months))
    activity.months_assumed = False
    activity.full_clean()
    activity.save(update_fields=["months", "months_assumed", "updated_at"])
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.ACTIVITY_MONTHS,
        obj=activity,
        area=activity.pokja.area,
        summary=f"{activity.pokja.area.code} {activity.number}. {activity.name}"[:500],
        before=before,
        after={"months": activity.months, "assumed": False},
    )
    return activity


# Roles whose holders are never pokja members (see ``pokja_member_add``).
MEMBER_INELIGIBLE = frozenset({Role.KETUA, Role.KEPALA, Role.TPI})


class MemberError(Refused):
    """A pokja membership change was refused; the message is for the user."""


@transaction.atomic
def pokja_member_add(
    *, pokja: Pokja, email: str, added_by: User, ip: str | None = None
) -> PokjaMember:
    """Add the existing account ``email`` to ``pokja`` (Ketua Tim or the area's PIC).

    A member is staff of the pokja's unit who may handle evidence: someone with no role
    yet, a PIC or another pokja's member. Leadership and the assessors (Ketua Tim,
    Kepala, TPI) are never made members: membership gives upload rights, which would
    let the people who judge the evidence supply it. An account of another unit is
    "not found", as one that does not exist."""
    require(added_by, Action.MANAGE_POKJA_MEMBERS, pokja)
    email = (email or "").strip().lower()
    member_user = User.objects.filter(
        email__iexact=email, is_active=True, unit_id=pokja.plan.unit_id
    ).first()
    if member_user is None:
        raise MemberError(
            _(
                "Tidak ada akun aktif dengan e-mail %(email)s. Minta Ketua Tim ZI membuat "
                "akunnya terlebih dahulu, lalu tambahkan kembali."
            )
            % {"email": email or "-"}
        )
    if user_roles(member_user) & MEMBER_INELIGIBLE:
        raise MemberError(
            _(
                "%(name)s adalah Ketua Tim ZI, Kepala atau Asesor TPI dan tidak dapat menjadi "
                "anggota pokja: anggota pokja mengunggah bukti dukung yang dinilai oleh "
                "pimpinan dan asesor. Tambahkan staf pelaksana atau PIC."
            )
            % {"name": member_user.name}
        )
    if PokjaMember.objects.filter(pokja=pokja, user=member_user).exists():
        raise MemberError(
            _("%(name)s sudah menjadi anggota pokja ini.") % {"name": member_user.name}
        )
    groups = roles_ensure()
    member_user.groups.add(groups[Role.MEMBER])
    member = _save(PokjaMember(pokja=pokja, user=member_user, added_by=added_by))
    audit_record(
        actor=added_by,
        ip=ip,
        action=AuditAction.MEMBER_ADD,
        obj=member,
        area=pokja.area,
        subject_user=member_user,
        summary=f"{member_user.name} → {pokja.name}",
        after={"pokja": pokja.name, "user": member_user.email},
    )
    return member


@transaction.atomic
def pokja_member_remove(*, member: PokjaMember, removed_by: User, ip: str | None = None) -> None:
    """Remove a membership; the account itself and its uploads stay. The member role
    goes with the last membership, so that no upload right outlives it."""
    require(removed_by, Action.MANAGE_POKJA_MEMBERS, member.pokja)
    audit_record(
        actor=removed_by,
        ip=ip,
        action=AuditAction.MEMBER_REMOVE,
        obj=member,
        area=member.pokja.area,
        subject_user=member.user,
        summary=f"{member.user.name} ← {member.pokja.name}",
        before={"pokja": member.pokja.name, "user": member.user.email},
    )
    member.delete()
    if not PokjaMember.objects.filter(user_id=member.user_id).exists():
        member.user.groups.remove(roles_ensure()[Role.MEMBER])
