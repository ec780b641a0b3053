"""API shapes of the evidence app (input validation only; writes are services)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workplan.models import EvidenceRequirement

from .models import EvidenceVersion, Review


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = PersonSerializer()

    class Meta:
        model = Review
        fields = ["id", "decision", "comment", "reviewer", "created_at"]


class VersionSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="number")
    filename = serializers.CharField(source="original_name")
    status = serializers.CharField(source="review_state")
    current = serializers.BooleanField(source="is_current")
    uploaded_by = PersonSerializer()
    replaces = serializers.IntegerField(source="replaces.number", default=None)
    requirement = serializers.IntegerField(source="requirement_id")
    download_url = serializers.SerializerMethodField()
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta:
        model = EvidenceVersion
        fields = [
            "id",
            "requirement",
            "version",
            "file_no",
            "revision",
            "kind",
            "filename",
            "url",
            "size",
            "content_type",
            "sha256",
            "note",
            "evidence_date",
            "status",
            "current",
            "replaces",
            "uploaded_by",
            "uploaded_at",
            "withdrawn_at",
            "withdraw_reason",
            "download_url",
            "reviews",
        ]

    def get_download_url(self, obj) -> str | None:
        if obj.kind != "file":
            return None
        return reverse("api-evidence-file", args=[obj.pk])


class VersionSummarySerializer(VersionSerializer):
    class Meta(VersionSerializer.Meta):
        fields = [f for f in VersionSerializer.Meta.fields if f != "reviews"]


class RequirementSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="cell.area.code")
    quarter = serializers.IntegerField(source="cell.quarter.number")
    pic = serializers.SerializerMethodField()
    status = serializers.CharField()
    latest_version = VersionSummarySerializer(source="latest", allow_null=True)

    class Meta:
        model = EvidenceRequirement
        fields = ["id", "text", "sub_points", "area", "quarter", "pic", "status", "latest_version"]

    def get_pic(self, obj) -> dict | None:
        cell = obj.cell
        if cell.pic_id:
            return {"id": cell.pic_id, "name": cell.pic.name}
        return {"id": None, "name": cell.pic_name} if cell.pic_name else None


class RequirementDetailSerializer(RequirementSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(RequirementSerializer.Meta):
        fields = [*RequirementSerializer.Meta.fields, "versions"]

    def get_versions(self, obj) -> list[dict]:
        return VersionSerializer(obj.history, many=True, context=self.context).data


class EvidenceInputSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    evidence_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "invalid": _(
                "Tanggal bukti dukung tidak valid. Gunakan format TTTT-BB-HH, misalnya 2026-03-02."
            )
        },
    )
    replaces = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=2**63 - 1
    )


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class TokenInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False)
