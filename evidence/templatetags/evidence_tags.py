"""Presentation helpers for evidence status (labels come from the choices)."""

from django import template
from django.utils.html import format_html

from evidence.choices import ItemStatus, ReviewState

register = template.Library()


@register.simple_tag
def item_status(status: str):
    """A coloured badge for an item's status (Belum diunggah … Disetujui)."""
    label = ItemStatus(status).label if status in ItemStatus.values else status
    return format_html('<span class="badge st st-{}">{}</span>', status, label)


@register.simple_tag
def version_state(state: str):
    label = ReviewState(state).label if state in ReviewState.values else state
    return format_html('<span class="badge st st-{}">{}</span>', state, label)


@register.filter
def short_hash(value: str) -> str:
    return value[:12] if value else ""
