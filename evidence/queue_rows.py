"""The review queue's rows, rendered once per content: a row's HTML is cached under a
digest of everything it shows (the version, its item, cell, reviews and replies, the
viewer's relation to it, the language and the template sources), so a row is never
stale and a review or a reply renders only its own row again. The per-request parts
(the CSRF token and the queue's filter, sent back after a verdict) are marks in the
cached text, filled in per request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from zi_portal.core.fragments import (
    CSRF_MARK,
    FRAGMENT_TIMEOUT,
    digest,
    personal,
    templates_digest,
)

from .choices import ReviewState
from .models import EvidenceVersion, Review, VersionReply
from .selectors import full_rows

ROW_TEMPLATE = "evidence/_queue_item.html"
# The templates a row is made of: their sources are part of every key, so a release
# that changes them never serves rows rendered by the old ones.
ROW_TEMPLATES = (ROW_TEMPLATE, "evidence/_version_row.html", "evidence/_replies.html")
# Where the cached text holds the queue's filter (as core.fragments.CSRF_MARK the token).
QUERY_MARK = "ZIqueryMARK7f3c9a"


# What a row shows or decides on (``_queue_item.html`` and its includes), read as plain
# values: a page whose rows are all cached builds no model objects.
FACTS = (
    "pk",
    "number",
    "file_no",
    "revision",
    "kind",
    "original_name",
    "url",
    "size",
    "content_type",
    "sha256",
    "note",
    "evidence_date",
    "uploaded_at",
    "uploaded_by_id",
    "uploaded_by__name",
    "review_state",
    "withdrawn_at",
    "withdrawn_by_id",
    "withdraw_reason",
    "superseded_at",
    "replaces__file_no",
    "replaces__revision",
    "requirement_id",
    "requirement__order",
    "requirement__text",
    "requirement__cell__area__code",
    "requirement__cell__quarter__number",
    "requirement__cell__pic_id",
    "requirement__cell__pic__name",
    "requirement__cell__pic_name",
)
REVIEW_FACTS = ("version_id", "pk", "decision", "reviewer__name", "created_at", "comment")
REPLY_FACTS = ("version_id", "pk", "from_reviewer", "author__name", "created_at", "text")
_UPLOADER, _STATE = FACTS.index("uploaded_by_id"), FACTS.index("review_state")
_WITHDRAWN, _SUPERSEDED = FACTS.index("withdrawn_at"), FACTS.index("superseded_at")


def _facts(pks: Sequence[int]) -> dict[int, tuple]:
    """Each version's facts with its reviews and replies (three queries, by primary
    key: the queue's filter is not joined again)."""
    rows = EvidenceVersion.objects.filter(pk__in=pks).order_by().values_list(*FACTS)
    reviews, replies = defaultdict(list), defaultdict(list)
    for version_id, *review in (
        Review.objects.filter(version_id__in=pks)
        .order_by("created_at", "pk")
        .values_list(*REVIEW_FACTS)
    ):
        reviews[version_id].append(tuple(review))
    for version_id, *reply in (
        VersionReply.objects.filter(version_id__in=pks)
        .order_by("created_at", "pk")
        .values_list(*REPLY_FACTS)
    ):
        replies[version_id].append(tuple(reply))
    return {row[0]: (row, reviews[row[0]], replies[row[0]]) for row in rows}


def row_key(facts: tuple, viewer_id: int, language: str) -> str:
    own = facts[0][_UPLOADER] == viewer_id
    return "queue-row:" + digest((templates_digest(ROW_TEMPLATES), language, own, facts))


def _pickable(row: tuple, viewer_id: int) -> bool:
    """As ``review_tags.pickable``: current, waiting, not the viewer's own upload."""
    return (
        row[_WITHDRAWN] is None
        and row[_SUPERSEDED] is None
        and row[_STATE] == ReviewState.PENDING
        and row[_UPLOADER] != viewer_id
    )


@dataclass
class QueueRows:
    html: list[SafeString]
    any_pickable: bool  # the page offers "Setujui yang dipilih"


def queue_rows(request: HttpRequest, pks: Sequence[int], query: str) -> QueueRows:
    """The HTML of each version's row (``pks``: the page's versions, in order): their
    facts in three queries and the cached rows in one cache read; the others are
    rendered from their versions (``full_rows``: with their related rows) and stored
    together. ``query``: the queue's filter, which a verdict or a reply sent from a row
    returns to."""
    viewer, language = request.user.pk, get_language()
    facts = _facts(pks)
    pks = [pk for pk in pks if pk in facts]  # not a version deleted since the page was read
    keys = {pk: row_key(facts[pk], viewer, language) for pk in pks}
    cached = cache.get_many(list(keys.values()))
    missing = [pk for pk in pks if keys[pk] not in cached]
    if missing:
        template, fresh = get_template(ROW_TEMPLATE), {}
        for version in full_rows(missing):
            context = {"v": version, "request": request, "csrf_token": CSRF_MARK}
            context["query"] = QUERY_MARK
            fresh[keys[version.pk]] = template.render(context)
        cache.set_many(fresh, FRAGMENT_TIMEOUT)
        cached.update(fresh)
    query = escape(query)
    return QueueRows(
        html=[
            personal(cached[keys[pk]], request, **{QUERY_MARK: query})
            for pk in pks
            if keys[pk] in cached
        ],
        any_pickable=any(_pickable(facts[pk][0], viewer) for pk in pks),
    )
