"""Vocabularies of findings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Terbuka")
    IN_PROGRESS = "in_progress", _("Dalam proses")
    DONE = "done", _("Selesai")
    NOT_ACCEPTED = "not_accepted", _("Tidak diterima")


# Statuses in which a finding waits for its owner's follow-up (only these can be late).
WAITING_FOR_OWNER = (FindingStatus.OPEN, FindingStatus.IN_PROGRESS)
# What the owner may report.
FOLLOW_UP_STATUSES = (FindingStatus.IN_PROGRESS, FindingStatus.DONE)
