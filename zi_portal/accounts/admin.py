"""The accounts admin. A superuser (the operator) manages every account. The Ketua Tim
manages the accounts of their own unit and nothing more: they see only their unit's
people, never change a staff or superuser account (their own included, so never their
own roles), never grant staff or superuser status, and every account they create
belongs to their unit."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from zi_portal.core.audit import audit_record, client_ip
from zi_portal.core.choices import AuditAction

from .admin_scope import UnitScopedMixin
from .models import User
from .roles import ROLE_BY_GROUP, role_combination_error

# Fields only a superuser sets: staff and superuser status, direct permissions, and the
# unit (a Ketua Tim's accounts are always of their unit).
SUPERUSER_FIELDS = ["is_staff", "is_superuser", "user_permissions", "unit"]


class RoleCheckMixin:
    """The roles chosen in a form must go together (``roles.role_combination_error``)."""

    def clean_groups(self):
        groups = self.cleaned_data.get("groups")
        if groups is not None:
            error = role_combination_error({ROLE_BY_GROUP.get(g.name) for g in groups})
            if error:
                raise forms.ValidationError(error)
        return groups


class UserChangeForm(RoleCheckMixin, DjangoUserAdmin.form):
    pass


class UserCreationForm(RoleCheckMixin, DjangoUserAdmin.add_form):
    pass


@admin.register(User)
class UserAdmin(UnitScopedMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
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

    def _may_change(self, request, obj) -> bool:
        """A Ketua Tim changes the non-staff accounts of their unit; an account with
        staff or superuser status (their own among them) only a superuser changes."""
        if request.user.is_superuser or obj is None:
            return True
        return not (obj.is_staff or obj.is_superuser or obj.pk == request.user.pk)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [*SUPERUSER_FIELDS, "last_login", "date_joined"]
        return readonly

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            # An account the Ketua Tim makes or changes is of their unit, never staff.
            obj.unit_id = request.user.unit_id
            if not change:
                obj.is_staff = obj.is_superuser = False
        super().save_model(request, obj, form, change)

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
