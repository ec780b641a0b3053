"""What every page's frame needs from core: the portal's name."""

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    return {"portal_name": settings.ZI_PORTAL_NAME}
