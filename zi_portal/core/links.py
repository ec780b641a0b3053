"""Links to the portal: absolute ones for what leaves it (e-mails, PortalRB's JSON), and
paths of views taking one pk reversed once, for pages with many of them."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def site_url(path: str) -> str:
    """``path`` on the portal's public address (``ZI_SITE_URL``)."""
    return settings.ZI_SITE_URL.rstrip("/") + path


def absolute_url(viewname: str, *args) -> str:
    """The public address of a named view."""
    return site_url(reverse(viewname, args=args))


# A number no row has, reversed in place of a pk and then replaced.
_SENTINEL = 918273645


def absolute_url_of_pk(viewname: str):
    """``pk → absolute_url(viewname, pk)`` for a view whose one argument is an integer
    pk, reversed once per address and URLconf: for the many links of a reminder sweep."""
    return _url_of_pk(viewname, settings.ZI_SITE_URL, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=64)
def _url_of_pk(viewname: str, _site: str, _prefix: str, _urlconf):
    template = absolute_url(viewname, _SENTINEL)
    head, sentinel, tail = template.partition(str(_SENTINEL))
    if not sentinel:
        raise ValueError(f"{viewname} does not take a pk as its only argument")
    return lambda pk: f"{head}{int(pk)}{tail}"


def path_of_pk(viewname: str, pk) -> str:
    """``reverse(viewname, args=[pk])`` for a view whose one argument is an integer pk,
    reversed once per view, script prefix and URLconf (a page of 50 queue rows holds
    about 300 such links)."""
    return _path_of_pk(viewname, get_script_prefix(), get_urlconf())(pk)


@lru_cache(maxsize=64)
def _path_of_pk(viewname: str, _prefix: str, _urlconf):
    head, sentinel, tail = reverse(viewname, args=[_SENTINEL]).partition(str(_SENTINEL))
    if not sentinel:
        raise ValueError(f"{viewname} does not take a pk as its only argument")
    return lambda pk: f"{head}{int(pk)}{tail}"
