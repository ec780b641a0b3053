from django.contrib import admin

from .models import AuditEvent, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "last_seen", "beats"]
    readonly_fields = ["hostname", "last_seen", "beats"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows changed only through the portal's services (evidence, the audit trail): the
    admin shows them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "summary", "ip_address"]
    list_filter = ["action", "area"]
    list_select_related = ["actor"]
    search_fields = ["summary", "object_id"]
