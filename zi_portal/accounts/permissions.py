"""Who may do what: the one place where the portal's access rules live.

Two questions, answered separately (NetBox style, scaled down):
- *what*: which roles may perform an action at all (``ROLE_RULES``);
- *which*: for scoped actions, which objects a PIC or pokja member may act on
  (``_SCOPE_CHECKS`` for one object, ``cells_in_upload_scope`` for querysets).

Views and services call ``can``/``require``; templates receive booleans computed here.
The table-driven test in ``tests/accounts/test_permissions.py`` walks every
role × action.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from .roles import ROLE_BY_GROUP, Role

if TYPE_CHECKING:
    from workplan.models import CommitmentCell, Pokja


class Action(StrEnum):
    VIEW_PLAN = "plan.view"
    EXPORT_PLAN = "plan.export"
    MANAGE_PLAN = "plan.manage"
    MANAGE_USERS = "users.manage"
    MANAGE_POKJA_MEMBERS = "pokja.manage_members"  # object: Pokja
    UPLOAD_EVIDENCE = "evidence.upload"  # object: CommitmentCell
    VIEW_EVIDENCE = "evidence.view"  # object: CommitmentCell
    WITHDRAW_EVIDENCE = "evidence.withdraw"  # object: CommitmentCell
    REVIEW_EVIDENCE = "evidence.review"
    VIEW_AUDIT = "audit.view"
    VIEW_DASHBOARD = "dashboard.view"
    RECORD_REALISATION = "activity.realisation"  # object: Pokja
    WRITE_NARRATIVE = "area.narrative"  # object: Pokja
    RECORD_FINDING = "finding.record"
    FOLLOW_UP_FINDING = "finding.follow_up"  # object: Finding
    REQUEST_REPORT = "reports.request"
    DOWNLOAD_REPORTS = "reports.download"
    VIEW_SYSTEM_STATUS = "system.status"
    VIEW_LKE = "lke.view"
    ANSWER_LKE = "lke.answer"  # object: Pokja (the plan x area the LKE area belongs to)
    ANSWER_LKE_HASIL = "lke.answer_hasil"
    ASSESS_LKE = "lke.assess"
    MANAGE_LKE = "lke.manage"


_EVERY_ROLE = frozenset(Role)

ROLE_RULES: dict[Action, frozenset[str]] = {
    Action.VIEW_PLAN: _EVERY_ROLE,
    Action.EXPORT_PLAN: _EVERY_ROLE,
    Action.MANAGE_PLAN: frozenset({Role.KETUA}),
    Action.MANAGE_USERS: frozenset({Role.KETUA}),
    Action.MANAGE_POKJA_MEMBERS: frozenset({Role.KETUA, Role.PIC}),
    Action.UPLOAD_EVIDENCE: frozenset({Role.KETUA, Role.PIC, Role.MEMBER}),
    Action.VIEW_EVIDENCE: _EVERY_ROLE,
    Action.WITHDRAW_EVIDENCE: frozenset({Role.KETUA, Role.PIC, Role.MEMBER}),
    Action.REVIEW_EVIDENCE: frozenset({Role.KETUA, Role.TPI}),
    Action.VIEW_AUDIT: frozenset({Role.KETUA, Role.TPI}),
    Action.VIEW_DASHBOARD: frozenset({Role.KETUA, Role.KEPALA, Role.TPI}),
    Action.RECORD_REALISATION: frozenset({Role.KETUA, Role.PIC}),
    Action.WRITE_NARRATIVE: frozenset({Role.KETUA, Role.PIC}),
    Action.RECORD_FINDING: frozenset({Role.KETUA, Role.KEPALA, Role.TPI}),
    Action.FOLLOW_UP_FINDING: _EVERY_ROLE,
    Action.REQUEST_REPORT: frozenset({Role.KETUA, Role.KEPALA, Role.TPI}),
    Action.DOWNLOAD_REPORTS: frozenset({Role.KETUA, Role.KEPALA, Role.TPI}),
    Action.VIEW_SYSTEM_STATUS: frozenset({Role.KETUA}),
    Action.VIEW_LKE: _EVERY_ROLE,
    Action.ANSWER_LKE: frozenset({Role.KETUA, Role.PIC}),
    Action.ANSWER_LKE_HASIL: frozenset({Role.KETUA}),
    # The assessors' answers are theirs alone: the unit side cannot write them.
    Action.ASSESS_LKE: frozenset({Role.TPI}),
    Action.MANAGE_LKE: frozenset({Role.KETUA}),
}

# Roles whose permission for an action holds everywhere, without a scope check.
UNSCOPED_ROLES = frozenset({Role.KETUA})
# Leadership and assessors see every area's evidence; PICs and members only their own
# (evidence may hold personnel records such as disciplinary decisions).
UNSCOPED_FOR: dict[Action, frozenset[str]] = {
    Action.VIEW_EVIDENCE: frozenset({Role.KETUA, Role.KEPALA, Role.TPI}),
}


def user_roles(user: Any) -> frozenset[str]:
    """The role codes of ``user`` (cached on the instance for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_zi_roles", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(ROLE_BY_GROUP[n] for n in names if n in ROLE_BY_GROUP)
        user._zi_roles = cached
    return cached


def has_role(user: Any, role: str) -> bool:
    return role in user_roles(user)


def _pic_or_member_of(user: Any, *, plan_id: int, area_id: int) -> bool:
    from workplan.models import CommitmentCell, PokjaMember

    return (
        CommitmentCell.objects.filter(quarter__plan_id=plan_id, area_id=area_id, pic=user).exists()
        or PokjaMember.objects.filter(
            pokja__plan_id=plan_id, pokja__area_id=area_id, user=user
        ).exists()
    )


def _may_upload_to_cell(user: Any, cell: CommitmentCell) -> bool:
    if cell.pic_id == user.pk:
        return True
    from workplan.models import PokjaMember

    return PokjaMember.objects.filter(
        pokja__plan_id=cell.quarter.plan_id, pokja__area_id=cell.area_id, user=user
    ).exists()


def _may_manage_pokja(user: Any, pokja: Pokja) -> bool:
    from workplan.models import CommitmentCell

    return CommitmentCell.objects.filter(
        quarter__plan_id=pokja.plan_id, area_id=pokja.area_id, pic=user
    ).exists()


_SCOPE_CHECKS: dict[Action, Callable[[Any, Any], bool]] = {
    Action.UPLOAD_EVIDENCE: _may_upload_to_cell,
    Action.VIEW_EVIDENCE: _may_upload_to_cell,
    Action.WITHDRAW_EVIDENCE: _may_upload_to_cell,
    Action.MANAGE_POKJA_MEMBERS: _may_manage_pokja,
    Action.RECORD_REALISATION: _may_manage_pokja,
    Action.WRITE_NARRATIVE: _may_manage_pokja,
    Action.FOLLOW_UP_FINDING: lambda user, finding: finding.owner_id == user.pk,
    Action.ANSWER_LKE: _may_manage_pokja,
}


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """May ``user`` perform ``action`` (on ``obj`` for scoped actions)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = user_roles(user) & ROLE_RULES[action]
    if not roles:
        return False
    scope = _SCOPE_CHECKS.get(action)
    if scope is None or roles & UNSCOPED_FOR.get(action, UNSCOPED_ROLES):
        return True
    if obj is None:
        # Asked without an object: "may this user do it somewhere?"
        return True
    return scope(user, obj)


def denial_message(action: Action) -> str:
    messages = {
        Action.VIEW_PLAN: _("Akun Anda belum diberi peran di ZI Portal. Hubungi Ketua Tim ZI."),
        Action.EXPORT_PLAN: _("Akun Anda belum diberi peran di ZI Portal. Hubungi Ketua Tim ZI."),
        Action.MANAGE_PLAN: _("Hanya Ketua Tim ZI yang dapat mengubah rencana kerja."),
        Action.MANAGE_USERS: _("Hanya Ketua Tim ZI yang dapat mengelola pengguna."),
        Action.MANAGE_POKJA_MEMBERS: _(
            "Anggota pokja hanya dapat diatur oleh Ketua Tim ZI atau PIC area ini."
        ),
        Action.UPLOAD_EVIDENCE: _(
            "Anda hanya dapat mengunggah evidence untuk sel yang menjadi tanggung jawab Anda "
            "atau area pokja Anda."
        ),
        Action.VIEW_EVIDENCE: _(
            "Evidence ini milik area lain. PIC dan anggota pokja hanya dapat melihat evidence "
            "area mereka sendiri."
        ),
        Action.WITHDRAW_EVIDENCE: _(
            "Anda hanya dapat menarik versi evidence dari sel yang menjadi tanggung jawab Anda."
        ),
        Action.REVIEW_EVIDENCE: _("Hanya Ketua Tim ZI dan Asesor TPI yang dapat mereviu evidence."),
        Action.VIEW_AUDIT: _("Jejak audit hanya untuk Ketua Tim ZI dan Asesor TPI."),
        Action.VIEW_DASHBOARD: _("Dasbor hanya untuk Ketua Tim ZI, Kepala Pusbang dan Asesor TPI."),
        Action.RECORD_REALISATION: _(
            "Realisasi kegiatan dicatat oleh PIC area tersebut atau Ketua Tim ZI."
        ),
        Action.WRITE_NARRATIVE: _("Narasi area ditulis oleh PIC area tersebut atau Ketua Tim ZI."),
        Action.RECORD_FINDING: _(
            "Temuan dicatat oleh Ketua Tim ZI, Kepala Pusbang atau Asesor TPI."
        ),
        Action.FOLLOW_UP_FINDING: _(
            "Tindak lanjut dicatat oleh penanggung jawab temuan atau Ketua Tim ZI."
        ),
        Action.REQUEST_REPORT: _(
            "Laporan monev diminta oleh Ketua Tim ZI, Kepala Pusbang atau Asesor TPI."
        ),
        Action.DOWNLOAD_REPORTS: _(
            "Laporan monev hanya untuk Ketua Tim ZI, Kepala Pusbang dan Asesor TPI."
        ),
        Action.VIEW_SYSTEM_STATUS: _("Status sistem hanya untuk Ketua Tim ZI."),
        Action.VIEW_LKE: _("Akun Anda belum diberi peran di ZI Portal. Hubungi Ketua Tim ZI."),
        Action.ANSWER_LKE: _(
            "Jawaban unit pada area LKE ini diisi oleh PIC area perubahan tersebut atau "
            "Ketua Tim ZI."
        ),
        Action.ANSWER_LKE_HASIL: _("Komponen Hasil LKE diisi oleh Ketua Tim ZI."),
        Action.ASSESS_LKE: _("Jawaban dan catatan TPI hanya diisi oleh Asesor TPI."),
        Action.MANAGE_LKE: _(
            "Hanya Ketua Tim ZI yang dapat memuat master soal, mengimpor jawaban, mengatur "
            "pengusulan dan token PortalRB."
        ),
    }
    return messages[action]


def require(user: Any, action: Action, obj: Any = None) -> None:
    """Raise PermissionDenied (HTTP 403, message in the user's language) unless allowed."""
    if not can(user, action, obj):
        raise PermissionDenied(denial_message(action))


def cells_in_scope(user: Any, cells: QuerySet, action: Action = Action.UPLOAD_EVIDENCE) -> QuerySet:
    """Limit a CommitmentCell queryset to the cells ``user`` may perform ``action`` on
    (upload to, by default; or view/withdraw evidence of)."""
    if not can(user, action):
        return cells.none()
    if user.is_superuser or user_roles(user) & UNSCOPED_FOR.get(action, UNSCOPED_ROLES):
        return cells
    from workplan.models import PokjaMember

    member = PokjaMember.objects.filter(
        user=user, pokja__plan_id=OuterRef("quarter__plan_id"), pokja__area_id=OuterRef("area_id")
    )
    return cells.filter(Q(pic=user) | Q(Exists(member)))


def cells_in_upload_scope(user: Any, cells: QuerySet) -> QuerySet:
    """Limit a CommitmentCell queryset to the cells ``user`` may upload to."""
    return cells_in_scope(user, cells, Action.UPLOAD_EVIDENCE)


def is_pic_or_member(user: Any, *, plan_id: int, area_id: int) -> bool:
    """Is ``user`` the PIC of a cell of this plan × area or a member of its pokja?"""
    return _pic_or_member_of(user, plan_id=plan_id, area_id=area_id)
