"""Where a unit's LKE survey answer came from: one row per take-over of a survey's value
into the unit's LKE answer (the IPAK or IPKP question of the Hasil part), written with
the answer in one transaction and never changed afterwards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy


class LkeTakeover(models.Model):
    """A survey's value taken into the unit's LKE answer: which survey, its period and
    respondents at that moment, the value written, whether it came from fewer than the
    regulation's minimum of respondents, who took it and when."""

    unit = models.ForeignKey(
        "workplan.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_l("unit kerja")
    )
    survey = models.ForeignKey(
        "surveys.Survey",
        on_delete=models.PROTECT,
        related_name="lke_takeovers",
        verbose_name=_l("survei"),
    )
    answer = models.ForeignKey(
        "lke.LkeAnswer",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_l("jawaban LKE"),
    )
    year = models.PositiveSmallIntegerField(_l("tahun LKE"))
    soal_id = models.PositiveIntegerField(_l("ID soal PortalRB"))
    revision = models.PositiveIntegerField(_l("revisi jawaban"))
    value = models.CharField(_l("nilai"), max_length=32)
    starts_on = models.DateField(_l("mulai"))
    ends_on = models.DateField(_l("selesai"))
    respondents = models.PositiveIntegerField(_l("responden"))
    below_minimum = models.BooleanField(_l("di bawah minimum responden"))
    survey_closed = models.BooleanField(_l("survei sudah ditutup"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_l("diambil oleh"),
    )
    taken_at = models.DateTimeField(_l("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _l("pengambilan nilai survei ke LKE")
        verbose_name_plural = pgettext_lazy("jamak", "pengambilan nilai survei ke LKE")
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["unit", "year", "soal_id"], name="survey_lke_takeover")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="survey_takeover_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} → soal {self.soal_id}: {self.value}"
