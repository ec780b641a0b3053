from django.contrib import admin

from .models import (
    LkeAnswer,
    LkeAnswerChange,
    LkeMaster,
    PortalRBRequest,
    PortalRBToken,
    Predicate,
    Proposal,
)


@admin.register(LkeMaster)
class LkeMasterAdmin(admin.ModelAdmin):
    list_display = ["year", "total_soal", "generated_at", "source_name", "sha256"]
    exclude = ["data"]
    readonly_fields = ["year", "total_soal", "generated_at", "source_name", "sha256"]


@admin.register(LkeAnswer)
class LkeAnswerAdmin(admin.ModelAdmin):
    list_display = ["unit", "question", "side", "value", "revision", "updated_by", "updated_at"]
    list_filter = ["side", "question__master__year", "question__area_code"]
    readonly_fields = [f.name for f in LkeAnswer._meta.fields] + ["evidence_items"]

    def has_add_permission(self, request):
        return False


@admin.register(LkeAnswerChange)
class LkeAnswerChangeAdmin(admin.ModelAdmin):
    list_display = ["answer", "revision", "value", "changed_by", "changed_at", "source"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "category", "afirmasi"]


@admin.register(Predicate)
class PredicateAdmin(admin.ModelAdmin):
    list_display = ["unit", "kind", "year", "decree"]


@admin.register(PortalRBToken)
class PortalRBTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "digest", "created_by", "created_at", "last_used_at"]


@admin.register(PortalRBRequest)
class PortalRBRequestAdmin(admin.ModelAdmin):
    list_display = ["at", "token", "path", "status", "remote_addr"]

    def has_change_permission(self, request, obj=None):
        return False
