"""The ministry administrator's writes: creating a unit with its Kepala and Ketua Tim
ZI, and starting a unit's year from a plan file, its previous year or another unit's
plan (all three through ``plan_import``, so they are checked alike)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from workplan.documents import plan_document
from workplan.models import CommitmentCell, Unit, WorkPlan
from workplan.services import PlanImportError, plan_import
from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import Action, require, user_roles
from zi_portal.accounts.roles import MINISTRY_ROLES, Role
from zi_portal.accounts.units import membership_add
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction
from zi_portal.core.errors import Refused


class UnitError(Refused):
    default_code = "unit_refused"


def person_in_unit(*, unit: Unit, email: str, name: str, role: str, staff: bool = False) -> User:
    """The account of ``email`` holding ``role`` in ``unit``: an existing account gets
    the role beside the ones it holds; a new one is made without a password (the person
    sets it with "Lupa kata sandi")."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if not name.strip():
            raise UnitError(
                _("Akun %(email)s belum ada: isi namanya agar akun dapat dibuat.")
                % {"email": email}
            )
        user = User(email=email, name=name.strip(), is_staff=staff)
        user.set_unusable_password()
        user.full_clean(exclude=["password", "unit"])
        user.save()
    elif user_roles(user) & MINISTRY_ROLES or user.is_superuser:
        raise UnitError(
            _("%(email)s adalah akun Admin Kementerian dan tidak dapat memegang peran di unit.")
            % {"email": email}
        )
    if staff and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    membership_add(user=user, unit=unit, role=role)
    return user


@transaction.atomic
def unit_create(
    *,
    admin: Any,
    code: str,
    name: str,
    short_name: str,
    parent_name: str = "",
    kepala: tuple[str, str],
    ketua: tuple[str, str],
    ip: str | None = None,
) -> Unit:
    """A new unit with its Kepala and Ketua Tim ZI (``(e-mail, name)`` each)."""
    require(admin, Action.MANAGE_UNITS)
    if Unit.objects.filter(code__iexact=code).exists():
        raise UnitError(_("Kode unit %(code)s sudah dipakai. Pilih kode lain.") % {"code": code})
    unit = Unit(code=code, name=name, short_name=short_name, parent_name=parent_name)
    unit.full_clean()
    unit.save()
    people = {
        "kepala": person_in_unit(unit=unit, email=kepala[0], name=kepala[1], role=Role.KEPALA),
        "ketua": person_in_unit(
            unit=unit, email=ketua[0], name=ketua[1], role=Role.KETUA, staff=True
        ),
    }
    audit_record(
        actor=admin,
        action=AuditAction.UNIT_CREATE,
        obj=unit,
        summary=f"Unit {unit.short_name} ({unit.code}) dibuat",
        ip=ip,
        after={"code": unit.code, **{k: u.email for k, u in people.items()}},
        unit=unit,
    )
    return unit


def _source_document(
    *, unit: Unit, year: int, source: str, data: Any, template: WorkPlan | None, pics: dict
) -> dict:
    names = {code: user.name for code, user in pics.items()}
    if source == "previous":
        previous = WorkPlan.objects.filter(unit=unit, year=year - 1).first()
        if previous is None:
            raise UnitError(
                _(
                    "%(unit)s belum punya rencana kerja %(year)s untuk disalin. Pakai templat "
                    "unit lain atau muat berkas."
                )
                % {"unit": unit.short_name, "year": year - 1}
            )
        return plan_document(previous, unit=unit, year=year, pics=names)
    if source == "template":
        return plan_document(template, unit=unit, year=year, pics=names)
    if not isinstance(data, dict) or not isinstance(data.get("plan"), dict):
        raise UnitError(_("Berkas itu bukan rencana kerja zi-portal-plan/1."))
    if str(data["plan"].get("year")) != str(year):
        raise UnitError(
            _("Berkas itu rencana kerja tahun %(file)s, bukan %(year)s. Pilih berkas yang sesuai.")
            % {"file": data["plan"].get("year"), "year": year}
        )
    data = {
        **data,
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "short_name": unit.short_name,
            "parent_name": unit.parent_name,
        },
    }
    for cell in data.get("cells") or []:
        if isinstance(cell, dict) and cell.get("area") in names:
            cell["pic"] = names[cell["area"]]
    return data


@transaction.atomic
def year_start(
    *,
    admin: Any,
    unit: Unit,
    year: int,
    source: str,
    data: Any = None,
    template: WorkPlan | None = None,
    pics: dict[str, tuple[str, str]] | None = None,
    ip: str | None = None,
) -> WorkPlan:
    """Start ``unit``'s ``year`` from a plan file (``data``), a copy of its previous year,
    or another unit's plan (``template``); ``pics`` names each area's PIC (area code ->
    ``(e-mail, name)``), given the PIC role in the unit. All or nothing."""
    require(admin, Action.MANAGE_UNITS)
    if WorkPlan.objects.filter(unit=unit, year=year).exists():
        raise UnitError(
            _("%(unit)s sudah punya rencana kerja %(year)s; rencana itu dikelola Ketua Tim ZI-nya.")
            % {"unit": unit.short_name, "year": year}
        )
    people = {
        code: person_in_unit(unit=unit, email=email, name=name, role=Role.PIC)
        for code, (email, name) in (pics or {}).items()
    }
    document = _source_document(
        unit=unit, year=year, source=source, data=data, template=template, pics=people
    )
    try:
        plan, _created = plan_import(data=document)
    except (PlanImportError, KeyError, TypeError, ValueError, ValidationError,
            IntegrityError) as exc:  # fmt: skip
        raise UnitError(
            _(
                "Rencana kerja tidak dapat dimuat: %(detail)s. Yang diterima: berkas "
                "zi-portal-plan/1 dengan triwulan I-IV dan keenam area (lihat fixtures/)."
            )
            % {"detail": exc}
        ) from exc
    for code, user in people.items():
        CommitmentCell.objects.filter(quarter__plan=plan, area__code=code).update(
            pic=user, pic_name=user.name
        )
    audit_record(
        actor=admin,
        action=AuditAction.YEAR_START,
        obj=plan,
        summary=f"Tahun {year} {unit.short_name} dimulai ({source})",
        ip=ip,
        after={
            "year": year,
            "source": source,
            "template": template.pk if template else None,
            "pics": {code: user.email for code, user in people.items()},
        },
        unit=unit,
    )
    return plan
