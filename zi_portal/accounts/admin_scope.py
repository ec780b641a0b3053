"""The admin keeps to the signed-in person's unit, as the portal's pages do.

Every ``ModelAdmin`` of the portal's apps derives from ``UnitScopedAdmin``: its lists,
change pages, history, deletion and autocomplete show a Ketua Tim the rows of their own
unit only (``RestrictedQuerySet.in_unit``), and the choices of its foreign keys and
many-to-many fields are limited the same way, so that a row of one unit can never be
pointed at a row or a person of another. A superuser (the operator) sees everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .permissions import unit_rows


def _scoped(queryset: Any, user: Any) -> Any:
    """``queryset`` limited to ``user``'s unit when its model belongs to units."""
    unit_field = getattr(queryset, "unit_field", None)
    return unit_rows(queryset, user, unit_field) if unit_field else queryset


class UnitScopedMixin:
    """For ``ModelAdmin`` and inlines alike."""

    def get_queryset(self, request):
        return _scoped(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped(field.queryset, request.user)
        return field


class UnitScopedAdmin(UnitScopedMixin, admin.ModelAdmin):
    pass


class UnitScopedTabularInline(UnitScopedMixin, admin.TabularInline):
    pass
