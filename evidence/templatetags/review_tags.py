"""Presentation helpers of the review queue: which files the browser can show inline."""

from django import template

from evidence import previews
from evidence.choices import ReviewState

register = template.Library()


@register.filter
def previewable(version) -> bool:
    return previews.previewable(version)


@register.filter
def is_image(version) -> bool:
    return previews.is_image(version)


@register.filter
def pickable(version, user) -> bool:
    """Offered for "Setujui yang dipilih": current, waiting, not the reviewer's own
    upload (the service decides again when the form is sent)."""
    return (
        version.is_current
        and version.review_state == ReviewState.PENDING
        and version.uploaded_by_id != user.pk
    )
