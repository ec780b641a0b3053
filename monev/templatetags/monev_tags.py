"""Presentation helpers for the dashboard and the activity grid."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

SYMBOLS = {"done": "✓", "partial": "◐", "not_done": "✗", "late": "!", "planned": "●"}


def _labels() -> dict[str, str]:
    return {
        "done": _("terlaksana"),
        "partial": _("sebagian"),
        "not_done": _("tidak terlaksana"),
        "late": _("direncanakan, belum ada realisasi"),
        "planned": _("direncanakan"),
    }


@register.simple_tag
def gantt_symbol(state: str):
    """A month square's symbol with a text equivalent for screen readers."""
    if not state:
        return ""
    return format_html(
        '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>',
        SYMBOLS.get(state, ""),
        _labels().get(state, state),
    )
