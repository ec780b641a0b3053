from django.contrib import admin

from zi_portal.accounts.admin_scope import UnitScopedAdmin

from .models import Message, Notification, ReminderPolicy, ReminderRecord


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(UnitScopedAdmin):
    list_display = [
        "plan",
        "upcoming_days",
        "overdue_interval_days",
        "overdue_max_repeats",
        "digest_weekday",
        "send_on_weekends",
    ]


@admin.register(Message)
class MessageAdmin(UnitScopedAdmin):
    list_display = ["created_at", "recipient", "kind", "subject", "status", "attempts"]
    list_filter = ["status", "kind"]
    readonly_fields = [
        "recipient",
        "kind",
        "subject",
        "body_text",
        "body_html",
        "url",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ReminderRecord)
class ReminderRecordAdmin(UnitScopedAdmin):
    list_display = ["created_at", "kind", "recipient", "scope", "period", "message"]
    list_filter = ["kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(UnitScopedAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
