"""What every page's frame needs from monitoring: the unread notification count (🔔)."""

from django.http import HttpRequest

from .selectors import unread_count


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
