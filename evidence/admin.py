from django.contrib import admin

from zi_portal.accounts.admin_scope import UnitScopedMixin, UnitScopedTabularInline
from zi_portal.core.admin import ReadOnlyAdmin

from .models import EvidenceVersion, Review


class ReviewInline(UnitScopedTabularInline):
    model = Review
    extra = 0
    can_delete = False
    readonly_fields = ["reviewer", "decision", "comment", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EvidenceVersion)
class EvidenceVersionAdmin(UnitScopedMixin, ReadOnlyAdmin):
    list_display = [
        "requirement",
        "number",
        "kind",
        "original_name",
        "size",
        "review_state",
        "uploaded_by",
        "uploaded_at",
        "withdrawn_at",
    ]
    list_filter = [
        "kind",
        "review_state",
        "requirement__cell__area",
        "requirement__cell__quarter__number",
    ]
    list_select_related = ["requirement", "uploaded_by"]
    search_fields = ["original_name", "url", "sha256", "note"]
    inlines = [ReviewInline]


@admin.register(Review)
class ReviewAdmin(UnitScopedMixin, ReadOnlyAdmin):
    list_display = ["version", "decision", "reviewer", "created_at"]
    list_filter = ["decision"]
    list_select_related = ["version__requirement", "reviewer"]
