"""The LKE area page, rendered once per change of what it shows and cached: its key
holds the plan's data stamp (evidence, reviews and the plan itself: the picker and the
linked items), the unit's answers on both sides (how many, the newest change, per
last editor's name: a save changes the answer row and its picks in one transaction),
the unit's predicates (the
WBK bonus of the score), the master list, the viewer's rights on the page, the
language and the template sources. Read before the page is built, so a page stored
under a key is never older than the key. The CSRF token is a mark in the cached text,
filled in per request. A refused answer shown again, and a question's own page, are
built every time (``area_page.area_context``)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.translation import get_language

from workplan.models import WorkPlan
from workplan.stamps import stamp_key
from zi_portal.core.fragments import (
    CSRF_MARK,
    FRAGMENT_TIMEOUT,
    digest,
    personal,
    templates_digest,
)

from . import hooks, selectors
from .area_page import HASIL, area_context, area_rights
from .scoring import RULES_VERSION

BODY_TEMPLATE = "lke/_area_body.html"
BODY_TEMPLATES = (BODY_TEMPLATE, "lke/_question.html", "lke/_answer_input.html")
BODY_TEMPLATES += ("lke/_pick_item.html",)


def page_questions(master, code: str) -> list:
    """The questions the area page ``code`` shows (the parsed list is cached)."""
    area_code = "" if code == HASIL else code
    tree = selectors.parsed_master(master)
    return [q for q in tree.questions.values() if q.area_code == area_code]


def area_page(request: HttpRequest, plan: WorkPlan, code: str) -> dict[str, Any]:
    """The area page's context: ``body``, its rendered content, from the cache when
    nothing it shows has changed since it was stored."""
    code = code.upper()
    master = selectors.master_or_404(plan.year)
    rights = area_rights(request.user, plan, code)
    parts = (
        templates_digest(BODY_TEMPLATES),
        RULES_VERSION,
        code,
        rights,
        get_language(),
        plan.unit.short_name,
        master.pk,
        master.updated_at,
        selectors.answers_mark(plan.unit_id, master.pk),
        hooks.marks(unit=plan.unit, year=plan.year, questions=page_questions(master, code)),
    )
    key = stamp_key("lke-area", plan, digest(parts))
    body = cache.get(key)
    if body is None:
        context = area_context(user=request.user, plan=plan, code=code)
        body = get_template(BODY_TEMPLATE).render({**context, "csrf_token": CSRF_MARK})
        cache.set(key, body, FRAGMENT_TIMEOUT)
    return {
        "plan": plan,
        "code": code,
        "nav_active": "lke",
        "body": personal(body, request),
    }
