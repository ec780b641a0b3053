"""The unit's own surveys (SKM/IKM, IPKP, IPAK, internal): the services surveyed, the
survey with its questions, and the respondents' answers.

Responses are evidence of what the public said: append-only. Nobody edits or deletes a
response or an answer (``save`` on a stored row, ``delete`` and the querysets' ``update``
and ``delete`` raise); the Ketua Tim excludes one with a reason (``ResponseExclusion``)
or admits a flagged one (``ResponseAdmission``), both append-only rows of their own and
audited, so the report can show what was left out and why."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from zi_portal.accounts.permissions import unit_queryset

from .choices import (
    AgeBand,
    Education,
    FlagReason,
    Occupation,
    ResponseSource,
    Sex,
    SurveyKind,
    SurveyStatus,
)
from .errors import SurveyRefused


def new_token() -> str:
    """An unguessable token for a survey's public URLs (128 random bits). It always holds
    a letter, so it can never be read as a survey's number in a URL."""
    while True:
        token = secrets.token_urlsafe(16)
        if not token.isdigit():
            return token


ServiceQuerySet = unit_queryset("unit", "ServiceQuerySet")
SurveyQuerySet = unit_queryset("unit", "SurveyQuerySet")
QuestionQuerySet = unit_queryset("survey__unit", "QuestionQuerySet")


