"""A survey result followed up: which unsur (question) of which survey was turned into a
finding (*temuan*) of the findings app, so the survey page shows "sudah jadi temuan"
with a link, and the same unsur can never become a second finding.

Kept in a module of its own (imported at the end of ``models.py``) so the report's part
of the surveys app does not share a file with the parts built beside it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from zi_portal.accounts.permissions import unit_queryset

FollowUpQuerySet = unit_queryset("survey__unit", "FollowUpQuerySet")


class FollowUp(models.Model):
    """One unsur of a survey with a low result that the Ketua Tim turned into a finding
    (its owner and due date are the finding's). The findings list is then the survey's
    *Matriks tindak lanjut hasil survey*. One per unsur, ever."""

    survey = models.ForeignKey(
        "surveys.Survey",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_l("survei"),
    )
    question = models.ForeignKey(
        "surveys.Question",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_l("unsur"),
    )
    finding = models.OneToOneField(
        "findings.Finding",
        on_delete=models.PROTECT,
        related_name="survey_follow_up",
        verbose_name=_l("temuan"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_l("dibuat oleh"),
    )
    created_at = models.DateTimeField(_l("dibuat"), auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _l("tindak lanjut hasil survei")
        verbose_name_plural = pgettext_lazy("jamak", "tindak lanjut hasil survei")
        ordering = ["survey", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question"], name="survey_followup_once_per_unsur"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.question_id} → #{self.finding_id}"
