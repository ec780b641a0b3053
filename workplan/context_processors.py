"""The plan the menu links to on every page, also on pages that are not about a plan
(notifications, status, errors): the plan the page shows, else the user's selected
plan, looked up only when a page has none of its own."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .permissions import access_selected_plan


def menu_plan(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def selected():
        try:
            return access_selected_plan(user)
        except PermissionDenied:
            return None

    return {"nav_plan": SimpleLazyObject(selected)}
