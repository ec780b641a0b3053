from django.contrib import admin

from zi_portal.accounts.admin_scope import UnitScopedAdmin, UnitScopedTabularInline
from zi_portal.accounts.models import User
from zi_portal.core.audit import audit_record, client_ip
from zi_portal.core.choices import AuditAction

from .models import (
    Activity,
    ChangeArea,
    CommitmentCell,
    EvidenceRequirement,
    MonitoredOutput,
    Pokja,
    PokjaMember,
    PriorityTarget,
    ProgrammeItem,
    Quarter,
    Unit,
    WorkPlan,
)


@admin.register(Unit)
class UnitAdmin(UnitScopedAdmin):
    list_display = ["short_name", "name", "code"]
    search_fields = ["name", "short_name", "code"]


class QuarterInline(UnitScopedTabularInline):
    model = Quarter
    extra = 0
    fields = ["number", "focus", "due_date", "grace_days"]


@admin.register(WorkPlan)
class WorkPlanAdmin(UnitScopedAdmin):
    list_display = ["title", "unit", "year", "signatory_name", "signed_on"]
    list_filter = ["year", "unit"]
    inlines = [QuarterInline]


@admin.register(ChangeArea)
class ChangeAreaAdmin(UnitScopedAdmin):
    list_display = ["code", "name", "order"]

    def has_add_permission(self, request) -> bool:
        return False  # the six areas are canonical (PermenPAN-RB 90/2021)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProgrammeItemInline(UnitScopedTabularInline):
    model = ProgrammeItem
    extra = 0


class PriorityTargetInline(UnitScopedTabularInline):
    model = PriorityTarget
    extra = 0


class PokjaMemberInline(UnitScopedTabularInline):
    model = PokjaMember
    extra = 0
    autocomplete_fields = ["user"]
    fk_name = "pokja"
    fields = ["user", "added_by"]
    readonly_fields = ["added_by"]


@admin.register(Pokja)
class PokjaAdmin(UnitScopedAdmin):
    list_display = ["name", "area", "plan"]
    list_filter = ["plan", "area"]
    inlines = [ProgrammeItemInline, PriorityTargetInline, PokjaMemberInline]


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(UnitScopedAdmin):
    list_display = ["pokja", "letter", "text"]
    list_filter = ["pokja__plan", "pokja__area"]
    search_fields = ["text"]


@admin.register(PriorityTarget)
class PriorityTargetAdmin(UnitScopedAdmin):
    list_display = ["pokja", "letter", "text"]
    list_filter = ["pokja__plan", "pokja__area"]


@admin.register(PokjaMember)
class PokjaMemberAdmin(UnitScopedAdmin):
    list_display = ["user", "pokja", "added_by", "created_at"]
    list_filter = ["pokja__plan", "pokja__area"]
    autocomplete_fields = ["user"]


@admin.register(Quarter)
class QuarterAdmin(UnitScopedAdmin):
    list_display = ["__str__", "focus", "due_date", "grace_days"]
    list_filter = ["plan"]


class MonitoredOutputInline(UnitScopedTabularInline):
    model = MonitoredOutput
    extra = 0


class EvidenceRequirementInline(UnitScopedTabularInline):
    model = EvidenceRequirement
    extra = 0


@admin.register(CommitmentCell)
class CommitmentCellAdmin(UnitScopedAdmin):
    list_display = ["__str__", "pic", "pic_name"]
    list_filter = ["quarter__plan", "quarter__number", "area"]
    list_select_related = ["quarter", "area", "pic"]
    autocomplete_fields = ["pic"]
    inlines = [MonitoredOutputInline, EvidenceRequirementInline]

    def save_model(self, request, obj, form, change):
        """Record a change of PIC in the audit trail."""
        before = CommitmentCell.objects.filter(pk=obj.pk).values_list("pic_id", flat=True).first()
        super().save_model(request, obj, form, change)
        if change and before != obj.pic_id:
            old = User.objects.filter(pk=before).first()
            audit_record(
                actor=request.user,
                ip=client_ip(request),
                action=AuditAction.PIC_ASSIGN,
                obj=obj,
                area=obj.area,
                subject_user=obj.pic,
                summary=f"{obj}: {old.name if old else '-'} → {obj.pic.name if obj.pic else '-'}",
                before={"pic": old.email if old else None},
                after={"pic": obj.pic.email if obj.pic else None},
            )


@admin.register(MonitoredOutput)
class MonitoredOutputAdmin(UnitScopedAdmin):
    list_display = ["cell", "order", "text"]
    list_select_related = ["cell__quarter", "cell__area"]
    list_filter = ["cell__quarter__plan", "cell__area"]


@admin.register(EvidenceRequirement)
class EvidenceRequirementAdmin(UnitScopedAdmin):
    list_display = ["cell", "order", "text"]
    list_select_related = ["cell__quarter", "cell__area"]
    list_filter = ["cell__quarter__plan", "cell__area"]
    search_fields = ["text"]


@admin.register(Activity)
class ActivityAdmin(UnitScopedAdmin):
    list_display = ["pokja", "number", "name", "output", "months", "months_assumed"]
    list_select_related = ["pokja__area", "pokja__plan"]
    list_filter = ["pokja__plan", "pokja__area", "months_assumed"]
