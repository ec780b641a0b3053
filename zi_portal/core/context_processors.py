"""What every page's frame needs: the portal's name and the signed-in user's roles."""

from django.conf import settings
from django.http import HttpRequest

from monev.models import Notification
from zi_portal.accounts.permissions import Action, can, user_roles
from zi_portal.accounts.roles import Role


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_name": settings.ZI_PORTAL_NAME}
    roles = user_roles(user)
    return {
        "portal_name": settings.ZI_PORTAL_NAME,
        "role_labels": [Role(r).label for r in Role if r in roles],
        "nav_may_status": can(user, Action.VIEW_SYSTEM_STATUS),
        "nav_may_upload": can(user, Action.UPLOAD_EVIDENCE),
        "nav_may_review": can(user, Action.REVIEW_EVIDENCE),
        "nav_may_audit": can(user, Action.VIEW_AUDIT),
        "nav_may_admin": user.is_staff,
        "nav_may_dashboard": can(user, Action.VIEW_DASHBOARD),
        "nav_may_reports": can(user, Action.DOWNLOAD_REPORTS),
        "unread_notifications": Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count(),
    }