class Service(models.Model):
    """A service (*jenis layanan*) of the unit that its surveys ask about, with how many
    people use it in a year (the population its target sample is drawn from)."""

    unit = models.ForeignKey(
        "workplan.Unit",
        on_delete=models.PROTECT,
        related_name="survey_services",
        verbose_name=_l("unit kerja"),
    )
    code = models.SlugField(_l("kode"), max_length=40)
    name = models.CharField(_l("nama layanan"), max_length=200)
    population = models.PositiveIntegerField(_l("pengguna layanan per tahun"))
    created_at = models.DateTimeField(_l("dibuat"), auto_now_add=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _l("jenis layanan")
        verbose_name_plural = pgettext_lazy("jamak", "jenis layanan")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="survey_service_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Survey(models.Model):
    """One survey of the unit for a period: its kind, the services it covers, its
    questions (copied from the kind's question set when it is made) and its public
    token. It accepts responses while open and within its dates; after its end date it
    counts as closed whatever its stored status."""

    unit = models.ForeignKey(
        "workplan.Unit",
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_l("unit kerja"),
    )
    kind = models.CharField(_l("jenis survei"), max_length=10, choices=SurveyKind.choices)
    title = models.CharField(_l("judul"), max_length=200)
    starts_on = models.DateField(_l("mulai"))
    ends_on = models.DateField(_l("selesai"))
    quarter = models.PositiveSmallIntegerField(_l("triwulan rencana"), null=True, blank=True)
    status = models.CharField(
        _l("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    token = models.CharField(_l("token publik"), max_length=40, unique=True, default=new_token)
    services = models.ManyToManyField(
        Service, related_name="surveys", verbose_name=_l("jenis layanan")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_l("dibuat oleh"),
    )
    created_at = models.DateTimeField(_l("dibuat"), auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _l("survei")
        verbose_name_plural = pgettext_lazy("jamak", "survei")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="survey_period_order"
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="survey_quarter_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def phase(self, today: date | None = None) -> str:
        """draft, scheduled (open but before its start date), open, or closed (closed by
        the Ketua, or past its end date)."""
        today = today or timezone.localdate()
        if self.status == SurveyStatus.DRAFT:
            return "draft"
        if self.status == SurveyStatus.CLOSED or today > self.ends_on:
            return "closed"
        if today < self.starts_on:
            return "scheduled"
        return "open"

    def accepts_responses(self, today: date | None = None) -> bool:
        return self.phase(today) == "open"


class Question(models.Model):
    """A question of a survey, copied from its kind's question set; its wording may be
    changed until the survey's first response, never after."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_l("survei")
    )
    order = models.PositiveSmallIntegerField(_l("urutan"))
    code = models.CharField(_l("kode"), max_length=10)
    unsur = models.CharField(_l("unsur"), max_length=200)
    text = models.TextField(_l("pertanyaan"))
    option_1 = models.CharField(_l("pilihan 1"), max_length=120)
    option_2 = models.CharField(_l("pilihan 2"), max_length=120)
    option_3 = models.CharField(_l("pilihan 3"), max_length=120)
    option_4 = models.CharField(_l("pilihan 4"), max_length=120)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _l("pertanyaan survei")
        verbose_name_plural = pgettext_lazy("jamak", "pertanyaan survei")
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "order"], name="survey_question_order"),
            models.UniqueConstraint(fields=["survey", "code"], name="survey_question_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.unsur}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The last line of defence of "never after the first response" (the service and
        # the form refuse first, saying so): a stored wording that answers were given to
        # cannot change under them.
        if not self._state.adding and Response.objects.filter(survey_id=self.survey_id).exists():
            raise SurveyRefused(
                _(
                    "Pertanyaan tidak dapat diubah karena survei ini sudah menerima respons. "
                    "Perubahan kata-kata hanya dapat dilakukan sebelum respons pertama."
                )
            )
        super().save(*args, **kwargs)

    @property
    def options(self) -> list[tuple[int, str]]:
        return list(enumerate((self.option_1, self.option_2, self.option_3, self.option_4), 1))


class AppendOnlyQuerySetMixin:
    """Bulk ``update``/``delete`` refused: these rows are only ever added."""

    def update(self, **kwargs: Any) -> int:
        raise SurveyRefused(_append_only_message())

    def delete(self) -> tuple[int, dict[str, int]]:
        raise SurveyRefused(_append_only_message())


def _append_only_message() -> str:
    return _(
        "Respons survei tidak dapat diubah atau dihapus. Ketua Tim ZI dapat mengecualikan "
        "respons dengan menuliskan alasannya."
    )


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again or deleting it raises."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SurveyRefused(_append_only_message())
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise SurveyRefused(_append_only_message())


def _append_only_queryset(path: str, name: str) -> Any:
    return type(name, (AppendOnlyQuerySetMixin, unit_queryset(path, name)), {})


ResponseQuerySet = _append_only_queryset("survey__unit", "ResponseQuerySet")
AnswerQuerySet = _append_only_queryset("response__survey__unit", "AnswerQuerySet")
DecisionQuerySet = _append_only_queryset("response__survey__unit", "DecisionQuerySet")


class Response(AppendOnlyModel):
    """One respondent's answers to a survey for the service they received. A response
    the abuse checks flagged (``flag_reason``) is kept apart: it counts only once the
    Ketua admits it. Only digests of the device and the address are kept, never the
    address itself."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_l("survei")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="responses", verbose_name=_l("layanan")
    )
    age_band = models.CharField(_l("usia"), max_length=6, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_l("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    education = models.CharField(
        _l("pendidikan"), max_length=6, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _l("pekerjaan"), max_length=10, choices=Occupation.choices, blank=True
    )
    submitted_at = models.DateTimeField(_l("dikirim"), default=timezone.now)
    source = models.CharField(
        _l("sumber"), max_length=8, choices=ResponseSource.choices, default=ResponseSource.FORM
    )
    flag_reason = models.CharField(
        _l("alasan ditandai"), max_length=12, choices=FlagReason.choices, blank=True
    )
    device_digest = models.CharField(_l("sidik perangkat"), max_length=64, blank=True)
    address_digest = models.CharField(_l("sidik alamat"), max_length=64, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _l("respons survei")
        verbose_name_plural = pgettext_lazy("jamak", "respons survei")
        ordering = ["survey", "pk"]
        constraints = [
            # One response per device per survey (the form refuses a second kindly; this
            # decides a race between two tabs).
            models.UniqueConstraint(
                fields=["survey", "device_digest"],
                condition=~Q(device_digest=""),
                name="survey_response_one_per_device",
            ),
        ]
        indexes = [models.Index(fields=["survey", "service"], name="survey_response_service")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.survey_id}"

    @property
    def flagged(self) -> bool:
        return bool(self.flag_reason)


class Answer(AppendOnlyModel):
    """The value 1–4 a respondent chose for one question."""

    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, related_name="answers", verbose_name=_l("respons")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_l("pertanyaan")
    )
    value = models.PositiveSmallIntegerField(_l("nilai"))

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _l("jawaban")
        verbose_name_plural = pgettext_lazy("jamak", "jawaban")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=4), name="survey_answer_value_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"


class ResponseDecision(AppendOnlyModel):
    """A Ketua's decision on one response: who, when, why (append-only)."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_l("oleh"),
    )
    decided_at = models.DateTimeField(_l("waktu"), default=timezone.now)
    reason = models.TextField(_l("alasan"))

    objects = DecisionQuerySet.as_manager()

    class Meta:
        abstract = True


class ResponseExclusion(ResponseDecision):
    """A response the Ketua left out of the results, with the reason (shown in the
    report). Final: an excluded response is never counted again."""

    response = models.OneToOneField(
        Response, on_delete=models.PROTECT, related_name="exclusion", verbose_name=_l("respons")
    )

    class Meta:
        verbose_name = _l("pengecualian respons")
        verbose_name_plural = pgettext_lazy("jamak", "pengecualian respons")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="survey_exclusion_needs_reason")
        ]

    def __str__(self) -> str:
        return f"#{self.response_id}: {self.reason[:80]}"


class ResponseAdmission(ResponseDecision):
    """A flagged response the Ketua judged genuine: it counts from then on."""

    response = models.OneToOneField(
        Response, on_delete=models.PROTECT, related_name="admission", verbose_name=_l("respons")
    )
    reason = models.TextField(_l("catatan"), blank=True)

    class Meta:
        verbose_name = _l("penerimaan respons bertanda")
        verbose_name_plural = pgettext_lazy("jamak", "penerimaan respons bertanda")

    def __str__(self) -> str:
        return f"#{self.response_id}"


from .models_followup import FollowUp  # noqa: E402,F401

ResponseImportQuerySet = _append_only_queryset("survey__unit", "ResponseImportQuerySet")


class ResponseImport(AppendOnlyModel):
    """One file of responses collected elsewhere (paper forms, Google Forms) imported
    into a survey: its SHA-256, so the same file is never imported twice into the same
    survey, who imported it (none from the command line), when, and how many responses
    it added. Append-only, like the responses it brought."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="imports", verbose_name=_l("survei")
    )
    sha256 = models.CharField(_l("SHA-256 berkas"), max_length=64)
    filename = models.CharField(_l("nama berkas"), max_length=255)
    rows = models.PositiveIntegerField(_l("jumlah respons"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_l("diimpor oleh"),
    )
    imported_at = models.DateTimeField(_l("diimpor"), default=timezone.now)

    objects = ResponseImportQuerySet.as_manager()

    class Meta:
        verbose_name = _l("impor respons")
        verbose_name_plural = pgettext_lazy("jamak", "impor respons")
        ordering = ["survey", "imported_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "sha256"], name="survey_import_once"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.rows})"


from .models_lke import LkeTakeover  # noqa: E402,F401
