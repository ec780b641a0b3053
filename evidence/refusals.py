"""The evidence app's refusal and the size wording its messages share.

Its own module so that ``validation`` (what an upload may be) and ``containers`` (what
an archive or Office file may hold), which validation calls, both raise the same
exception without importing each other.
"""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat

from zi_portal.core.errors import Refused


class EvidenceRefused(Refused):
    """An upload or evidence action was refused; ``message`` is for the person who tried."""


def human_size(n: int) -> str:
    """'50 MB' for whole megabytes (as the page states the limit), else Django's format."""
    mb = 1024 * 1024
    if n >= mb and n % mb == 0:
        return f"{n // mb} MB"
    return filesizeformat(n).replace("\xa0", " ")
