"""``{% portal_header %}``: every page's header (brand, menu, search, language, bell,
name), rendered once per kind of viewer and cached, then made the viewer's own.

The header is the same for everyone who sees the same menu: the entries their rights
show (the context's ``nav_may_*``, from ``accounts.context_processors``), the plan year
the menu links to, the entry of the page, the language. Those make the key; the name,
the roles, the unread count, the search text, the page's path (the language form's
``next``) and the CSRF token are marks in the cached text, filled in per request
(``core.fragments.personal``). Rendering it costed a signed-in page about a third of
its time (16 URL reversals, some 40 translations)."""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localdate
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zi_portal.core.fragments import (
    CSRF_MARK,
    FRAGMENT_TIMEOUT,
    digest,
    personal,
    templates_digest,
)

register = template.Library()

HEADER_TEMPLATE = "_header.html"
NAV_FLAGS = (
    "nav_may_dashboard",
    "nav_may_upload",
    "nav_may_review",
    "nav_may_reports",
    "nav_may_audit",
    "nav_may_status",
    "nav_may_admin",
    "nav_may_units",
    "nav_may_plan",
    "nav_may_recap",
    "nav_may_assess",
)
# Letters and digits only, as CSRF_MARK: they pass the template's escaping unchanged.
MARKS = {
    "name_mark": "ZInameMARK2b81",
    "roles_mark": "ZIrolesMARK9d04",
    "bell_mark": "ZIbellMARK51c7",
    "search_mark": "ZIsearchMARK0e6a",
    "next_mark": "ZInextMARK7a3f",
    "unit_mark": "ZIunitMARK4c12",
}


def _menu_year(context: template.Context, authenticated: bool) -> tuple[int | None, int | None]:
    """The year of the page's own plan, and the year the menu links to: the page's plan,
    else the person's selected plan (``nav_plan``, looked up only now)."""
    plan = context.get("plan")
    plan_year = getattr(plan, "year", None) if plan else None
    if plan_year or not authenticated:
        return plan_year, plan_year
    nav_plan = context.get("nav_plan")
    return plan_year, (getattr(nav_plan, "year", None) if nav_plan else None)


def _bell(count: int | None) -> str:
    if not count:
        return ""
    return format_html(
        '<span class="bell-count">{}<span class="visually-hidden"> {}</span></span>',
        count,
        _("belum dibaca"),
    )


def _unit_switch(user, units, request) -> str:
    """The list of the person's units (``my_units`` of the accounts' context processor),
    for people who hold roles in more than one (an Inspektorat assessor): choosing one
    switches the unit they work in."""
    if len(units or ()) < 2 or request is None:
        return ""
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == user.unit_id else "", name) for pk, name in units),
    )
    return format_html(
        '<form method="post" action="{}" class="unitform">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<label for="unit-select">{}</label>'
        '<select id="unit-select" name="unit" data-autosubmit>{}</select>'
        '<noscript><button type="submit" class="btn btn-small">{}</button></noscript></form>',
        reverse("unit_switch"),
        get_token(request),
        _("Unit kerja"),
        options,
        _("Pindah unit"),
    )


@register.simple_tag(takes_context=True)
def portal_header(context: template.Context) -> SafeString:
    request = context.get("request")
    user = context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    plan_year, menu_year = _menu_year(context, authenticated)
    language = get_language()
    facts = {
        "authenticated": authenticated,
        "plan_year": plan_year,
        "menu_year": menu_year,
        "nav_active": context.get("nav_active"),
        "portal_name": context.get("portal_name"),
        "LANGUAGE_CODE": language,
        # The recap's year when the page names none: this year's.
        "this_year": localdate().year,
        **{flag: bool(context.get(flag)) for flag in NAV_FLAGS if authenticated},
    }
    key = f"frame-header:{digest((sorted(facts.items()), templates_digest((HEADER_TEMPLATE,))))}"
    html = cache.get(key)
    if html is None:
        html = get_template(HEADER_TEMPLATE).render({**facts, **MARKS, "csrf_mark": CSRF_MARK})
        cache.set(key, html, FRAGMENT_TIMEOUT)
    if not authenticated:
        values = {"name_mark": "", "roles_mark": "", "bell_mark": "", "search_mark": ""}
        values["unit_mark"] = ""
    else:
        roles = context.get("role_labels") or [_("Tanpa peran")]
        values = {
            "name_mark": escape(user.name or user.email),
            "roles_mark": escape(", ".join(str(r) for r in roles)),
            "bell_mark": _bell(context.get("unread_notifications")),
            "search_mark": escape(context.get("search_q") or ""),
            "unit_mark": _unit_switch(user, context.get("my_units"), request),
        }
    values["next_mark"] = escape(request.get_full_path()) if request is not None else ""
    return personal(html, request, **{MARKS[name]: value for name, value in values.items()})
