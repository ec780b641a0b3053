"""A closed survey's PDF report attached as evidence to a matrix item (a required item of
the unit's plan, e.g. PP TW III "Laporan survey kepuasan masyarakat dan analisisnya") in
one action: a normal evidence version with its SHA-256, stored through the evidence
app's own upload service, so its checks, numbering, audit and storage clean-up apply
as to any upload. Who may attach is who may upload to that item (its PIC or pokja, the
Ketua Tim): ``EvidenceRequirement.objects.restrict(user, UPLOAD_EVIDENCE)`` decides."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import EvidenceVersion
from evidence.services import evidence_upload_file
from workplan.models import EvidenceRequirement
from zi_portal.accounts.permissions import Action, denial_message, require

from .errors import SurveyRefused
from .models import Survey
from .report import report_filename, survey_pdf

SURVEY_WORDS = Q(text__icontains="survey") | Q(text__icontains="survei")


def attachable_items(survey: Survey, user: Any) -> QuerySet[EvidenceRequirement]:
    """The items of the survey's unit's plans ``user`` may upload to, those whose text
    mentions a survey first, then in matrix order."""
    return (
        EvidenceRequirement.objects.restrict(user, Action.UPLOAD_EVIDENCE)
        .filter(cell__quarter__plan__unit_id=survey.unit_id)
        .select_related("cell__quarter__plan", "cell__area")
        .annotate(
            about_survey=Case(
                When(SURVEY_WORDS, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by(
            "about_survey",
            "-cell__quarter__plan__year",
            "cell__quarter__number",
            "cell__area__order",
            "order",
        )
    )


def report_attach(
    *,
    survey: Survey,
    requirement_id: int | None,
    user: Any,
    ip: str | None = None,
) -> EvidenceVersion:
    """Build the report of the closed ``survey`` and upload it as the next version of
    the item ``requirement_id``. Refused for a survey still open, an item outside the
    survey's unit, or one ``user`` may not upload to; nothing is stored then."""
    require(user, Action.VIEW_SURVEYS, survey)
    if survey.phase() != "closed":
        raise SurveyRefused(
            _(
                "Laporan hanya dapat dilampirkan setelah survei ditutup, agar hasilnya tidak "
                "berubah lagi. Tutup survei ini terlebih dahulu."
            )
        )
    in_unit = EvidenceRequirement.objects.filter(
        pk=requirement_id, cell__quarter__plan__unit_id=survey.unit_id
    ).select_related("cell__quarter__plan", "cell__area")
    requirement = in_unit.first() if requirement_id is not None else None
    if requirement is None:
        raise SurveyRefused(
            _(
                "Butir bukti dukung yang dipilih tidak ada dalam rencana kerja unit survei ini. "
                "Pilih salah satu butir dari daftar."
            )
        )
    if not attachable_items(survey, user).filter(pk=requirement.pk).exists():
        raise SurveyRefused(denial_message(Action.UPLOAD_EVIDENCE), code="forbidden", status=403)
    pdf = survey_pdf(survey)
    upload = SimpleUploadedFile(report_filename(survey), pdf, content_type="application/pdf")
    return evidence_upload_file(
        requirement=requirement,
        upload=upload,
        user=user,
        note=_("Laporan %(survey)s, dibuat oleh ZI Portal dari hasil survei.")
        % {"survey": survey.title},
        # The day the survey ended, or the day the Ketua closed it early.
        evidence_date=min(survey.ends_on, timezone.localdate()),
        ip=ip,
    )
