"""What every page's frame needs to know about the signed-in person: their roles and
which menu entries to show (decided by ``permissions``), and their units."""

from django.http import HttpRequest

from .permissions import Action, can, user_roles
from .roles import Role
from .units import units_of


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {
        "role_labels": [Role(r).label for r in Role if r in roles],
        "nav_may_status": can(user, Action.VIEW_SYSTEM_STATUS),
        "nav_may_upload": can(user, Action.UPLOAD_EVIDENCE),
        "nav_may_review": can(user, Action.REVIEW_EVIDENCE),
        "nav_may_audit": can(user, Action.VIEW_AUDIT),
        "nav_may_admin": user.is_staff,
        "nav_may_dashboard": can(user, Action.VIEW_DASHBOARD),
        "nav_may_reports": can(user, Action.DOWNLOAD_REPORTS),
        "nav_may_units": can(user, Action.MANAGE_UNITS),
        "nav_may_plan": can(user, Action.VIEW_PLAN),
        "nav_may_recap": can(user, Action.VIEW_RECAP),
        "nav_may_assess": can(user, Action.ASSESS_LKE),
        # The units to switch between (a query only for people in more than one).
        "my_units": units_of(user),
    }
