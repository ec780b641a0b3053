"""The admin shows surveys within the signed-in person's unit; responses, answers and
the Ketua's decisions are read-only (they are changed only through the portal's
services, and responses never)."""

from django.contrib import admin

from zi_portal.accounts.admin_scope import UnitScopedAdmin, UnitScopedMixin, UnitScopedTabularInline
from zi_portal.core.admin import ReadOnlyAdmin

from .models import Answer, Response, ResponseAdmission, ResponseExclusion, Service, Survey


@admin.register(Service)
class ServiceAdmin(UnitScopedAdmin):
    list_display = ["code", "name", "population", "unit"]
    search_fields = ["code", "name"]


@admin.register(Survey)
class SurveyAdmin(UnitScopedMixin, ReadOnlyAdmin):
    list_display = ["title", "kind", "starts_on", "ends_on", "status", "unit"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    exclude = ["token"]


class AnswerInline(UnitScopedTabularInline):
    model = Answer
    extra = 0
    can_delete = False
    readonly_fields = ["question", "value"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(UnitScopedMixin, ReadOnlyAdmin):
    list_display = ["pk", "survey", "service", "source", "flag_reason", "submitted_at"]
    list_filter = ["source", "flag_reason"]
    list_select_related = ["survey", "service"]
    exclude = ["device_digest", "address_digest"]
    inlines = [AnswerInline]


@admin.register(ResponseExclusion)
class ResponseExclusionAdmin(UnitScopedMixin, ReadOnlyAdmin):
    list_display = ["response", "reason", "decided_by", "decided_at"]
    list_select_related = ["response", "decided_by"]


@admin.register(ResponseAdmission)
class ResponseAdmissionAdmin(UnitScopedMixin, ReadOnlyAdmin):
    list_display = ["response", "reason", "decided_by", "decided_at"]
    list_select_related = ["response", "decided_by"]
