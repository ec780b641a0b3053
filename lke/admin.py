from django.contrib import admin

from zi_portal.accounts.admin_scope import UnitScopedAdmin

from .models import (
    LkeAnswer,
    LkeAnswerChange,
    LkeMaster,
    PortalRBRefusal,
    PortalRBRequest,
    PortalRBToken,
    Predicate,
    Proposal,
)


@admin.register(LkeMaster)
class LkeMasterAdmin(UnitScopedAdmin):
    list_display = ["year", "total_soal", "generated_at", "source_name", "sha256"]
    exclude = ["data"]
    readonly_fields = ["year", "total_soal", "generated_at", "source_name", "sha256"]


@admin.register(LkeAnswer)
class LkeAnswerAdmin(UnitScopedAdmin):
    list_display = ["unit", "question", "side", "value", "revision", "updated_by", "updated_at"]
    list_filter = ["side", "question__master__year", "question__area_code"]
    readonly_fields = [f.name for f in LkeAnswer._meta.fields] + ["evidence_items"]

    def has_add_permission(self, request):
        return False


@admin.register(LkeAnswerChange)
class LkeAnswerChangeAdmin(UnitScopedAdmin):
    list_display = ["answer", "revision", "value", "changed_by", "changed_at", "source"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Proposal)
class ProposalAdmin(UnitScopedAdmin):
    list_display = ["unit", "year", "category", "afirmasi"]


@admin.register(Predicate)
class PredicateAdmin(UnitScopedAdmin):
    list_display = ["unit", "kind", "year", "decree"]


@admin.register(PortalRBToken)
class PortalRBTokenAdmin(UnitScopedAdmin):
    list_display = ["name", "prefix", "created_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "digest", "created_by", "created_at", "last_used_at"]


@admin.register(PortalRBRequest)
class PortalRBRequestAdmin(UnitScopedAdmin):
    list_display = ["at", "token", "path", "status", "remote_addr"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PortalRBRefusal)
class PortalRBRefusalAdmin(UnitScopedAdmin):
    list_display = ["minute", "remote_addr", "status", "token", "count", "last_path"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
