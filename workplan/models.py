"""The ZI work plan as data: a unit's yearly plan, its change areas, pokja programmes,
quarters, the commitment matrix with its required evidence, and the activity plan.

Another year or another unit is new rows, never new code.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zi_portal.core.models import TimeStampedModel
from zi_portal.core.periods import Deadline, quarter_months

from .choices import QUARTER_LABELS, AreaCode
from .querysets import (
    ActivityQuerySet,
    CommitmentCellQuerySet,
    EvidenceRequirementQuerySet,
    MonitoredOutputQuerySet,
    PokjaPartQuerySet,
    PokjaQuerySet,
    QuarterQuerySet,
    UnitQuerySet,
    WorkPlanQuerySet,
)


class Unit(TimeStampedModel):
    """An organisational unit (unit kerja) that builds a Zona Integritas."""

    code = models.SlugField(_("kode"), max_length=64, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    short_name = models.CharField(_("nama singkat"), max_length=100)
    parent_name = models.CharField(_("instansi induk"), max_length=255, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = pgettext_lazy("jamak", "unit kerja")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class WorkPlan(TimeStampedModel):
    """A unit's *Program Kerja Pembangunan Zona Integritas* for one year."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("unit kerja")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    title = models.CharField(_("judul"), max_length=255)
    signatory_name = models.CharField(_("penandatangan"), max_length=150, blank=True)
    signatory_title = models.CharField(_("jabatan penandatangan"), max_length=255, blank=True)
    signed_place = models.CharField(_("tempat penandatanganan"), max_length=100, blank=True)
    signed_on = models.DateField(_("tanggal penandatanganan"), null=True, blank=True)
    source = models.TextField(_("sumber dokumen"), blank=True)
    assumptions = models.JSONField(
        _("asumsi transkripsi"),
        default=list,
        blank=True,
        help_text=_("Tafsiran yang diambil saat dokumen disalin menjadi data."),
    )

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("rencana kerja")
        verbose_name_plural = pgettext_lazy("jamak", "rencana kerja")
        ordering = ["-year", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="workplan_unit_year_unique"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="workplan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.unit})"


class ChangeArea(TimeStampedModel):
    """One of the six canonical change areas (area perubahan). Shared by all plans."""

    code = models.CharField(_("kode"), max_length=3, choices=AreaCode.choices, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    order = models.PositiveSmallIntegerField(_("urutan"), unique=True)

    class Meta:
        verbose_name = _("area perubahan")
        verbose_name_plural = pgettext_lazy("jamak", "area perubahan")
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Pokja(TimeStampedModel):
    """A plan's working group (pokja) for one change area: its programme and targets."""

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="pokjas", verbose_name=_("rencana kerja")
    )
    area = models.ForeignKey(
        ChangeArea,
        on_delete=models.PROTECT,
        related_name="pokjas",
        verbose_name=_("area perubahan"),
    )
    name = models.CharField(_("nama pokja"), max_length=150)

    objects = PokjaQuerySet.as_manager()

    class Meta:
        verbose_name = _("pokja")
        verbose_name_plural = pgettext_lazy("jamak", "pokja")
        ordering = ["plan", "area__order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "area"], name="pokja_plan_area_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.plan.year})"


