from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from zi_portal.core.audit import audit_record, client_ip
from zi_portal.core.choices import AuditAction

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["name"]
    list_display = ["name", "email", "position", "unit", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "unit"]
    search_fields = ["name", "email", "position"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Data pribadi"), {"fields": ("name", "position", "unit", "preferred_language")}),
        (_("Peran dan hak akses"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Waktu penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "name", "password1", "password2", "groups")},
        ),
    )
    filter_horizontal = ["groups"]

    def save_related(self, request, form, formsets, change):
        """Record role (group) changes in the audit trail."""
        user = form.instance
        before = sorted(user.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(user.groups.values_list("name", flat=True))
        if before != after:
            audit_record(
                actor=request.user,
                ip=client_ip(request),
                action=AuditAction.ROLE_CHANGE,
                obj=user,
                subject_user=user,
                summary=f"{user.name}: {', '.join(before) or '-'} → {', '.join(after) or '-'}",
                before={"roles": before},
                after={"roles": after},
            )

    def get_readonly_fields(self, request, obj=None):
        # The Ketua Tim manages accounts and roles but cannot mint superusers.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "last_login", "date_joined"]
        return readonly
