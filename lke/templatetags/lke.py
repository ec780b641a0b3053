from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def points(value) -> str:
    """A score as the LKE prints it: two decimals, the locale's separator."""
    if value is None:
        return "—"
    return floatformat(value, 2)


@register.filter
def percent(value) -> str:
    """An item value in [0, 1] as a percentage with two decimals."""
    if value is None:
        return "—"
    return floatformat(Decimal(value) * 100, 2) + " %"


@register.filter
def share(part, whole) -> int:
    """Whole-number percentage of ``part`` in ``whole`` for meters (0 when whole is 0)."""
    try:
        return max(0, min(100, round(Decimal(part) * 100 / Decimal(whole))))
    except (ArithmeticError, TypeError, ValueError):
        return 0
