"""Who may do what: the one place where the portal's access rules live.

Two questions, answered separately (NetBox style, scaled down):
- *what*: which roles may perform an action at all (``ROLE_RULES``);
- *which*: the unit's rows, and for scoped actions the objects a PIC, pokja member or
  owner may act on: ``Model.objects.restrict(user, action)`` (``RestrictedQuerySet``),
  whose per-model ``scope`` lives beside the model. ``can(user, action, obj)`` asks the
  same queryset, so a list and an object page can never disagree.

Views and services call ``can``/``require``; templates receive booleans computed here.
The table-driven test in ``tests/accounts/test_permissions.py`` walks every
role × action.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .roles import MINISTRY_ROLES, ROLE_BY_GROUP, Role


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
    VIEW_SURVEYS = "surveys.view"
    MANAGE_SURVEYS = "surveys.manage"
    MANAGE_UNITS = "units.manage"  # the ministry's units and their years
    VIEW_RECAP = "units.recap"  # the recap of the units assigned to the person


# Every role inside a unit (the ministry's administrator sees no unit's work).
_EVERY_ROLE = frozenset(Role) - {Role.ADMIN}

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
    Action.VIEW_SURVEYS: frozenset({Role.KETUA, Role.KEPALA, Role.TPI}),
    Action.MANAGE_SURVEYS: frozenset({Role.KETUA}),
    Action.MANAGE_UNITS: frozenset({Role.ADMIN}),
    Action.VIEW_RECAP: frozenset({Role.ADMIN, Role.TPI}),
}
# Actions on the ministry's rows: they hold across units, not in the person's unit.
MINISTRY_ACTIONS = frozenset({Action.MANAGE_UNITS})
# Actions across the units assigned to a person (their memberships with a role the
# action allows), not only the unit they work in now; the administrator's: all units.
CROSS_UNIT_ACTIONS = frozenset({Action.VIEW_RECAP})

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


# Actions whose permission a PIC, pokja member or finding owner holds only for some
# objects (their cells, their pokja, their findings). Which objects, each model's
# queryset says (``RestrictedQuerySet.scope``).
SCOPED_ACTIONS = frozenset(
    {
        Action.UPLOAD_EVIDENCE,
        Action.VIEW_EVIDENCE,
        Action.WITHDRAW_EVIDENCE,
        Action.MANAGE_POKJA_MEMBERS,
        Action.RECORD_REALISATION,
        Action.WRITE_NARRATIVE,
        Action.FOLLOW_UP_FINDING,
        Action.ANSWER_LKE,
    }
)


def needs_scope(user: Any, action: Action) -> bool:
    """Does ``user`` hold ``action`` only for the objects in their scope?"""
    if action not in SCOPED_ACTIONS or user.is_superuser:
        return False
    roles = user_roles(user) & ROLE_RULES[action]
    return not roles & UNSCOPED_FOR.get(action, UNSCOPED_ROLES)


class RestrictedQuerySet(QuerySet):
    """A queryset that can be limited to what a user may do: ``restrict(user, action)``
    is the one answer to "which of these may this person act on", used alike by list
    pages, object pages (``can`` with an object), APIs, exports and tasks, so they can
    never disagree (NetBox's ``RestrictedQuerySet``, scaled down).

    A model's queryset names the path from its rows to their unit (``unit_field``) and,
    for the scoped actions its rows take part in, which rows a PIC, pokja member or
    owner may act on (``scope``)."""

    unit_field: ClassVar[str | None] = None

    def scope(self, user: Any, action: Action) -> Q:
        """Rows a scoped person may act on; each model that takes part in a scoped action
        says which (the default refuses, so a new pairing cannot pass by accident)."""
        raise ImproperlyConfigured(
            f"{self.model.__name__} does not say who may {action} it (scope())."
        )

    def in_unit(self, user: Any) -> RestrictedQuerySet:
        """Rows of the user's unit (see ``unit_rows``)."""
        return unit_rows(self, user, self.unit_field)

    def restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        """The rows ``user`` may perform ``action`` on: none without the role, the unit's
        rows with it, and only the rows of their scope for a scoped role."""
        return restrict_rows(self, user, action, unit_field=self.unit_field, scope=self.scope)


def unit_queryset(path: str, name: str) -> type[RestrictedQuerySet]:
    """A ``RestrictedQuerySet`` for a model whose rows reach their unit through ``path``
    and that takes part in no scoped action (quarters, programme items, reviews …)."""
    return type(name, (RestrictedQuerySet,), {"unit_field": path, "__module__": __name__})


def unit_rows(rows: QuerySet, user: Any, unit_field: str | None) -> QuerySet:
    """The rows of ``user``'s unit, reached through ``unit_field``: every row for the
    operator's superuser, none for anyone else without a unit (a role without a unit
    holds nowhere). Models that belong to no unit (``unit_field`` None, e.g. the change
    areas) are the same for everyone. A role that spans units (the ministry's
    assessors) will widen this one place to the units assigned to the person."""
    if unit_field is None or getattr(user, "is_superuser", False):
        return rows
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return rows.none()
    return rows.filter(**{unit_field: unit_id})


def assigned_rows(rows: QuerySet, user: Any, action: Action, unit_field: str | None) -> QuerySet:
    """The rows of every unit where ``user`` holds a role that may ``action`` (all rows
    for the administrator and the operator)."""
    if unit_field is None or user.is_superuser or user_roles(user) & MINISTRY_ROLES:
        return rows
    # The memberships live in this app's models, which import this module.
    memberships = apps.get_model("accounts", "Membership").objects
    units = memberships.filter(user=user, role__in=ROLE_RULES[action]).values("unit_id")
    return rows.filter(**{f"{unit_field}__in": units})


def restrict_rows(
    rows: QuerySet,
    user: Any,
    action: Action,
    *,
    unit_field: str | None,
    scope: Any = None,
) -> QuerySet:
    """``RestrictedQuerySet.restrict`` for any queryset: the rows ``user`` may perform
    ``action`` on. Models below the accounts app (the audit trail in ``core``) cannot
    use ``RestrictedQuerySet`` and are restricted through this function."""
    if not can(user, action):
        return rows.none()
    if action in MINISTRY_ACTIONS:
        return rows
    if action in CROSS_UNIT_ACTIONS:
        return assigned_rows(rows, user, action, unit_field)
    rows = unit_rows(rows, user, unit_field)
    if needs_scope(user, action):
        if scope is None:
            raise ImproperlyConfigured(f"{rows.model.__name__} has no scope for {action}.")
        rows = rows.filter(scope(user, action))
    return rows


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """May ``user`` perform ``action`` (on ``obj`` for scoped actions)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user_roles(user) & ROLE_RULES[action]:
        return False
    if obj is None:
        # Without an object: "may this user do it somewhere?"
        return True
    # With an object: is it among the rows ``restrict`` gives (its unit, and for a
    # scoped role its scope)? The same queryset answers lists and object pages.
    rows = type(obj)._default_manager.all()
    if isinstance(rows, RestrictedQuerySet):
        rows = rows.restrict(user, action)
    else:  # a model below this app, e.g. the audit trail
        rows = restrict_rows(rows, user, action, unit_field=getattr(rows, "unit_field", None))
    return rows.filter(pk=obj.pk).exists()


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
            "Anda hanya dapat mengunggah bukti dukung untuk sel yang menjadi tanggung jawab Anda "
            "atau area pokja Anda."
        ),
        Action.VIEW_EVIDENCE: _(
            "Bukti dukung ini milik area lain. PIC dan anggota pokja hanya dapat melihat "
            "bukti dukung area mereka sendiri."
        ),
        Action.WITHDRAW_EVIDENCE: _(
            "Anda hanya dapat menarik versi bukti dukung dari sel yang menjadi tanggung jawab Anda."
        ),
        Action.REVIEW_EVIDENCE: _(
            "Hanya Ketua Tim ZI dan Asesor TPI yang dapat mereviu bukti dukung."
        ),
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
        Action.VIEW_SURVEYS: _(
            "Survei unit hanya untuk Ketua Tim ZI, Kepala Pusbang dan Asesor TPI."
        ),
        Action.MANAGE_SURVEYS: _(
            "Hanya Ketua Tim ZI yang dapat membuat, mengubah, membuka dan menutup survei, "
            "serta menerima atau mengecualikan respons."
        ),
        Action.MANAGE_UNITS: _("Unit kerja dan tahun programnya dibuat oleh Admin Kementerian."),
        Action.VIEW_RECAP: _(
            "Rekapitulasi unit hanya untuk Admin Kementerian dan asesor yang ditugaskan "
            "menilai unit."
        ),
    }
    return messages[action]


def require(user: Any, action: Action, obj: Any = None) -> None:
    """Raise PermissionDenied (HTTP 403, message in the user's language) unless allowed."""
    if not can(user, action, obj):
        raise PermissionDenied(denial_message(action))
