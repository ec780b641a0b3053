"""Absolute links to the portal, for what leaves it: e-mails, PortalRB's JSON."""

from django.conf import settings
from django.urls import reverse


def site_url(path: str) -> str:
    """``path`` on the portal's public address (``ZI_SITE_URL``)."""
    return settings.ZI_SITE_URL.rstrip("/") + path


def absolute_url(viewname: str, *args) -> str:
    """The public address of a named view."""
    return site_url(reverse(viewname, args=args))