class ProgrammeItem(TimeStampedModel):
    """One lettered item (a, b, c …) of a pokja's programme in BAB II of the plan."""

    pokja = models.ForeignKey(
        Pokja, on_delete=models.CASCADE, related_name="programme_items", verbose_name=_("pokja")
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    letter = models.CharField(_("huruf"), max_length=3)
    text = models.TextField(_("uraian"))

    objects = PokjaPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("program pokja")
        verbose_name_plural = pgettext_lazy("jamak", "program pokja")
        ordering = ["pokja", "order"]
        constraints = [
            models.UniqueConstraint(fields=["pokja", "order"], name="programmeitem_order_unique"),
            models.UniqueConstraint(fields=["pokja", "letter"], name="programmeitem_letter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.letter}. {self.text}"


class PriorityTarget(TimeStampedModel):
    """One lettered priority target (*target prioritas*) of a pokja."""

    pokja = models.ForeignKey(
        Pokja, on_delete=models.CASCADE, related_name="priority_targets", verbose_name=_("pokja")
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    letter = models.CharField(_("huruf"), max_length=3)
    text = models.TextField(_("uraian"))

    objects = PokjaPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("target prioritas")
        verbose_name_plural = pgettext_lazy("jamak", "target prioritas")
        ordering = ["pokja", "order"]
        constraints = [
            models.UniqueConstraint(fields=["pokja", "order"], name="prioritytarget_order_unique"),
            models.UniqueConstraint(
                fields=["pokja", "letter"], name="prioritytarget_letter_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter}. {self.text}"


class PokjaMember(TimeStampedModel):
    """A person who works in a pokja and may upload evidence for its area's cells."""

    pokja = models.ForeignKey(
        Pokja, on_delete=models.CASCADE, related_name="members", verbose_name=_("pokja")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pokja_memberships",
        verbose_name=_("pengguna"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditambahkan oleh"),
    )

    objects = PokjaPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("anggota pokja")
        verbose_name_plural = pgettext_lazy("jamak", "anggota pokja")
        ordering = ["pokja", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["pokja", "user"], name="pokjamember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.pokja}"


def default_grace_days() -> int:
    """Grace days of a new quarter: ``ZI_DEFAULT_GRACE_DAYS`` (the one default)."""
    return settings.ZI_DEFAULT_GRACE_DAYS


class Quarter(TimeStampedModel):
    """A quarter (triwulan, TW I–IV) of a plan: its focus and when its evidence is due.

    ``deadline`` is the due date with its grace days; when an item counts as late is
    decided in ``zi_portal.core.periods`` and ``evidence.status``.
    """

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="quarters", verbose_name=_("rencana kerja")
    )
    number = models.PositiveSmallIntegerField(_("triwulan"))
    focus = models.CharField(_("fokus"), max_length=150)
    due_date = models.DateField(_("batas waktu"))
    grace_days = models.PositiveSmallIntegerField(
        _("masa tenggang (hari)"), default=default_grace_days
    )

    objects = QuarterQuerySet.as_manager()

    class Meta:
        verbose_name = _("triwulan")
        verbose_name_plural = pgettext_lazy("jamak", "triwulan")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="quarter_plan_number_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=4), name="quarter_number_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.plan.year}"

    @property
    def label(self) -> str:
        return QUARTER_LABELS[self.number]

    @property
    def months(self) -> list[int]:
        return quarter_months(self.number)

    @property
    def deadline(self) -> Deadline:
        """When this quarter's evidence is due, with its grace days."""
        return Deadline(self.due_date, self.grace_days)


class CommitmentCell(TimeStampedModel):
    """One cell of the *Matriks Komitmen*: a quarter × change area, with what is
    monitored, who is responsible (PIC) and which evidence must be uploaded."""

    quarter = models.ForeignKey(
        Quarter, on_delete=models.CASCADE, related_name="cells", verbose_name=_("triwulan")
    )
    area = models.ForeignKey(
        ChangeArea, on_delete=models.PROTECT, related_name="cells", verbose_name=_("area perubahan")
    )
    pic = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pic_cells",
        verbose_name=_("PIC"),
    )
    pic_name = models.CharField(
        _("PIC menurut dokumen"),
        max_length=150,
        blank=True,
        help_text=_("Nama PIC sebagaimana tertulis dalam dokumen program kerja."),
    )

    objects = CommitmentCellQuerySet.as_manager()

    class Meta:
        verbose_name = _("sel matriks komitmen")
        verbose_name_plural = pgettext_lazy("jamak", "sel matriks komitmen")
        ordering = ["quarter__number", "area__order"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "area"], name="cell_quarter_area_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter.label} · {self.area.code}"

    @property
    def pic_display(self) -> str:
        return self.pic.name if self.pic_id else self.pic_name


def _validate_sub_points(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError(_("Sub-butir harus berupa daftar teks yang tidak kosong."))


class MonitoredOutput(TimeStampedModel):
    """An *Output yang Dimonitor* of a commitment cell, with its sub-points if any."""

    cell = models.ForeignKey(
        CommitmentCell, on_delete=models.CASCADE, related_name="outputs", verbose_name=_("sel")
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.TextField(_("uraian"))
    sub_points = models.JSONField(
        _("sub-butir"), default=list, blank=True, validators=[_validate_sub_points]
    )

    objects = MonitoredOutputQuerySet.as_manager()

    class Meta:
        verbose_name = _("output yang dimonitor")
        verbose_name_plural = pgettext_lazy("jamak", "output yang dimonitor")
        ordering = ["cell", "order"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "order"], name="output_cell_order_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class EvidenceRequirement(TimeStampedModel):
    """A required evidence item (*Kewajiban Unggah Evidence (EZiko)*) of a cell.

    Uploads (``evidence`` app) attach to these rows; an item keeps its sub-points.
    """

    cell = models.ForeignKey(
        CommitmentCell, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("sel")
    )
    order = models.PositiveSmallIntegerField(_("urutan"))
    text = models.TextField(_("uraian"))
    sub_points = models.JSONField(
        _("sub-butir"), default=list, blank=True, validators=[_validate_sub_points]
    )

    objects = EvidenceRequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("kewajiban unggah bukti dukung")
        verbose_name_plural = pgettext_lazy("jamak", "kewajiban unggah bukti dukung")
        ordering = ["cell", "order"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "order"], name="requirement_cell_order_unique"),
        ]

    def __str__(self) -> str:
        return self.text


def _validate_months(value) -> None:
    if (
        not isinstance(value, list)
        or not all(isinstance(m, int) and 1 <= m <= 12 for m in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(_("Bulan harus berupa daftar angka 1–12 tanpa duplikat."))


class Activity(TimeStampedModel):
    """A numbered activity of the *Matriks Rencana Kerja* with its output and the
    months (1–12) it is planned in. Realisation is recorded elsewhere and never
    overwrites the plan."""

    pokja = models.ForeignKey(
        Pokja, on_delete=models.CASCADE, related_name="activities", verbose_name=_("pokja")
    )
    number = models.PositiveSmallIntegerField(_("nomor"))
    name = models.TextField(_("kegiatan"))
    output = models.CharField(_("output"), max_length=255)
    months = models.JSONField(
        _("bulan rencana"), default=list, blank=True, validators=[_validate_months]
    )
    months_assumed = models.BooleanField(
        _("bulan berupa asumsi"),
        default=False,
        help_text=_(
            "Benar bila bulan rencana diperkirakan saat transkripsi karena arsiran "
            "bulan hilang dari dokumen; menjadi salah setelah Ketua Tim menetapkannya."
        ),
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("kegiatan")
        verbose_name_plural = pgettext_lazy("jamak", "kegiatan")
        ordering = ["pokja", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pokja", "number"], name="activity_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


# The log of changes whose newest id is a plan's stamp (defined beside its rules).
from .stamps import PlanChange  # noqa: E402, F401
