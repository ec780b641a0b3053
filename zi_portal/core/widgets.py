"""Form widgets drawn in Python: the same HTML as Django's, without its templates.

Django renders a ``<select>`` through a template per option (``select_option.html`` and
``attrs.html`` included for each): the review queue's three filters took about 2 ms of
every request, a user filter with a unit's people more. ``Select`` here builds the same
markup from the same context (``get_context``: the options, ``selected``, the
attributes), so it is a drop-in replacement; ``tests/core/test_widgets.py`` holds it
equal to Django's for every case the portal uses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare `` name`` for True,
    nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(format_html(" {}", name))
        else:
            parts.append(format_html(' {}="{}"', name, str(value)))
    return mark_safe("".join(parts))  # noqa: S308 - every part is format_html's


class Select(forms.Select):
    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            inner = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(o["value"]), _attrs(o["attrs"]), o["label"]) for o in options),
            )
            if group_name:
                inner = format_html('<optgroup label="{}">{}</optgroup>', group_name, inner)
            groups.append(conditional_escape(inner))
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            mark_safe("".join(groups)),  # noqa: S308 - escaped above
        )
