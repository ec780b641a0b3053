"""The portal's roles. A role is a Django group; the group names are what the Ketua
Tim sees in the admin. ``Role`` values are the stable codes used in code and tests."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KETUA = "ketua", _("Ketua Tim ZI")
    KEPALA = "kepala", _("Kepala Pusbang")
    PIC = "pic", _("PIC")
    MEMBER = "anggota", _("Anggota Pokja")
    TPI = "tpi", _("Asesor TPI")
    # The ministry's administrator: creates units and starts their years; holds no role
    # inside a unit and sees none of a unit's work.
    ADMIN = "admin", _("Admin Kementerian")


# Group name (as stored in auth_group) for each role. Stored in Indonesian because the
# groups are data that the Ketua Tim manages in the admin.
GROUP_NAMES: dict[str, str] = {
    Role.KETUA: "Ketua Tim ZI",
    Role.KEPALA: "Kepala Pusbang",
    Role.PIC: "PIC",
    Role.MEMBER: "Anggota Pokja",
    Role.TPI: "Asesor TPI",
    Role.ADMIN: "Admin Kementerian",
}
# Roles held across the ministry rather than in one unit.
MINISTRY_ROLES = frozenset({Role.ADMIN})
ROLE_BY_GROUP = {name: role for role, name in GROUP_NAMES.items()}

# Separation of duties: the internal assessors (TPI) judge the unit's ZI team and its
# evidence, so an assessor holds no other role (a PIC or Ketua Tim who is also TPI would
# approve their own work and write the assessors' LKE column).
EXCLUSIVE_ROLES = frozenset({Role.TPI, Role.ADMIN})


def role_combination_error(roles: set) -> str | None:
    """Why these roles cannot be held together (None when they can)."""
    roles = {r for r in roles if r}
    for role in EXCLUSIVE_ROLES & roles:
        if len(roles) > 1:
            return _(
                "Peran %(role)s tidak dapat digabung dengan peran lain: asesor menilai "
                "pekerjaan tim ZI sehingga tidak boleh sekaligus menjadi bagian dari tim itu. "
                "Pilih satu peran saja."
            ) % {"role": GROUP_NAMES[role]}
    return None


# Django model permissions that each role's group carries (for the admin). What a role
# may do inside the portal is decided in ``permissions.py``; these only open the admin.
GROUP_MODEL_PERMISSIONS: dict[str, list[str]] = {
    Role.KETUA: [
        # A Ketua Tim changes their own unit's details; units are created by the operator
        # (and, with the ministry's portal, its administrator).
        "workplan.change_unit",
        "workplan.view_unit",
        "workplan.add_workplan",
        "workplan.change_workplan",
        "workplan.view_workplan",
        "workplan.view_changearea",
        "workplan.add_pokja",
        "workplan.change_pokja",
        "workplan.view_pokja",
        "workplan.add_programmeitem",
        "workplan.change_programmeitem",
        "workplan.delete_programmeitem",
        "workplan.view_programmeitem",
        "workplan.add_prioritytarget",
        "workplan.change_prioritytarget",
        "workplan.delete_prioritytarget",
        "workplan.view_prioritytarget",
        "workplan.add_pokjamember",
        "workplan.change_pokjamember",
        "workplan.delete_pokjamember",
        "workplan.view_pokjamember",
        "workplan.add_quarter",
        "workplan.change_quarter",
        "workplan.view_quarter",
        "workplan.add_commitmentcell",
        "workplan.change_commitmentcell",
        "workplan.view_commitmentcell",
        "workplan.add_monitoredoutput",
        "workplan.change_monitoredoutput",
        "workplan.delete_monitoredoutput",
        "workplan.view_monitoredoutput",
        "workplan.add_evidencerequirement",
        "workplan.change_evidencerequirement",
        "workplan.view_evidencerequirement",
        "workplan.add_activity",
        "workplan.change_activity",
        "workplan.view_activity",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "auth.view_group",
    ],
}
