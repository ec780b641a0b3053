"""One way to split a list page into pages: ``?hal=N``, the other filters kept."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, rows: Any, per_page: int) -> tuple[Page, str]:
    """The requested page of ``rows`` and the query string without ``hal`` for the
    pager's links (``templates/evidence/_pager.html``); a missing or malformed page
    number gives the first page, one past the end the last."""
    page = Paginator(rows, per_page).get_page(request.GET.get("hal"))
    query = request.GET.copy()
    query.pop("hal", None)
    return page, query.urlencode()
